// The log's entries decoded for people (docs/api.md, "GET /v1/log"): each
// leaf's statement in protobuf's JSON mapping beside its exact bytes.
#include "protocol/entry.hpp"
#include "protocol/tracking_code.hpp"
#include "server/board.hpp"
#include "server/limits.hpp"

namespace senim::server {
namespace {

Expected<v1::ReadableEntry> readable(const LeafRecord& leaf) {
  // The one decoder of entries (protocol/entry.hpp); stored leaves passed it.
  auto parsed = protocol::parse_entry(leaf.bytes);
  if (!parsed)
    return make_error(Errc::io_error, "stored leaf " + std::to_string(leaf.index) +
                                          " does not decode: " + parsed.error().message);
  v1::ReadableEntry out;
  out.set_index(leaf.index);
  out.set_kind(leaf.kind);
  out.set_leaf_hash(to_hex(leaf.leaf_hash));
  out.set_signer(to_hex(leaf.signer));
  out.set_signature(to_hex(as_bytes(parsed->entry.signature())));
  if (leaf.tracking_code) {
    out.set_tracking_code(to_hex(*leaf.tracking_code));
    out.set_short_code(protocol::short_tracking_code(*leaf.tracking_code));
  }
  *out.mutable_statement() = std::move(parsed->statement);
  out.set_bytes(to_hex(leaf.bytes));
  return out;
}

}  // namespace

Expected<v1::ReadableEntries> Board::readable_entries(std::uint64_t start,
                                                      std::uint64_t count) const {
  const std::uint64_t published = size();
  v1::ReadableEntries list;
  list.set_start(start);
  list.set_tree_size(published);
  if (start >= published || count == 0)
    return list;
  const std::uint64_t end = start + std::min(count, published - start);
  auto s = storage_->scan_leaves(start, end, [&](const LeafRecord& leaf) -> Status {
    auto entry = readable(leaf);
    if (!entry)
      return entry.error();
    *list.add_entries() = std::move(*entry);
    return Status::success();
  });
  if (!s)
    return s.error();
  return list;
}

}  // namespace senim::server
