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

RecordStream::RecordStream(Storage& storage, v1::SignedTreeHead head)
    : storage_(&storage), head_(std::move(head)) {}

Expected<std::optional<std::string>> RecordStream::next() {
  std::string out;
  if (!header_sent_) {
    out.append(protocol::kRecordMagic);
    append_u32_be(out, protocol::kRecordVersion);
    header_sent_ = true;
  }
  if (next_leaf_ < head_.tree_size()) {
    auto next = read_piece(*storage_, next_leaf_, head_.tree_size(), [&](ByteView entry) {
      append_frame(out, protocol::FrameKind::entry, entry);
      return true;
    });
    if (!next)
      return next.error();
    next_leaf_ = *next;
    return std::optional<std::string>(std::move(out));
  }
  if (head_sent_)
    return std::optional<std::string>{};
  append_frame(out, protocol::FrameKind::tree_head, as_bytes(head_.SerializeAsString()));
  head_sent_ = true;
  return std::optional<std::string>(std::move(out));
}

}  // namespace senim::server
