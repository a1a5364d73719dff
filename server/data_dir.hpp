// The server's data directory: created 0700 if missing, and locked (flock on
// DIR/board.lock) so that two servers never write one board. The lock goes
// away with the process, kill -9 included.
#pragma once

#include <string>

#include "crypto/error.hpp"

namespace senim::server {

class DataDirLock {
 public:
  static Expected<DataDirLock> acquire(const std::string& dir);
  ~DataDirLock();
  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace senim::server
