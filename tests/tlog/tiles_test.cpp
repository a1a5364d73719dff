// Tile paths and tile arithmetic (docs/protocol.md §13.9.1): the spec's
// examples (x001/x234/067; the tiles of a tree of 70,000 and of 256),
// x/mod's path vectors without their height element, strict parsing, and
// tile bytes computed two independent ways.
#include "tlog/tiles.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"

using senim::Bytes;
using senim::Errc;
using senim::Expected;
using senim::Hash32;
using namespace senim::tlog;
namespace merkle = senim::crypto::merkle;

namespace {

Hash32 leaf(std::uint64_t i) {
  Bytes entry;
  senim::append_u64_be(entry, i);
  return merkle::leaf_hash(entry);
}

// {level → (full tiles, partial width)} of a tile list.
std::map<unsigned, std::pair<std::size_t, unsigned>> shape(const std::vector<Tile>& tiles) {
  std::map<unsigned, std::pair<std::size_t, unsigned>> out;
  for (const Tile& t : tiles) {
    auto& [full, partial] = out[t.level];
    if (t.full())
      ++full;
    else
      partial = t.width;
  }
  return out;
}

}  // namespace

TEST_CASE("tile paths: the spec's index encoding and x/mod's vectors", "[tlog][tiles]") {
  CHECK(tile_index_path(1234067) == "x001/x234/067");
  CHECK(tile_index_path(0) == "000");
  CHECK(tile_index_path(999) == "999");
  CHECK(tile_index_path(1000) == "x001/000");
  CHECK(tile_index_path(18446744073709551615ULL) == "x018/x446/x744/x073/x709/x551/615");
  // x/mod's tilePaths, without the height element sumdb puts after "tile/".
  CHECK(tile_path(Tile{0, 1, 256}) == "tile/0/001");
  CHECK(tile_path(Tile{0, 1, 5}) == "tile/0/001.p/5");
  CHECK(tile_path(Tile{5, 123456078, 256}) == "tile/5/x123/x456/078");
  CHECK(tile_path(Tile{5, 123456078, 2}) == "tile/5/x123/x456/078.p/2");
  CHECK(entry_bundle_path(Tile{0, 3057500, 2}) == "tile/entries/x003/x057/500.p/2");
  CHECK(entry_bundle_path(Tile{0, 7, 256}) == "tile/entries/007");
  CHECK(tile_path(Tile{63, 0, 1}) == "tile/63/000.p/1");
}

TEST_CASE("tile paths parse back, and only the canonical form does", "[tlog][tiles]") {
  for (const std::string_view path :
       {"tile/0/001", "tile/0/001.p/5", "tile/5/x123/x456/078", "tile/5/x123/x456/078.p/2",
        "tile/63/000.p/255", "tile/entries/x003/x057/500.p/2", "tile/entries/000",
        "tile/0/x018/x446/x744/x073/x709/x551/615"}) {
    Expected<TilePath> p = parse_tile_path(path);
    INFO(path);
    REQUIRE(p.ok());
    CHECK((p->entries ? entry_bundle_path(p->tile) : tile_path(p->tile)) == path);
  }
  const TilePath parsed = *parse_tile_path("tile/entries/x003/x057/500.p/2");
  CHECK(parsed == TilePath{true, Tile{0, 3057500, 2}});
  for (const std::string_view path : {"tile/5/123/456/078",  // no 'x' on the leading elements
                                      "tile/-1/000",
                                      "tile/64/000",
                                      "tile/00/000",      // level range and leading zero
                                      "tile/0/x000/001",  // a leading zero element
                                      "tile/0/1",
                                      "tile/0/0001",
                                      "tile/0/x1/000",  // three digits each
                                      "tile/0/000.p/0",
                                      "tile/0/000.p/256",
                                      "tile/0/000.p/01",
                                      "tile/0/000.p/",
                                      "tile/0/000.p",
                                      "tile/0/000.p/5/6",
                                      "tile/0/x001",  // 'x' on the last
                                      "tile/0/000/",
                                      "tile/0/",
                                      "tile/0",
                                      "tile//000",
                                      "tile/entries/",
                                      "tiles/0/000",
                                      "/tile/0/000",
                                      "tile/data/000",
                                      "tile/8/0/000",
                                      "tile/0/x019/x000/x000/x000/x000/x000/000",  // above 2^64
                                      "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
                                      "tile/ 0/000",
                                      "tile/+0/000"}) {
    INFO(path);
    Expected<TilePath> p = parse_tile_path(path);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().code == Errc::invalid_encoding);
  }
}

