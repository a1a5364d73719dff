#include "server/query.hpp"

#include <algorithm>
#include <charconv>

namespace senim::server {

std::string_view Target::param(std::string_view name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string_view{} : std::string_view(it->second);
}

Target parse_target(std::string_view target) {
  Target out;
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question == std::string_view::npos)
    return out;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    // The first occurrence of a parameter wins.
    out.query.emplace(std::string(pair.substr(0, eq)), eq == std::string_view::npos
                                                           ? std::string()
                                                           : std::string(pair.substr(eq + 1)));
    if (amp == std::string_view::npos)
      break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

Expected<std::uint64_t> uint_param(const Target& target, std::string_view name,
                                   std::optional<std::uint64_t> fallback) {
  auto it = target.query.find(name);
  if (it == target.query.end()) {
    if (fallback)
      return *fallback;
    return make_error(Errc::invalid_argument, "missing query parameter " + std::string(name));
  }
  const std::string& text = it->second;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return make_error(Errc::invalid_argument, "query parameter " + std::string(name) + "=\"" +
                                                  text + "\" is not a number in [0, 2^64)");
  }
  return value;
}

Expected<Hash32> hex32(std::string_view text, std::string_view what) {
  auto bytes = from_hex(text);
  if (!bytes || bytes->size() != 32) {
    return make_error(
        Errc::invalid_argument,
        std::string(what) + " \"" + std::string(text.substr(0, 80)) + "\" is not 64 hex digits");
  }
  Hash32 out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace senim::server
