// An output file claimed before a command publishes anything, and filled
// after. A publication on the board cannot be undone, so a command that
// would post and then fail to save what it must save (a receipt, the
// counts, a state file) has to fail before it posts: reserving creates the
// temporary file beside the target, which proves the directory exists and
// is writable and that the target is not taken (docs/operator-guide.md,
// "A refused command changes nothing").
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "crypto/error.hpp"

namespace senim::client {

class ReservedFile {
 public:
  // Creates PATH.tmp with `mode` (truncating a stale one). Unless
  // `overwrite`, PATH itself must not exist.
  static Expected<ReservedFile> reserve(const std::string& path, mode_t mode, bool overwrite);

  // Writes `text`, flushes it to disk, renames it over PATH and flushes the
  // directory. Once only.
  Status commit(std::string_view text);

  const std::string& path() const { return path_; }

  ReservedFile(ReservedFile&& other) noexcept;
  ReservedFile& operator=(ReservedFile&&) = delete;
  ReservedFile(const ReservedFile&) = delete;
  ReservedFile& operator=(const ReservedFile&) = delete;
  // Not committed: the temporary file is removed, and PATH is as it was.
  ~ReservedFile();

 private:
  ReservedFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string tmp_path() const { return path_ + ".tmp"; }

  std::string path_;
  int fd_ = -1;  // -1 once committed or moved from
};

}  // namespace senim::client
