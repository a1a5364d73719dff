// Tiled logs (c2sp.org/tlog-tiles; docs/protocol.md §13.9): the Merkle tree
// served as immutable "tiles" of up to 256 consecutive hashes at tree
// heights 0, 8, 16, …, and the entries as "bundles" of up to 256 entries.
//
//   tile/<L>/<N>[.p/<W>]         level L, index N, width W (absent: 256)
//   tile/entries/<N>[.p/<W>]     entries N·256 … N·256 + W − 1
//
// The n-th tile at level l holds, for i < W,
//   MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l])
// so a level-0 tile holds leaf hashes, and each hash of a level-l tile is the
// root of a full tile at level l − 1. A tree of size s has, at each level l
// with s_l = floor(s / 256^l) > 0, floor(s_l / 256) full tiles and, if
// s_l mod 256 > 0, one partial tile of that width.
//
// This header is the tile arithmetic and the paths; stored_hashes.hpp
// stores and proves, tile_reader.hpp reads a log back from tiles.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::tlog {

inline constexpr unsigned kTileHeight = 8;
inline constexpr std::uint16_t kFullTileWidth = 256;
inline constexpr unsigned kMaxTileLevel = 63;
inline constexpr std::size_t kHashBytes = 32;

struct Tile {
  std::uint8_t level = 0;  // 0..63
  std::uint64_t index = 0;
  std::uint16_t width = kFullTileWidth;  // 1..256

  bool full() const { return width == kFullTileWidth; }
  friend bool operator==(const Tile&, const Tile&) = default;
  // Level, then index, then width: an order for maps and sets.
  friend bool operator<(const Tile& a, const Tile& b) {
    return std::tie(a.level, a.index, a.width) < std::tie(b.level, b.index, b.width);
  }
};

// "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]"; the entries path
// uses the index and width of `tile` (a level-0 tile). The caller passes a
// tile with level ≤ 63 and width 1..256.
std::string tile_path(const Tile& tile);
std::string entry_bundle_path(const Tile& tile);
// N as 3-digit path elements, all but the last prefixed with 'x':
// 1234067 → "x001/x234/067".
std::string tile_index_path(std::uint64_t index);

struct TilePath {
  bool entries = false;  // tile/entries/…; then tile.level is 0
  Tile tile;
  friend bool operator==(const TilePath&, const TilePath&) = default;
};
// Strict: exactly the canonical form tile_path / entry_bundle_path produce
// (no leading zeros, no "x000" prefix, W in 1..255, L in 0..63).
// Errors: invalid_encoding.
Expected<TilePath> parse_tile_path(std::string_view path);

// Every tile a tree of `size` leaves has, level by level, full tiles first.
std::vector<Tile> tiles_for_size(std::uint64_t size);
// The tiles a log publishes when it grows from old_size to new_size: full
// tiles completed on the way, and the partial tiles of new_size that the
// tree of old_size did not already have. old_size ≤ new_size.
std::vector<Tile> new_tiles(std::uint64_t old_size, std::uint64_t new_size);

// The hash of a full tile as the level above holds it (or, for a tile of
// 2^k hashes, the root of the subtree they span): its hashes hashed
// pairwise up to one. Precondition: data is 2^k · 32 bytes, k ≥ 0.
Hash32 tile_hash(ByteView data);

// A tile's bytes from the leaf hashes of a tree that contains it
// (leaves.size() ≥ (index·256 + width) · 256^level). Errors:
// invalid_argument if the tree is too small.
Expected<Bytes> tile_from_leaf_hashes(const Tile& tile, std::span<const Hash32> leaves);

}  // namespace senim::tlog
