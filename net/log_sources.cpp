#include "net/log_sources.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace senim::net {

Expected<std::unique_ptr<HttpLogSource>> HttpLogSource::open(const std::string& url,
                                                             ClientOptions options) {
  auto http = HttpClient::create(url, options);
  if (!http)
    return http.error();
  std::string base = url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return std::unique_ptr<HttpLogSource>(new HttpLogSource(std::move(base), std::move(*http)));
}

Expected<std::string> HttpLogSource::fetch(const std::string& path, std::size_t max_bytes) {
  auto response = http_.get("/" + path);
  if (!response) {
    return make_error(Errc::io_error,
                      "cannot read " + url_ + "/" + path + ": " + response.error().message);
  }
  if (response->status == 404)
    return make_error(Errc::not_found, url_ + "/" + path + " does not exist (HTTP 404)");
  if (response->status != 200) {
    return make_error(Errc::io_error,
                      url_ + "/" + path + " answered HTTP " + std::to_string(response->status));
  }
  if (response->body.size() > max_bytes) {
    return make_error(Errc::invalid_length, url_ + "/" + path + " has " +
                                                std::to_string(response->body.size()) +
                                                " bytes, more than " + std::to_string(max_bytes));
  }
  return std::move(response->body);
}

Expected<std::string> DirectoryLogSource::fetch(const std::string& path, std::size_t max_bytes) {
  const std::string file = dir_ + "/" + path;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT)
      return make_error(Errc::not_found, file + " does not exist");
    return make_error(Errc::io_error, "cannot read " + file + ": " + std::strerror(errno));
  }
  std::string data;
  data.resize(max_bytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad())
    return make_error(Errc::io_error, "cannot read " + file);
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() > max_bytes) {
    return make_error(Errc::invalid_length,
                      file + " has more than " + std::to_string(max_bytes) + " bytes");
  }
  return data;
}

Expected<std::unique_ptr<protocol::LogSource>> open_log_source(const std::string& location) {
  // Any other scheme goes to parse_url, which says which it supports.
  if (!location.starts_with("file://") && location.find("://") != std::string::npos) {
    auto http = HttpLogSource::open(location);
    if (!http)
      return http.error();
    return std::unique_ptr<protocol::LogSource>(std::move(*http));
  }
  std::string dir = location.starts_with("file://") ? location.substr(7) : location;
  if (!std::filesystem::is_directory(dir))
    return make_error(Errc::not_found, "no mirror directory " + dir);
  return std::unique_ptr<protocol::LogSource>(std::make_unique<DirectoryLogSource>(std::move(dir)));
}

}  // namespace senim::net
