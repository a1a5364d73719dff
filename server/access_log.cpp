#include "server/access_log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace senim::server {
namespace {

// Client text as one field: printable ASCII but space as is, anything else
// as %XX, at most `max` bytes of input.
void append_field(std::string& out, std::string_view text, std::size_t max) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (text.empty()) {
    out += '-';
    return;
  }
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c > 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  if (text.size() > max)
    out += "...";
}

void append_time(std::string& out, std::chrono::system_clock::time_point t) {
  const auto since_epoch = t.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t tt = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&tt, &utc);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(buf, n);
  std::snprintf(buf, sizeof buf, ".%03dZ", static_cast<int>(ms.count()));
  out += buf;
}

}  // namespace

std::string access_line(const AccessRecord& r) {
  std::string line;
  line.reserve(96 + std::min(r.path.size(), kMaxLoggedPath));
  append_time(line, r.time);
  line += ' ';
  append_field(line, r.address, 64);
  line += ' ';
  append_field(line, r.method, 32);
  line += ' ';
  append_field(line, r.path, kMaxLoggedPath);
  char tail[64];
  const double ms = std::chrono::duration<double, std::milli>(r.duration).count();
  std::snprintf(tail, sizeof tail, " %u %llu %.3f\n", r.status,
                static_cast<unsigned long long>(r.bytes), ms);
  line += tail;
  return line;
}

Expected<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path) {
  if (path == "-")
    return std::unique_ptr<AccessLog>(new AccessLog(path, stderr));
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    return make_error(Errc::io_error,
                      "cannot open the access log " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(path, f));
}

AccessLog::~AccessLog() {
  if (file_ != nullptr && file_ != stderr)
    std::fclose(file_);
}

void AccessLog::write(const AccessRecord& record) {
  const std::string line = access_line(record);
  const std::lock_guard lock(mutex_);
  if (file_ == nullptr)
    return;
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

Status AccessLog::reopen() {
  if (path_ == "-")
    return Status::success();
  std::FILE* f = std::fopen(path_.c_str(), "a");
  if (f == nullptr) {
    return make_error(Errc::io_error,
                      "cannot reopen the access log " + path_ + ": " + std::strerror(errno));
  }
  const std::lock_guard lock(mutex_);
  if (file_ != nullptr)
    std::fclose(file_);
  file_ = f;
  return Status::success();
}

}  // namespace senim::server
