#include "protocol/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

namespace senim::protocol {

Error io_error(const std::string& what) {
  return make_error(Errc::io_error, what + ": " + std::strerror(errno));
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0)
    ::close(fd_);
}

UniqueFd::UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Status write_all_at(int fd, ByteView bytes, off_t offset, const std::string& what) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return io_error("cannot write " + what);
    done += static_cast<std::size_t>(n);
  }
  return Status::success();
}

Expected<Bytes> read_up_to(int fd, std::size_t max, off_t offset, const std::string& what) {
  Bytes out(max);
  std::size_t got = 0;
  while (got < max) {
    const ssize_t n = ::pread(fd, out.data() + got, max - got, offset + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return io_error("cannot read " + what);
    if (n == 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

Status sync_parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const UniqueFd directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory.valid() || ::fsync(directory.get()) != 0)
    return io_error("cannot fsync " + dir);
  return Status::success();
}

Status rename_durably(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return io_error("cannot rename " + from + " to " + to);
  }
  return sync_parent_directory(to);
}

Status replace_file_durably(const std::string& path, ByteView bytes, int mode) {
  const std::string tmp = path + ".tmp";
  {
    const UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd.valid())
      return io_error("cannot create " + tmp);
    if (auto s = write_all_at(fd.get(), bytes, 0, tmp); !s)
      return s;
    if (::fsync(fd.get()) != 0)
      return io_error("cannot fsync " + tmp);
  }
  return rename_durably(tmp, path);
}

Expected<std::string> keep_file_durably(const std::string& path, ByteView bytes) {
  std::string file = path;
  for (int n = 2;; ++n) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
      break;
    std::ifstream in(file, std::ios::binary);
    const std::string held((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.bad() && same_bytes(held, bytes))
      return file;
    file = path + "." + std::to_string(n);
  }
  if (auto s = replace_file_durably(file, bytes); !s)
    return s.error();
  return file;
}

}  // namespace senim::protocol
