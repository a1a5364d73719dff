#include "client/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "client/language.hpp"

namespace senim::client {
namespace {

// `pattern` (marked for translation) with the path, and why the system
// said no; errno is read first, before anything else can change it.
Error io(const char* pattern, const std::string& path) {
  const int why = errno;
  return make_error(Errc::io_error, fill(tr(pattern), {path}) + ": " + std::strerror(why));
}

// A rename is durable only once its directory is on disk too.
void sync_directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty())
    dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Expected<ReservedFile> ReservedFile::reserve(const std::string& path, mode_t mode, bool overwrite) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return make_error(Errc::io_error, fill(tr("{1} is a directory, not a file"), {path}));
  if (!overwrite && ::access(path.c_str(), F_OK) == 0)
    return make_error(Errc::io_error, fill(tr("{1} already exists; not overwriting it"), {path}));
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return io(mark("cannot create {1}"), tmp);
  return ReservedFile(path, fd);
}

Status ReservedFile::commit(std::string_view text) {
  if (fd_ < 0)
    return make_error(Errc::io_error, path_ + " was already written");
  const int fd = std::exchange(fd_, -1);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      const Error e = io(mark("cannot write {1}"), tmp_path());
      ::close(fd);
      ::unlink(tmp_path().c_str());
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const Error e = io(mark("cannot save {1}"), tmp_path());
    ::unlink(tmp_path().c_str());
    return e;
  }
  if (::rename(tmp_path().c_str(), path_.c_str()) != 0) {
    const Error e = io(mark("cannot rename {1}"), tmp_path());
    ::unlink(tmp_path().c_str());
    return e;
  }
  sync_directory_of(path_);
  return Status::success();
}

ReservedFile::ReservedFile(ReservedFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

ReservedFile::~ReservedFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_path().c_str());
  }
}

}  // namespace senim::client
