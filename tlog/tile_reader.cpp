#include "tlog/tile_reader.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "crypto/merkle.hpp"

namespace senim::tlog {
namespace {

std::string str(std::uint64_t v) {
  return std::to_string(v);
}

std::uint64_t shift_right(std::uint64_t value, unsigned bits) {
  return bits >= 64 ? 0 : value >> bits;
}

bool is_valid_tile(const Tile& t) {
  return t.level <= kMaxTileLevel && t.width >= 1 && t.width <= kFullTileWidth;
}

// The tile `k` levels above `t` in the tiles of a tree of `tree_size`
// leaves: full if the tree fills it, else the partial tile the tree has
// there; nullopt if the tree has no tile there.
std::optional<Tile> tile_parent(const Tile& t, unsigned k, std::uint64_t tree_size) {
  if (t.level + k > kMaxTileLevel)
    return std::nullopt;
  Tile p{static_cast<std::uint8_t>(t.level + k), shift_right(t.index, k * kTileHeight),
         kFullTileWidth};
  const std::uint64_t hashes_at_level = shift_right(tree_size, p.level * kTileHeight);
  const std::uint64_t first = p.index * kFullTileWidth;
  if (first >= hashes_at_level)
    return std::nullopt;
  p.width =
      static_cast<std::uint16_t>(std::min<std::uint64_t>(kFullTileWidth, hashes_at_level - first));
  return p;
}

// The tiles a read needs, in an order where each tile comes after the tile
// that authenticates it: first the tiles holding the root's subtrees, then
// for each requested hash the chain of full tiles below an earlier one.
class TilePlan {
 public:
  // The position of `tile` in the plan, adding it if new.
  std::size_t add(const Tile& tile) {
    const auto [it, inserted] = order_.emplace(tile, tiles_.size());
    if (inserted)
      tiles_.push_back(tile);
    return it->second;
  }
  std::optional<std::size_t> find(const Tile& tile) const {
    const auto it = order_.find(tile);
    return it == order_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }
  const std::vector<Tile>& tiles() const { return tiles_; }

 private:
  std::map<Tile, std::size_t> order_;
  std::vector<Tile> tiles_;
};

Expected<std::vector<Bytes>> fetch(TileSource& source, const std::vector<Tile>& tiles) {
  Expected<std::vector<Bytes>> data = source.read_tiles(tiles);
  if (!data)
    return data;
  if (data->size() != tiles.size()) {
    return make_error(Errc::invalid_length, "tile source returned " + str(data->size()) +
                                                " tiles for " + str(tiles.size()));
  }
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    if ((*data)[i].size() != std::size_t{tiles[i].width} * kHashBytes) {
      return make_error(Errc::invalid_length, tile_path(tiles[i]) + " has " +
                                                  str((*data)[i].size()) + " bytes, want " +
                                                  str(std::size_t{tiles[i].width} * kHashBytes));
    }
  }
  return data;
}

// The tile holding each root subtree, as tile_parent(…, 0, size) widens it.
std::vector<std::size_t> plan_root(std::uint64_t size, const std::vector<std::uint64_t>& stx,
                                   TilePlan& plan) {
  std::vector<std::size_t> where;
  where.reserve(stx.size());
  for (std::uint64_t x : stx)
    where.push_back(plan.add(*tile_parent(tile_for_index(x).tile, 0, size)));
  return where;
}

Expected<Hash32> root_from_plan(const std::vector<std::uint64_t>& stx,
                                const std::vector<std::size_t>& where, const TilePlan& plan,
                                const std::vector<Bytes>& data) {
  std::vector<Hash32> hashes;
  hashes.reserve(stx.size());
  for (std::size_t i = 0; i < stx.size(); ++i) {
    Expected<Hash32> h = hash_from_tile(plan.tiles()[where[i]], data[where[i]], stx[i]);
    if (!h)
      return h.error();
    hashes.push_back(*h);
  }
  return fold_subtree_hashes(hashes);
}

Status check_tree_size(std::uint64_t size) {
  if (size == 0 || size > kMaxStoredTreeSize) {
    return make_error(Errc::invalid_argument,
                      "tiles of a tree of size " + str(size) + ": need 0 < size <= 2^62");
  }
  return Status::success();
}

}  // namespace

