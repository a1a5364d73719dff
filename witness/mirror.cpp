#include "witness/mirror.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "protocol/record.hpp"

namespace senim::witness {

Expected<Mirror> Mirror::open(const std::string& path, std::uint64_t committed_bytes) {
  const bool existed = ::access(path.c_str(), F_OK) == 0;
  protocol::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid())
    return protocol::io_error("cannot open " + path);
  const Bytes header = protocol::record_header();
  if (!existed) {
    if (auto s = protocol::write_all_at(fd.get(), header, 0, path); !s)
      return s.error();
    if (::fsync(fd.get()) != 0)
      return protocol::io_error("cannot fsync " + path);
    if (auto s = protocol::sync_parent_directory(path); !s)
      return s.error();
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return protocol::io_error("cannot stat " + path);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  auto start = protocol::read_up_to(fd.get(), header.size(), 0, path);
  if (!start)
    return start.error();
  if (*start != header)
    return make_error(Errc::invalid_encoding, path + " is not a senim record file");
  const std::uint64_t committed = std::max<std::uint64_t>(committed_bytes, header.size());
  if (size < committed) {
    return make_error(Errc::invalid_encoding,
                      path + " has " + std::to_string(size) + " bytes, but the state beside it " +
                          "says it checked " + std::to_string(committed) + " (damaged)");
  }
  Mirror mirror(path, std::move(fd), size);
  if (size > committed) {
    if (auto s = mirror.truncate(committed); !s)
      return s.error();
  }
  return mirror;
}

Expected<std::uint64_t> Mirror::append(ByteView entry) {
  auto frame = protocol::record_frame(protocol::FrameKind::entry, entry);
  if (!frame)
    return frame.error();
  const std::uint64_t offset = bytes_;
  if (auto s = protocol::write_all_at(fd_.get(), *frame, static_cast<off_t>(offset), path_); !s)
    return s.error();
  bytes_ += frame->size();
  return offset;
}

Status Mirror::sync() {
  if (::fdatasync(fd_.get()) != 0)
    return protocol::io_error("cannot fsync " + path_);
  return Status::success();
}

Status Mirror::truncate(std::uint64_t bytes) {
  if (::ftruncate(fd_.get(), static_cast<off_t>(bytes)) != 0)
    return protocol::io_error("cannot truncate " + path_);
  bytes_ = bytes;
  return sync();
}

}  // namespace senim::witness
