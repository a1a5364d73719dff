#include "net/url.hpp"

#include <charconv>

namespace senim::net {

Expected<Url> parse_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "URL \"" + std::string(url) + "\": " + why);
  };
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return bad(url.find("://") == std::string_view::npos ? "expected http://host:port"
                                                         : "only http:// is supported");
  }
  std::string_view rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  Url out;
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/')
      path.remove_suffix(1);
    if (path.find_first_of("?#") != std::string_view::npos) {
      return bad("a base URL has no query or fragment");
    }
    out.base_path = std::string(path);
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      return bad("unterminated [IPv6 address]");
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return bad("expected :port after ]");
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port_text = authority.substr(colon + 1);
  }
  if (out.host.empty())
    return bad("no host");
  if (authority.find('@') != std::string_view::npos)
    return bad("user info is not supported");
  if (!port_text.empty() || authority.ends_with(':')) {
    std::uint16_t port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port == 0) {
      return bad("port must be a number in [1, 65535]");
    }
    out.port = port;
  }
  return out;
}

}  // namespace senim::net