TileSlot tile_for_index(std::uint64_t index) {
  auto [level, n] = split_stored_hash_index(index);
  TileSlot out;
  out.tile.level = static_cast<std::uint8_t>(level / kTileHeight);
  level -= out.tile.level * kTileHeight;  // now the height inside the tile
  out.tile.index = (n << level) >> kTileHeight;
  n -= (out.tile.index << kTileHeight) >> level;  // now n inside the tile
  out.tile.width = static_cast<std::uint16_t>((n + 1) << level);
  out.begin = static_cast<std::size_t>(n << level) * kHashBytes;
  out.end = static_cast<std::size_t>((n + 1) << level) * kHashBytes;
  return out;
}

Expected<Hash32> hash_from_tile(const Tile& tile, ByteView data, std::uint64_t index) {
  if (!is_valid_tile(tile))
    return make_error(Errc::invalid_argument, "invalid tile");
  if (data.size() < std::size_t{tile.width} * kHashBytes) {
    return make_error(Errc::invalid_length,
                      "data of " + str(data.size()) + " bytes too short for " + tile_path(tile));
  }
  const TileSlot slot = tile_for_index(index);
  if (slot.tile.level != tile.level || slot.tile.index != tile.index ||
      slot.tile.width > tile.width) {
    return make_error(Errc::invalid_argument, "stored hash " + str(index) + " is in " +
                                                  tile_path(slot.tile) + ", not " +
                                                  tile_path(tile));
  }
  return tile_hash(data.subspan(slot.begin, slot.end - slot.begin));
}

Expected<Bytes> read_tile_data(const Tile& tile, HashReader& reader) {
  if (!is_valid_tile(tile))
    return make_error(Errc::invalid_argument, "invalid tile");
  const std::uint64_t first = tile.index * kFullTileWidth;
  std::vector<std::uint64_t> indexes;
  for (std::uint64_t i = 0; i < tile.width; ++i)
    indexes.push_back(stored_hash_index(tile.level * kTileHeight, first + i));
  Expected<std::vector<Hash32>> hashes = reader.read_hashes(indexes);
  if (!hashes)
    return hashes.error();
  if (hashes->size() != indexes.size())
    return make_error(Errc::invalid_length, "hash reader returned the wrong number of hashes");
  Bytes out;
  out.reserve(indexes.size() * kHashBytes);
  for (const Hash32& h : *hashes)
    append(out, h);
  return out;
}

Expected<std::vector<Bytes>> HashReaderTileSource::read_tiles(std::span<const Tile> tiles) {
  std::vector<Bytes> out;
  for (const Tile& tile : tiles) {
    Expected<Bytes> data = read_tile_data(tile, reader_);
    if (!data)
      return data.error();
    out.push_back(std::move(*data));
  }
  return out;
}

