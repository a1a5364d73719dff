// The transports of a board's tiled log (protocol/log_source.hpp): over HTTP
// from the board or any web server that serves a mirror, and from a mirror
// directory on disk. Each only fetches files by path; everything else —
// tiles, bundles, the fallback to full tiles, authentication against a
// checkpoint — is protocol::LogSource's, shared.
#pragma once

#include <memory>
#include <string>

#include "crypto/error.hpp"
#include "net/http_client.hpp"
#include "protocol/log_source.hpp"

namespace senim::net {

// GET <base URL>/<path>: 200 is the file, 404 not_found, anything else an
// io_error naming the status.
class HttpLogSource final : public protocol::LogSource {
 public:
  static Expected<std::unique_ptr<HttpLogSource>> open(const std::string& url,
                                                       ClientOptions options = {});
  Expected<std::string> fetch(const std::string& path, std::size_t max_bytes) override;
  std::string where() const override { return url_; }

 private:
  HttpLogSource(std::string url, HttpClient http) : url_(std::move(url)), http_(std::move(http)) {}
  std::string url_;
  HttpClient http_;
};

// <dir>/<path>: a file, or not_found if there is none.
class DirectoryLogSource final : public protocol::LogSource {
 public:
  explicit DirectoryLogSource(std::string dir) : dir_(std::move(dir)) {}
  Expected<std::string> fetch(const std::string& path, std::size_t max_bytes) override;
  std::string where() const override { return dir_; }

 private:
  std::string dir_;
};

// "http://…" is HTTP; "file://DIR" or any other text is a directory.
// Errors: parse_url's; not_found for a directory that does not exist.
Expected<std::unique_ptr<protocol::LogSource>> open_log_source(const std::string& location);

}  // namespace senim::net
