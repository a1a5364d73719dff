// The access log (docs/operator-guide.md, "Limits, metrics and attacks"):
// one line per request, written when its answer has been sent (or given up):
//
//   2026-11-25T10:25:05.123Z 127.0.0.1 POST /v1/ballots 200 1187 5.217
//
// time (UTC, ms), client address, method, path (without the query), status,
// bytes of the answer written to the socket (headers included), and the
// duration in milliseconds from the request's first byte to its answer's
// last. Nothing else: no header, no query, nothing from the body, so no
// credential or choice can reach the log. The method and path are the
// client's text, so any byte outside printable ASCII is written as %XX, and
// the path is cut at kMaxLoggedPath bytes: a line cannot be forged or split.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "crypto/error.hpp"

namespace senim::server {

struct AccessRecord {
  std::chrono::system_clock::time_point time;
  std::string address;
  std::string_view method;  // "-" if the request line did not parse
  std::string_view path;    // "-" likewise
  unsigned status = 0;
  std::uint64_t bytes = 0;
  std::chrono::steady_clock::duration duration{};
};

inline constexpr std::size_t kMaxLoggedPath = 256;

// The line for `record`, with its newline.
std::string access_line(const AccessRecord& record);

class AccessLog {
 public:
  // Appends to `path`; "-" is standard error.
  static Expected<std::unique_ptr<AccessLog>> open(const std::string& path);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Thread-safe; each line is flushed at once (one write per request).
  void write(const AccessRecord& record);
  // Opens the file again (after a log rotation moved it: SIGHUP).
  Status reopen();

 private:
  AccessLog(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::mutex mutex_;
  std::FILE* file_;
};

}  // namespace senim::server
