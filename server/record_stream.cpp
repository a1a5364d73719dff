#include "server/record_stream.hpp"

#include <algorithm>

#include "protocol/record.hpp"
#include "server/leaf_pieces.hpp"

namespace senim::server {
namespace {

void append_u32_be(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// frame = u8 kind ‖ u32_be(length) ‖ payload (protocol/record.hpp).
void append_frame(std::string& out, protocol::FrameKind kind, ByteView payload) {
  out.push_back(static_cast<char>(kind));
  append_u32_be(out, static_cast<std::uint32_t>(payload.size()));
  out.append(payload.begin(), payload.end());
}

}  // namespace

RecordStream::RecordStream(Storage& storage, RecordCheckpoint last,
                           std::optional<RecordCheckpoint> witnessed)
    : storage_(&storage), last_(std::move(last)), witnessed_(std::move(witnessed)) {
  if (witnessed_ && (witnessed_->size >= last_.size || witnessed_->size == 0))
    witnessed_.reset();
}

Expected<std::optional<std::string>> RecordStream::next() {
  std::string out;
  if (!header_sent_) {
    out.append(protocol::kRecordMagic);
    append_u32_be(out, protocol::kRecordVersion);
    header_sent_ = true;
  }
  if (witnessed_ && next_leaf_ == witnessed_->size) {
    append_frame(out, protocol::FrameKind::checkpoint, as_bytes(witnessed_->note));
    witnessed_.reset();
  }
  if (next_leaf_ < last_.size) {
    // A piece stops at the witnessed checkpoint, whose frame goes after it.
    const std::uint64_t stop = witnessed_ ? witnessed_->size : last_.size;
    auto next = read_piece(*storage_, next_leaf_, stop, [&](ByteView entry) {
      append_frame(out, protocol::FrameKind::entry, entry);
      return true;
    });
    if (!next)
      return next.error();
    next_leaf_ = *next;
    return std::optional<std::string>(std::move(out));
  }
  if (last_sent_)
    return std::optional<std::string>{};
  append_frame(out, protocol::FrameKind::checkpoint, as_bytes(last_.note));
  last_sent_ = true;
  return std::optional<std::string>(std::move(out));
}

}  // namespace senim::server
