// Stored hash indices and proofs over a HashReader (docs/protocol.md
// §13.9.2), checked against crypto::merkle (MerkleLog and its verifiers)
// for every size up to 1,100 and around the tile boundaries up to 70,000.
#include "tlog/stored_hashes.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "crypto/merkle.hpp"
#include "tests/tlog/tlog_property_log.hpp"

using senim::Errc;
using senim::Hash32;
using namespace senim::tlog;
namespace merkle = senim::crypto::merkle;

TEST_CASE("stored hash indices: the storage order, and its inverse", "[tlog][tiles]") {
  // Leaf 0, leaf 1, node(0,1), leaf 2, leaf 3, node(2,3), node(0..3), leaf 4…
  CHECK(stored_hash_index(0, 0) == 0);
  CHECK(stored_hash_index(0, 1) == 1);
  CHECK(stored_hash_index(1, 0) == 2);
  CHECK(stored_hash_index(0, 2) == 3);
  CHECK(stored_hash_index(0, 3) == 4);
  CHECK(stored_hash_index(1, 1) == 5);
  CHECK(stored_hash_index(2, 0) == 6);
  CHECK(stored_hash_index(0, 4) == 7);
  // x/mod's TestSplitStoredHashIndex, and the count.
  for (unsigned level = 0; level < 10; ++level) {
    for (std::uint64_t n = 0; n < 100; ++n) {
      const auto [l, m] = split_stored_hash_index(stored_hash_index(level, n));
      CHECK(l == level);
      CHECK(m == n);
    }
  }
  CHECK(stored_hash_count(0) == 0);
  CHECK(stored_hash_count(1) == 1);
  CHECK(stored_hash_count(2) == 3);
  CHECK(stored_hash_count(3) == 4);
  CHECK(stored_hash_count(4) == 7);
  MemoryHashStore store;
  for (std::uint64_t n = 1; n <= 2000; ++n) {
    store.append_leaf_hash(Hash32{});
    std::vector<std::uint64_t> last{stored_hash_count(n) - 1};
    CHECK(store.read_hashes(last).ok());
    last[0] = stored_hash_count(n);
    CHECK(store.read_hashes(last).error().code == Errc::invalid_argument);
  }
}

TEST_CASE("stored-hash proofs equal crypto::merkle's for sizes 1..70,001",
          "[tlog][tiles][property]") {
  test::PropertyLog& log = test::property_log();
  for (std::uint64_t size : test::property_sizes()) {
    INFO("size " << size);
    const Hash32 root = *log.tree.root_at(size);
    REQUIRE(*tree_hash(size, log.store) == root);
    for (std::uint64_t index : test::probe_indexes(size)) {
      const std::vector<Hash32> proof = *prove_inclusion(index, size, log.store);
      REQUIRE(proof == *log.tree.inclusion_proof(index, size));
      REQUIRE(merkle::verify_inclusion(index, size, log.leaves[index], proof, root).ok());
    }
    for (std::uint64_t old_size : test::probe_old_sizes(size)) {
      const std::vector<Hash32> proof = *prove_consistency(old_size, size, log.store);
      REQUIRE(proof == *log.tree.consistency_proof(old_size, size));
      REQUIRE(merkle::verify_consistency(old_size, size, *log.tree.root_at(old_size), root, proof)
                  .ok());
    }
  }
}

TEST_CASE("stored-hash proofs refuse what no log can prove", "[tlog][tiles]") {
  test::PropertyLog& log = test::property_log();
  CHECK(*tree_hash(0, log.store) == merkle::empty_root());
  CHECK(prove_inclusion(5, 5, log.store).error().code == Errc::invalid_argument);
  CHECK(prove_inclusion(0, 0, log.store).error().code == Errc::invalid_argument);
  CHECK(prove_consistency(0, 5, log.store).error().code == Errc::invalid_argument);
  CHECK(prove_consistency(6, 5, log.store).error().code == Errc::invalid_argument);
  CHECK(prove_consistency(5, 5, log.store)->empty());
  CHECK(tree_hash(kMaxStoredTreeSize + 1, log.store).error().code == Errc::invalid_argument);
  // A size beyond the store: the reader's error comes through.
  CHECK(tree_hash(log.store.size() + 1, log.store).error().code == Errc::invalid_argument);
}
