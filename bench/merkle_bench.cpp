// Micro-benchmarks of the board's Merkle log (docs/protocol.md §7) at the
// scale of a large election: a log of 1,000,000 entries.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "crypto/merkle.hpp"

namespace {
using senim::Hash32;
using senim::crypto::merkle::MerkleLog;
namespace merkle = senim::crypto::merkle;

constexpr std::uint64_t kLogSize = 1'000'000;

// A 100-byte entry whose first 8 bytes are its index, like a small board entry.
std::vector<std::uint8_t> entry(std::uint64_t i) {
  std::vector<std::uint8_t> e(100, 0x5a);
  for (int b = 0; b < 8; ++b)
    e[b] = static_cast<std::uint8_t>(i >> (8 * b));
  return e;
}

// One log of kLogSize entries, built once and shared by the proof benchmarks.
const MerkleLog& million_log() {
  static const MerkleLog log = [] {
    MerkleLog l;
    for (std::uint64_t i = 0; i < kLogSize; ++i)
      l.append(entry(i));
    return l;
  }();
  return log;
}

// Indices spread over the whole log (a fixed odd stride modulo the size).
std::uint64_t spread_index(std::uint64_t i) {
  return (i * 7'919'311) % kLogSize;
}

// Amortised cost of appending one entry (leaf hash included) while a log
// grows from empty to 2^20 ≈ 1M entries.
void BM_MerkleAppend(benchmark::State& state) {
  const std::vector<std::uint8_t> e = entry(42);
  MerkleLog log;
  for (auto _ : state)
    benchmark::DoNotOptimize(log.append(e));
  state.counters["final_size"] = static_cast<double>(log.size());
}
BENCHMARK(BM_MerkleAppend)->Iterations(1 << 20)->Unit(benchmark::kMicrosecond);

void BM_MerkleInclusionProof(benchmark::State& state) {
  const MerkleLog& log = million_log();
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto proof = log.inclusion_proof(spread_index(i++), kLogSize);
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_MerkleInclusionProof)->Unit(benchmark::kMicrosecond);

void BM_MerkleVerifyInclusion(benchmark::State& state) {
  const MerkleLog& log = million_log();
  const Hash32 root = log.root();
  struct Claim {
    std::uint64_t index;
    Hash32 leaf;
    std::vector<Hash32> proof;
  };
  std::vector<Claim> claims;
  for (std::uint64_t i = 0; i < 1024; ++i) {
    const std::uint64_t index = spread_index(i);
    claims.push_back(
        {index, merkle::leaf_hash(entry(index)), *log.inclusion_proof(index, kLogSize)});
  }
  std::size_t next = 0;
  for (auto _ : state) {
    const Claim& c = claims[next++ % claims.size()];
    if (!merkle::verify_inclusion(c.index, kLogSize, c.leaf, c.proof, root).ok()) {
      state.SkipWithError("verify failed");
    }
  }
}
BENCHMARK(BM_MerkleVerifyInclusion)->Unit(benchmark::kMicrosecond);

}  // namespace
