// Entry bundles of c2sp.org/tlog-tiles (docs/protocol.md §13.9.1): up to
// 256 consecutive log entries, each as a big-endian uint16 length and that
// many bytes. Entry i of bundle N is log entry N·256 + i, and its RFC 9162
// leaf hash SHA-256(0x00 ‖ entry) is hash i of level-0 tile N.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/tiles.hpp"

namespace senim::tlog {

inline constexpr std::size_t kMaxBundleEntryBytes = 65535;

// Errors: invalid_argument (no entries, more than 256), invalid_length (an
// entry longer than 65,535 bytes: the format cannot hold it).
Expected<Bytes> encode_entry_bundle(std::span<const Bytes> entries);
// Errors: invalid_encoding (a truncated length or entry, no entries, more
// than 256).
Expected<std::vector<Bytes>> decode_entry_bundle(ByteView bundle);

// The bundle's entries hash to the level-0 tile's hashes, one for one.
// Errors: those of decode_entry_bundle; invalid_argument unless `tile` is a
// level-0 tile; invalid_length (the entry count is not the tile's width, or
// the tile data is not width · 32 bytes); merkle_root_mismatch (an entry's
// leaf hash differs, naming its log index).
Status check_entry_bundle(ByteView bundle, const Tile& tile, ByteView tile_data);

}  // namespace senim::tlog
