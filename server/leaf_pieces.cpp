#include "server/leaf_pieces.hpp"

#include "server/limits.hpp"

namespace senim::server {

Expected<std::uint64_t> read_piece(Storage& storage, std::uint64_t begin, std::uint64_t end,
                                   const std::function<bool(ByteView entry)>& take) {
  std::uint64_t next = begin;
  std::size_t bytes = 0;
  // The scan stops early when the visitor fails; this error only says "enough".
  const Error enough = make_error(Errc::out_of_range, "piece full");
  auto s = storage.scan_leaves(begin, end, [&](const LeafRecord& leaf) {
    const Bytes& entry = leaf.bytes;
    if (bytes >= limits::kStreamPieceBytes || !take(entry))
      return Status(enough);
    bytes += entry.size();
    ++next;
    return Status::success();
  });
  if (!s && !(s.error().code == enough.code && s.error().message == enough.message))
    return s.error();
  return next;
}

}  // namespace senim::server
