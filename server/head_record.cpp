#include "server/head_record.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <utility>

namespace senim::server {
namespace {

constexpr std::string_view kMagic = "SENIMHWM";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kChecksumAt = HeadRecord::kSlotBytes - 32;
constexpr std::size_t kHeadAt = 64;  // magic, version, sequence, size, root, length

std::uint64_t read_be(ByteView bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v = (v << 8) | bytes[at + i];
  return v;
}

Hash32 checksum(ByteView slot) {
  Hash32 h{};
  crypto_hash_sha256(h.data(), slot.data(), kChecksumAt);
  return h;
}

Bytes encode_slot(std::uint64_t sequence, const RecordedHead& head) {
  Bytes slot(kMagic.begin(), kMagic.end());
  append_u32_be(slot, kVersion);
  append_u64_be(slot, sequence);
  append_u64_be(slot, head.tree_size);
  append(slot, head.root);
  append_u32_be(slot, static_cast<std::uint32_t>(head.signed_head.size()));
  append(slot, head.signed_head);
  slot.resize(kChecksumAt, 0);
  append(slot, checksum(slot));
  return slot;
}

struct Slot {
  std::uint64_t sequence = 0;
  RecordedHead head;
};

// The record in slot `index` of the file, or why there is none.
Expected<Slot> decode_slot(ByteView slot, std::size_t index) {
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_encoding, "slot " + std::to_string(index) + ": " + why);
  };
  if (slot.size() != HeadRecord::kSlotBytes)
    return bad("the file ends inside it");
  if (!std::equal(kMagic.begin(), kMagic.end(), slot.begin()))
    return bad("no record (it does not start with \"SENIMHWM\")");
  const Hash32 sum = checksum(slot);
  if (!std::equal(sum.begin(), sum.end(), slot.begin() + kChecksumAt))
    return bad("its SHA-256 checksum does not match (damaged, or torn by a crash)");
  if (read_be(slot, 8, 4) != kVersion)
    return bad("version " + std::to_string(read_be(slot, 8, 4)) + ", this server reads 1");
  Slot out;
  out.sequence = read_be(slot, 12, 8);
  if (out.sequence % 2 != index)
    return bad("record " + std::to_string(out.sequence) + " belongs in the other slot");
  out.head.tree_size = read_be(slot, 20, 8);
  std::copy_n(slot.begin() + 28, out.head.root.size(), out.head.root.begin());
  const std::uint64_t length = read_be(slot, 60, 4);
  if (length > HeadRecord::kMaxSignedHeadBytes)
    return bad("a signed head of " + std::to_string(length) + " bytes does not fit");
  out.head.signed_head.assign(slot.begin() + kHeadAt,
                              slot.begin() + kHeadAt + static_cast<std::ptrdiff_t>(length));
  return out;
}

}  // namespace

HeadRecord::HeadRecord(std::string path, UniqueFd fd, std::uint64_t sequence, RecordedHead latest)
    : path_(std::move(path)), fd_(std::move(fd)), sequence_(sequence), latest_(std::move(latest)) {}

Expected<HeadRecord> HeadRecord::create(const std::string& path, const RecordedHead& first) {
  if (first.signed_head.size() > kMaxSignedHeadBytes) {
    return make_error(Errc::invalid_length, "a signed head of " +
                                                std::to_string(first.signed_head.size()) +
                                                " bytes does not fit in " + path);
  }
  // Written in full under a temporary name, then linked in: board.head
  // appears whole or not at all, and an existing one is never replaced.
  const std::string temporary = path + ".new";
  {
    const UniqueFd file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!file.valid())
      return io_error("cannot create " + temporary);
    Bytes bytes = encode_slot(0, first);
    bytes.resize(2 * kSlotBytes, 0);  // slot 1: empty until the first write
    if (auto s = write_all_at(file.get(), bytes, 0, temporary); !s)
      return s.error();
    if (::fsync(file.get()) != 0)
      return io_error("cannot fsync " + temporary);
  }
  if (::link(temporary.c_str(), path.c_str()) != 0)
    return io_error("cannot create " + path);
  ::unlink(temporary.c_str());
  if (auto s = sync_parent_directory(path); !s)
    return s.error();
  return open(path);
}

Expected<HeadRecord> HeadRecord::open(const std::string& path) {
  UniqueFd file(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ENOENT)
      return make_error(Errc::not_found, path + " does not exist");
    return io_error("cannot open " + path);
  }
  auto bytes = read_up_to(file.get(), 2 * kSlotBytes, 0, path);
  if (!bytes)
    return bytes.error();
  std::optional<Slot> best;
  std::string why;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::size_t begin = std::min(bytes->size(), i * kSlotBytes);
    const std::size_t end = std::min(bytes->size(), begin + kSlotBytes);
    auto slot = decode_slot(ByteView(*bytes).subspan(begin, end - begin), i);
    if (!slot) {
      why += (why.empty() ? "" : "; ") + slot.error().message;
      continue;
    }
    if (!best || slot->sequence > best->sequence)
      best = std::move(*slot);
  }
  if (!best) {
    return make_error(
        Errc::invalid_encoding,
        path + " is damaged: neither of its two slots holds a valid record (" + why + ")");
  }
  return HeadRecord(path, std::move(file), best->sequence, std::move(best->head));
}

Status HeadRecord::write(const RecordedHead& head) {
  if (head.tree_size < latest_.tree_size ||
      (head.tree_size == latest_.tree_size && head.root != latest_.root)) {
    return make_error(Errc::invalid_argument,
                      "refusing to record a checkpoint of size " + std::to_string(head.tree_size) +
                          " and root " + to_hex(head.root) + ": " + path_ + " holds size " +
                          std::to_string(latest_.tree_size) + " and root " + to_hex(latest_.root));
  }
  if (head.signed_head.size() > kMaxSignedHeadBytes) {
    return make_error(Errc::invalid_length, "a signed head of " +
                                                std::to_string(head.signed_head.size()) +
                                                " bytes does not fit in " + path_);
  }
  const std::uint64_t sequence = sequence_ + 1;
  const Bytes slot = encode_slot(sequence, head);
  const auto offset = static_cast<off_t>((sequence % 2) * kSlotBytes);
  if (auto s = write_all_at(fd_.get(), slot, offset, path_); !s)
    return s;
  // The file's size never changes, so the data is all that must reach the disk.
  if (::fdatasync(fd_.get()) != 0)
    return io_error("cannot fdatasync " + path_);
  sequence_ = sequence;
  latest_ = head;
  return Status::success();
}

}  // namespace senim::server
