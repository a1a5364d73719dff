// The few POSIX file operations that files which must survive a crash or a
// power cut need — the board's board.key and board.head, a witness's state
// and the verifier's snapshots — with the fsync discipline that makes them
// durable: data flushed before anything depends on it, and the directory
// flushed after a file is created or renamed.
#pragma once

#include <sys/types.h>

#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::protocol {

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
// Replaces `path` with `bytes` so that a crash leaves either the old file or
// the new one, whole: writes PATH.tmp (mode `mode`), fsyncs it, renames it
// over `path` and fsyncs the directory.
Status replace_file_durably(const std::string& path, ByteView bytes, int mode = 0644);
// Keeps `bytes` in a new file, durably (as replace_file_durably), never
// overwriting one: at `path`, or, if a file is there, at `path.2`, `path.3`,
// … — unless one of those already holds exactly these bytes, which is then
// the file. Returns the path used. Errors: io_error.
Expected<std::string> keep_file_durably(const std::string& path, ByteView bytes);

}  // namespace senim::protocol