Expected<std::vector<Hash32>> TileHashReader::read_hashes(std::span<const std::uint64_t> indexes) {
  if (Status s = check_tree_size(tree_size_); !s)
    return s.error();
  // Step 1: plan the tiles that make up the root; once the root they give
  // matches, they are authenticated.
  TilePlan plan;
  const std::vector<std::uint64_t> stx = root_stored_indexes(tree_size_);
  const std::vector<std::size_t> stx_where = plan_root(tree_size_, stx, plan);
  const std::size_t root_tiles = plan.tiles().size();
  // Step 2: for each index, its tile and the full tiles between it and the
  // first planned tile above, which authenticates them top-down.
  const std::uint64_t end = stored_hash_index(0, tree_size_);
  std::vector<std::size_t> index_where;
  for (std::uint64_t x : indexes) {
    if (x >= end) {
      return make_error(Errc::invalid_argument,
                        "stored hash " + str(x) + " is not in the tree of size " + str(tree_size_));
    }
    const Tile tile = tile_for_index(x).tile;
    unsigned k = 0;
    std::optional<std::size_t> found;
    for (; !found; ++k) {
      const std::optional<Tile> p = tile_parent(tile, k, tree_size_);
      if (!p)  // unreachable: the root's tiles cover the top of every path
        return make_error(Errc::invalid_argument, "no authenticated tile above " + tile_path(tile));
      found = plan.find(*p);
    }
    // k is now one past the level where a planned tile was found.
    for (unsigned j = k - 1; j-- > 0;) {
      const Tile p = *tile_parent(tile, j, tree_size_);
      if (!p.full())  // only full tiles have parents
        return make_error(Errc::invalid_argument, "partial " + tile_path(p) + " below another");
      plan.add(p);
    }
    index_where.push_back(*plan.find(*tile_parent(tile, 0, tree_size_)));
  }
  Expected<std::vector<Bytes>> data = fetch(source_, plan.tiles());
  if (!data)
    return data.error();
  // Step 3: authenticate the root's tiles against the root.
  Expected<Hash32> root = root_from_plan(stx, stx_where, plan, *data);
  if (!root)
    return root.error();
  if (*root != root_) {
    return make_error(Errc::merkle_root_mismatch, "tiles for size " + str(tree_size_) +
                                                      " lead to root " + to_hex(*root) +
                                                      ", expected " + to_hex(root_));
  }
  // Step 4: authenticate every other tile (all full) against its parent,
  // which comes earlier in the plan. (golang.org/x/mod 0.7's loop starts
  // at the number of root subtrees rather than of root tiles, and so skips
  // a tile whenever two root subtrees share a tile.)
  for (std::size_t i = root_tiles; i < plan.tiles().size(); ++i) {
    const Tile& tile = plan.tiles()[i];
    const Tile parent = *tile_parent(tile, 1, tree_size_);
    const std::size_t j = *plan.find(parent);
    Expected<Hash32> expected = hash_from_tile(
        parent, (*data)[j], stored_hash_index(parent.level * kTileHeight, tile.index));
    if (!expected)
      return expected.error();
    if (tile_hash((*data)[i]) != *expected) {
      return make_error(Errc::merkle_root_mismatch,
                        tile_path(tile) + " does not match its parent " + tile_path(parent));
    }
  }
  std::vector<Hash32> out;
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    Expected<Hash32> h =
        hash_from_tile(plan.tiles()[index_where[i]], (*data)[index_where[i]], indexes[i]);
    if (!h)
      return h.error();
    out.push_back(*h);
  }
  return out;
}

Expected<Hash32> root_from_tiles(std::uint64_t size, TileSource& source) {
  if (size == 0)
    return crypto::merkle::empty_root();
  if (Status s = check_tree_size(size); !s)
    return s.error();
  TilePlan plan;
  const std::vector<std::uint64_t> stx = root_stored_indexes(size);
  const std::vector<std::size_t> where = plan_root(size, stx, plan);
  Expected<std::vector<Bytes>> data = fetch(source, plan.tiles());
  if (!data)
    return data.error();
  return root_from_plan(stx, where, plan, *data);
}

Expected<std::vector<Hash32>> inclusion_proof_from_tiles(std::uint64_t index,
                                                         std::uint64_t tree_size,
                                                         const Hash32& root, TileSource& source) {
  TileHashReader reader(tree_size, root, source);
  return prove_inclusion(index, tree_size, reader);
}

Expected<std::vector<Hash32>> consistency_proof_from_tiles(std::uint64_t old_size,
                                                           std::uint64_t new_size,
                                                           const Hash32& new_root,
                                                           TileSource& source) {
  TileHashReader reader(new_size, new_root, source);
  return prove_consistency(old_size, new_size, reader);
}

}  // namespace senim::tlog
