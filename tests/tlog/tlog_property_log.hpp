// One log of 70,001 leaves shared by the tile property tests, and the sizes,
// indexes and old sizes they probe: every size up to 1,100, ±3 around each
// tile boundary that matters (256, 512, 65,536, 65,536 + 256, 70,000) and
// 200 sizes spread over the rest; for each, the first, middle and last
// index and a few old sizes.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/merkle.hpp"
#include "tlog/stored_hashes.hpp"

namespace senim::tlog::test {

struct PropertyLog {
  std::vector<Hash32> leaves;
  crypto::merkle::MerkleLog tree;
  MemoryHashStore store;
};

// Built once, on first use.
PropertyLog& property_log();

std::vector<std::uint64_t> property_sizes();
std::vector<std::uint64_t> probe_indexes(std::uint64_t size);
std::vector<std::uint64_t> probe_old_sizes(std::uint64_t size);

}  // namespace senim::tlog::test
