// Reading a log back from its tiles (docs/protocol.md §13.9.3): the tree
// hash, inclusion proofs and consistency proofs of a tree, computed from
// tiles fetched from anywhere — the board's HTTP server, a mirror directory
// behind a static web server, the server's own storage. golang.org/x/mod/
// sumdb/tlog's TileForIndex, HashFromTile, ReadTileData and TileHashReader,
// for tiles of height 8.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tiles.hpp"

namespace senim::tlog {

// Where tiles come from. read_tiles returns each requested tile's bytes,
// exactly width · 32 of them, in order. An implementation may answer a
// partial tile from the full tile's first width hashes when the log has
// replaced it (tlog-tiles allows deleting partial tiles then).
class TileSource {
 public:
  virtual ~TileSource() = default;
  virtual Expected<std::vector<Bytes>> read_tiles(std::span<const Tile> tiles) = 0;
};

// The tile of least width that holds the stored hash `index`, and where in
// its data that hash's subtree lies: bytes [begin, end) hash up to it.
struct TileSlot {
  Tile tile;
  std::size_t begin = 0;
  std::size_t end = 0;
};
TileSlot tile_for_index(std::uint64_t index);

// The stored hash `index` from the data of a tile that holds it (the tile
// of tile_for_index or a wider one at the same place). Errors:
// invalid_argument if the tile does not hold it, invalid_length if the data
// is shorter than the tile.
Expected<Hash32> hash_from_tile(const Tile& tile, ByteView data, std::uint64_t index);

// A tile's bytes read from stored hashes: what a server backed by a
// HashReader serves.
Expected<Bytes> read_tile_data(const Tile& tile, HashReader& reader);

// Serves tiles from a HashReader (a server's storage, a MemoryHashStore).
class HashReaderTileSource : public TileSource {
 public:
  explicit HashReaderTileSource(HashReader& reader) : reader_(reader) {}
  Expected<std::vector<Bytes>> read_tiles(std::span<const Tile> tiles) override;

 private:
  HashReader& reader_;
};

// A HashReader for the tree of `tree_size` leaves with root `root`, backed
// by tiles. Before it returns any hash, it checks that the tiles it fetched
// hash up to `root` (each full tile against its parent, the rightmost ones
// against the root itself), so every hash it returns is proven to be in
// that tree. Errors: merkle_root_mismatch (the tiles do not match the root
// or each other), invalid_argument (an index not in the tree),
// invalid_length (a tile of the wrong size), the source's.
class TileHashReader : public HashReader {
 public:
  TileHashReader(std::uint64_t tree_size, const Hash32& root, TileSource& source)
      : tree_size_(tree_size), root_(root), source_(source) {}
  Expected<std::vector<Hash32>> read_hashes(std::span<const std::uint64_t> indexes) override;

 private:
  std::uint64_t tree_size_;
  Hash32 root_;
  TileSource& source_;
};

// The root of the tree of `size` leaves as its tiles say (not checked
// against anything: compare it with a checkpoint).
Expected<Hash32> root_from_tiles(std::uint64_t size, TileSource& source);
// Proofs from the tiles of the tree (tree_size, root) that a checkpoint
// names; the tiles are authenticated against `root` (TileHashReader).
Expected<std::vector<Hash32>> inclusion_proof_from_tiles(std::uint64_t index,
                                                         std::uint64_t tree_size,
                                                         const Hash32& root, TileSource& source);
Expected<std::vector<Hash32>> consistency_proof_from_tiles(std::uint64_t old_size,
                                                           std::uint64_t new_size,
                                                           const Hash32& new_root,
                                                           TileSource& source);

}  // namespace senim::tlog
