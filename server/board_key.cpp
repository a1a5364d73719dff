#include "server/board_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace senim::server {
namespace {

Error io(const std::string& what) {
  return make_error(Errc::io_error, what + ": " + std::strerror(errno));
}

// Closes a file descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

Status write_all(int fd, ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return io("cannot write the board key");
    done += static_cast<std::size_t>(n);
  }
  return Status::success();
}

Expected<protocol::SigningKey> create(const std::string& path) {
  const Fd file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (file.fd < 0)
    return io("cannot create " + path);
  protocol::SigningKey key = protocol::SigningKey::generate();
  Bytes seed = key.seed();
  const Status written = write_all(file.fd, seed);
  wipe(seed);
  if (!written)
    return written.error();
  if (::fsync(file.fd) != 0)
    return io("cannot fsync " + path);
  // The file's directory entry must be durable too, or a crash could leave a
  // board whose heads are signed by a key that is gone.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const Fd directory{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (directory.fd < 0 || ::fsync(directory.fd) != 0)
    return io("cannot fsync " + dir);
  return key;
}

}  // namespace

Expected<protocol::SigningKey> load_or_create_board_key(const std::string& path) {
  const Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT)
      return create(path);
    return io("cannot open " + path);
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0)
    return io("cannot stat " + path);
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::not_authorized, path + " can be read by group or others (mode " +
                                                std::to_string((st.st_mode >> 6) & 7) +
                                                std::to_string((st.st_mode >> 3) & 7) +
                                                std::to_string(st.st_mode & 7) +
                                                "); run chmod 600 on it");
  }
  std::array<std::uint8_t, protocol::SigningKey::kSeedBytes + 1> seed{};
  std::size_t got = 0;
  while (got < seed.size()) {
    const ssize_t n = ::read(file.fd, seed.data() + got, seed.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return io("cannot read " + path);
    if (n == 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  if (got != protocol::SigningKey::kSeedBytes) {
    wipe(seed);
    return make_error(Errc::invalid_length, path + " must hold exactly 32 bytes (an Ed25519 seed)");
  }
  auto key =
      protocol::SigningKey::from_seed(ByteView(seed.data(), protocol::SigningKey::kSeedBytes));
  wipe(seed);
  return key;
}

}  // namespace senim::server
