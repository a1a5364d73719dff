#include "bench/tiles_growth.hpp"

#include <sodium.h>

#include <cstdio>
#include <random>

#include "bench/timing.hpp"
#include "crypto/merkle.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"

namespace senim::bench {
namespace {

namespace merkle = crypto::merkle;

// Counts the tiles and bytes a reader asks for.
class CountingTiles final : public tlog::TileSource {
 public:
  explicit CountingTiles(tlog::TileSource& inner) : inner_(inner) {}
  Expected<std::vector<Bytes>> read_tiles(std::span<const tlog::Tile> tiles) override {
    auto data = inner_.read_tiles(tiles);
    if (data) {
      tiles_ += data->size();
      for (const Bytes& d : *data)
        bytes_ += d.size();
    }
    return data;
  }
  std::size_t tiles() const { return tiles_; }
  std::size_t bytes() const { return bytes_; }

 private:
  tlog::TileSource& inner_;
  std::size_t tiles_ = 0;
  std::size_t bytes_ = 0;
};

// The same log twice: as the board keeps it, and as stored hashes that
// tiles are read from.
struct TwoLogs {
  merkle::MerkleLog board;
  tlog::MemoryHashStore store;

  void grow_to(std::uint64_t size) {
    while (board.size() < size) {
      Hash32 leaf{};
      randombytes_buf(leaf.data(), leaf.size());
      board.append_leaf_hash(leaf);
      store.append_leaf_hash(leaf);
    }
  }
};

struct Row {
  const char* what;
  Timings timings;
  double tiles_per_run = 0;
  double bytes_per_run = 0;
};

void print_row(std::uint64_t size, const Row& row, double baseline_us) {
  std::printf("%10llu  %-34s %9.1f %9.1f %8.1fx %7.1f %9.0f %6zu\n",
              static_cast<unsigned long long>(size), row.what, row.timings.p50_us,
              row.timings.p99_us, row.timings.p50_us / baseline_us, row.tiles_per_run,
              row.bytes_per_run, row.timings.failures);
}

// Inclusion proofs of random leaves in the tree of all `logs` leaves.
void inclusion_rows(TwoLogs& logs, std::size_t runs, std::mt19937_64& random) {
  const std::uint64_t size = logs.board.size();
  const Hash32 root = logs.board.root();
  std::vector<std::uint64_t> leaves(runs);
  for (auto& i : leaves)
    i = random() % size;
  auto check = [&](std::uint64_t i, Expected<std::vector<Hash32>> proof) {
    const auto leaf = logs.board.subtree_hash(0, i);
    return proof && leaf && merkle::verify_inclusion(i, size, *leaf, *proof, root).ok();
  };
  const Row board{"inclusion: board's tree (baseline)", time_each(runs, [&](std::size_t r) {
                    return check(leaves[r], logs.board.inclusion_proof(leaves[r], size));
                  })};
  tlog::HashReaderTileSource stored(logs.store);
  CountingTiles counted(stored);
  Row tiles{"inclusion: from tiles", time_each(runs, [&](std::size_t r) {
              return check(leaves[r],
                           tlog::inclusion_proof_from_tiles(leaves[r], size, root, counted));
            })};
  tiles.tiles_per_run = static_cast<double>(counted.tiles()) / static_cast<double>(runs);
  tiles.bytes_per_run = static_cast<double>(counted.bytes()) / static_cast<double>(runs);
  print_row(size, board, board.timings.p50_us);
  print_row(size, tiles, board.timings.p50_us);
}

// Consistency proofs from random earlier sizes to the tree of all leaves.
void consistency_rows(TwoLogs& logs, std::size_t runs, std::mt19937_64& random) {
  const std::uint64_t size = logs.board.size();
  const Hash32 root = logs.board.root();
  std::vector<std::pair<std::uint64_t, Hash32>> earlier(runs);
  for (auto& [m, m_root] : earlier) {
    m = 1 + random() % size;
    m_root = *logs.board.root_at(m);
  }
  auto check = [&](std::size_t r, Expected<std::vector<Hash32>> proof) {
    const auto& [m, m_root] = earlier[r];
    return proof && merkle::verify_consistency(m, size, m_root, root, *proof).ok();
  };
  const Row board{"consistency: board's tree (baseline)", time_each(runs, [&](std::size_t r) {
                    return check(r, logs.board.consistency_proof(earlier[r].first, size));
                  })};
  tlog::HashReaderTileSource stored(logs.store);
  CountingTiles counted(stored);
  Row tiles{"consistency: from tiles", time_each(runs, [&](std::size_t r) {
              return check(
                  r, tlog::consistency_proof_from_tiles(earlier[r].first, size, root, counted));
            })};
  tiles.tiles_per_run = static_cast<double>(counted.tiles()) / static_cast<double>(runs);
  tiles.bytes_per_run = static_cast<double>(counted.bytes()) / static_cast<double>(runs);
  print_row(size, board, board.timings.p50_us);
  print_row(size, tiles, board.timings.p50_us);
}

}  // namespace

void print_proof_growth(const std::vector<std::uint64_t>& sizes, std::size_t runs) {
  std::printf("\nIn process, %zu proofs of random leaves (sizes), each made and verified:\n", runs);
  std::printf("%10s  %-34s %9s %9s %9s %7s %9s %6s\n", "leaves", "proof", "p50 us", "p99 us",
              "x base", "tiles", "bytes", "failed");
  TwoLogs logs;
  std::mt19937_64 random(12);  // fixed: the same leaves every run
  for (std::uint64_t size : sizes) {
    logs.grow_to(size);
    inclusion_rows(logs, runs, random);
    consistency_rows(logs, runs, random);
  }
}

}  // namespace senim::bench
