// The few POSIX file operations the board's own small files need (board.key,
// board.head), with the fsync discipline that makes them survive a crash or
// a power cut: data flushed before anything depends on it, and the directory
// flushed after a file is created or renamed.
#pragma once

#include <sys/types.h>

#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::server {

// io_error "<what>: <strerror(errno)>".
Error io_error(const std::string& what);

// An open file descriptor, closed on every path out.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept;
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Writes all of `bytes` at `offset`; `what` names the file in the error.
Status write_all_at(int fd, ByteView bytes, off_t offset, const std::string& what);
// Reads up to `max` bytes from `offset` (fewer only at the end of the file).
Expected<Bytes> read_up_to(int fd, std::size_t max, off_t offset, const std::string& what);
// fsync of the directory that holds `path`, so that a file created or renamed
// there is still there after a crash.
Status sync_parent_directory(const std::string& path);
// Renames `from` to `to` and makes the rename durable.
Status rename_durably(const std::string& from, const std::string& to);

}  // namespace senim::server
