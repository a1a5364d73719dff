// A small synchronous HTTP/1.1 client for talking to a senim board: the
// `senim` command-line tools, `senim-verify --server` and the tests use it.
// It knows nothing about the server's code; it speaks docs/api.md over HTTP.
//
// One client holds one keep-alive connection and is not thread-safe (use
// one per thread). Every operation has a deadline; a request on a reused
// connection that the server had already closed is retried once on a fresh
// one (the server had not read it, so nothing was posted twice).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "net/url.hpp"

namespace senim::net {

inline constexpr std::string_view kProtobuf = "application/x-protobuf";
inline constexpr std::string_view kJson = "application/json";

struct ClientOptions {
  // Connecting, sending the request and reading the answer, each.
  std::chrono::milliseconds timeout{30'000};
  // The largest answer get()/post() keep in memory; download() has no limit.
  std::size_t max_body_bytes = std::size_t{64} * 1024 * 1024;
};

struct HttpResponse {
  unsigned status = 0;
  std::string content_type;
  std::string cache_control;  // the Cache-Control header, if any
  std::string retry_after;    // the Retry-After header, if any (RFC 9110 §10.2.3)
  std::string body;
};

class HttpClient {
 public:
  // Parses `base_url` (url.hpp); does not connect yet.
  static Expected<HttpClient> create(std::string_view base_url, ClientOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is a path with its query, e.g. "/v1/entries?start=0&count=10",
  // appended to the base URL's path. Any HTTP status is a response; an error
  // means there was none (io_error: connection, timeout, malformed answer).
  Expected<HttpResponse> get(std::string_view target, std::string_view accept = {});
  Expected<HttpResponse> post(std::string_view target, std::string_view body,
                              std::string_view content_type = kProtobuf,
                              std::string_view accept = {});
  // GET whose 200 body is handed to `sink` piece by piece (e.g. the election
  // record, which may be larger than memory); the returned response has an
  // empty body then. Other statuses come back with their body, as get().
  Expected<HttpResponse> download(std::string_view target,
                                  const std::function<Status(ByteView)>& sink);

  const Url& url() const { return url_; }
  // Every byte of every answer read so far (status line, headers, body and
  // chunk framing), on all connections: what the client downloaded.
  std::uint64_t bytes_received() const;
  // Closes the connection; the next request opens a new one.
  void disconnect();

 private:
  struct Connection;
  HttpClient(Url url, ClientOptions options);
  Expected<HttpResponse> request(bool post, std::string_view target, std::string_view body,
                                 std::string_view content_type, std::string_view accept,
                                 const std::function<Status(ByteView)>* sink);

  Url url_;
  ClientOptions options_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace senim::net
