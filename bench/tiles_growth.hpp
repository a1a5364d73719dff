// bench_tiles, in process: what a proof from tiles costs against the board's
// own proof from its in-memory tree, as the log grows (docs/performance.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace senim::bench {

// For each size (ascending), a log of that many random leaf hashes; times
// `runs` inclusion and consistency proofs of random leaves and sizes, each
// made and then verified: from crypto::merkle::MerkleLog (the baseline: what
// GET /v1/proofs/… computes) and from tiles read out of a
// tlog::MemoryHashStore (the tiles' assembly, their authentication against
// the root, and the proof). Prints one table.
void print_proof_growth(const std::vector<std::uint64_t>& sizes, std::size_t runs);

}  // namespace senim::bench