TEST_CASE("tlog-tiles spec example: the tiles of trees of 70,000 and 256 leaves", "[tlog][tiles]") {
  // "273 full level 0 tiles, one partial level 0 tile of width 112, one full
  // level 1 tile, one partial level 1 tile of width 17, and one partial
  // level 2 tile of width 1."
  const auto s70000 = shape(tiles_for_size(70000));
  REQUIRE(s70000.size() == 3);
  CHECK(s70000.at(0) == std::pair<std::size_t, unsigned>{273, 112});
  CHECK(s70000.at(1) == std::pair<std::size_t, unsigned>{1, 17});
  CHECK(s70000.at(2) == std::pair<std::size_t, unsigned>{0, 1});
  CHECK(tiles_for_size(70000).size() == 273 + 1 + 1 + 1 + 1);
  // "a tree of size 256 will be represented by a full level 0 tile and a
  // partial level 1 tile of width 1."
  CHECK(tiles_for_size(256) == std::vector<Tile>{Tile{0, 0, 256}, Tile{1, 0, 1}});
  CHECK(tiles_for_size(0).empty());
  CHECK(tiles_for_size(1) == std::vector<Tile>{Tile{0, 0, 1}});
  CHECK(tiles_for_size(257) == std::vector<Tile>{Tile{0, 0, 256}, Tile{0, 1, 1}, Tile{1, 0, 1}});
  CHECK(shape(tiles_for_size(65536)).at(2) == std::pair<std::size_t, unsigned>{0, 1});
  // Near the top: growing from 2^63 − 1 to 2^63 completes one full tile on
  // each of levels 0–6 and makes a level-7 tile of 128 hashes.
  std::vector<Tile> top;
  for (unsigned l = 0; l < 7; ++l)
    top.push_back(Tile{static_cast<std::uint8_t>(l), (1ULL << (55 - 8 * l)) - 1, 256});
  top.push_back(Tile{7, 0, 128});
  CHECK(new_tiles((1ULL << 63) - 1, 1ULL << 63) == top);
}

TEST_CASE("new_tiles: exactly the tiles a tree has that the smaller tree had not",
          "[tlog][tiles]") {
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> steps = {
      {0, 1},         {1, 2},         {255, 256},     {256, 257}, {1, 70000},
      {69999, 70000}, {65535, 65536}, {65536, 65537}, {100, 100}, {300, 70000}};
  for (const auto& [old_size, new_size] : steps) {
    INFO(old_size << " -> " << new_size);
    const std::vector<Tile> old_tiles = tiles_for_size(old_size);
    const std::vector<Tile> fresh = new_tiles(old_size, new_size);
    std::set<Tile> have(old_tiles.begin(), old_tiles.end());
    for (const Tile& t : fresh)
      CHECK(have.insert(t).second);  // nothing published twice
    for (const Tile& t : tiles_for_size(new_size))
      CHECK(have.count(t) == 1);  // everything the new tree needs is there
  }
  CHECK(new_tiles(0, 70000) == tiles_for_size(70000));
}

TEST_CASE("tile bytes: from leaf hashes and from stored hashes agree, levels chain",
          "[tlog][tiles]") {
  std::vector<Hash32> leaves;
  MemoryHashStore store;
  for (std::uint64_t i = 0; i < 70000; ++i) {
    leaves.push_back(leaf(i));
    store.append_leaf_hash(leaves.back());
  }
  std::map<Tile, Bytes> tiles;
  for (const Tile& t : tiles_for_size(70000)) {
    Expected<Bytes> a = tile_from_leaf_hashes(t, leaves);
    Expected<Bytes> b = read_tile_data(t, store);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->size() == std::size_t{t.width} * 32);
    CHECK(*a == *b);
    tiles[t] = *a;
  }
  // Hash i of a level-1 tile is the tile hash of full level-0 tile i, and the
  // level-2 tile's one hash is the root of the first 65,536 leaves.
  const Bytes& level1 = tiles.at(Tile{1, 0, 256});
  for (std::uint64_t i = 0; i < 256; ++i) {
    const Hash32 h = tile_hash(tiles.at(Tile{0, i, 256}));
    CHECK(std::equal(h.begin(), h.end(), level1.begin() + static_cast<std::ptrdiff_t>(i * 32)));
  }
  merkle::MerkleLog log;
  for (std::uint64_t i = 0; i < 65536; ++i)
    log.append_leaf_hash(leaves[i]);
  const Hash32 root = log.root();
  CHECK(tiles.at(Tile{2, 0, 1}) == Bytes(root.begin(), root.end()));
  CHECK(tile_hash(level1) == root);
  // A tile the tree does not have yet.
  CHECK(tile_from_leaf_hashes(Tile{0, 273, 113}, leaves).error().code == Errc::invalid_argument);
  CHECK(tile_from_leaf_hashes(Tile{2, 0, 2}, leaves).error().code == Errc::invalid_argument);
}
