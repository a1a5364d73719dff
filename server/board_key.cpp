#include "server/board_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "server/durable_file.hpp"

namespace senim::server {

Expected<protocol::SigningKey> create_board_key(const std::string& path) {
  const UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!file.valid())
    return io_error("cannot create " + path);
  protocol::SigningKey key = protocol::SigningKey::generate();
  Bytes seed = key.seed();
  const Status written = write_all_at(file.get(), seed, 0, path);
  wipe(seed);
  if (!written)
    return written.error();
  if (::fsync(file.get()) != 0)
    return io_error("cannot fsync " + path);
  // The file's directory entry must be durable too, or a crash could leave a
  // board whose heads are signed by a key that is gone.
  if (auto s = sync_parent_directory(path); !s)
    return s.error();
  return key;
}

Expected<protocol::SigningKey> load_board_key(const std::string& path) {
  const UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ENOENT)
      return make_error(Errc::not_found, path + " does not exist");
    return io_error("cannot open " + path);
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0)
    return io_error("cannot stat " + path);
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::not_authorized, path + " can be read by group or others (mode " +
                                                std::to_string((st.st_mode >> 6) & 7) +
                                                std::to_string((st.st_mode >> 3) & 7) +
                                                std::to_string(st.st_mode & 7) +
                                                "); run chmod 600 on it");
  }
  // One byte more than a seed, to tell a longer file from a seed.
  auto seed = read_up_to(file.get(), protocol::SigningKey::kSeedBytes + 1, 0, path);
  if (!seed)
    return seed.error();
  if (seed->size() != protocol::SigningKey::kSeedBytes) {
    wipe(*seed);
    return make_error(Errc::invalid_length, path + " must hold exactly 32 bytes (an Ed25519 seed)");
  }
  auto key = protocol::SigningKey::from_seed(*seed);
  wipe(*seed);
  return key;
}

}  // namespace senim::server
