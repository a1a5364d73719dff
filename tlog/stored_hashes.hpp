// A log's hashes in one linear order, and proofs computed from them
// (docs/protocol.md §13.9.2). This is golang.org/x/mod/sumdb/tlog's design
// (StoredHashIndex, HashReader, TreeHash, ProveRecord, ProveTree), with
// RFC 9162 proofs in senim's form: they check with crypto::merkle's
// verify_inclusion and verify_consistency.
//
// Storage order (Crosby and Wallach, §3.3): the hashes are written in the
// order an append-only log creates them — leaf n's hash, then the hashes of
// the perfect subtrees that leaf completes, lowest first. The hash of the
// perfect subtree of 2^level leaves at [n·2^level, (n+1)·2^level) has the
// index stored_hash_index(level, n); a tree of n leaves stores
// stored_hash_count(n) hashes (under 2n).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::tlog {

// Tree sizes these functions accept: stored indices stay below 2^63.
inline constexpr std::uint64_t kMaxStoredTreeSize = std::uint64_t{1} << 62;

std::uint64_t stored_hash_index(unsigned level, std::uint64_t n);
// The inverse: {level, n}.
std::pair<unsigned, std::uint64_t> split_stored_hash_index(std::uint64_t index);
std::uint64_t stored_hash_count(std::uint64_t tree_size);

// Reads hashes by stored index: a database, a file, memory, or tiles.
class HashReader {
 public:
  virtual ~HashReader() = default;
  // One hash per index, in order, or an error.
  virtual Expected<std::vector<Hash32>> read_hashes(std::span<const std::uint64_t> indexes) = 0;
};

// The hashes to store, from index stored_hash_index(0, n) on, when leaf n
// (with hash `leaf`) is appended: the leaf hash, then each subtree it
// completes. Reads up to log2(n) earlier hashes.
Expected<std::vector<Hash32>> stored_hashes_for_leaf(std::uint64_t n, const Hash32& leaf,
                                                     HashReader& reader);

// All of a log's hashes in memory, in storage order: the reference
// HashReader (tests, tools, a small server).
class MemoryHashStore : public HashReader {
 public:
  void append_leaf_hash(const Hash32& leaf);
  std::uint64_t size() const { return size_; }
  Expected<std::vector<Hash32>> read_hashes(std::span<const std::uint64_t> indexes) override;

 private:
  std::vector<Hash32> hashes_;
  std::uint64_t size_ = 0;
};

// The stored hashes whose right fold is MTH(D[tree_size]): one perfect
// subtree per set bit of tree_size, largest first (docs/protocol.md §7.2),
// and that fold, node(P_1, node(P_2, … P_j)). Precondition: tree_size > 0,
// hashes non-empty.
std::vector<std::uint64_t> root_stored_indexes(std::uint64_t tree_size);
Hash32 fold_subtree_hashes(std::span<const Hash32> hashes);

// MTH(D[tree_size]) (docs/protocol.md §7.2); SHA-256("") for size 0 (where
// sumdb/tlog's TreeHash returns 32 zero bytes). Errors: invalid_argument
// for a size above kMaxStoredTreeSize; the reader's.
Expected<Hash32> tree_hash(std::uint64_t tree_size, HashReader& reader);

// PATH(index, D[tree_size]) (§7.3), leaf first. Errors: invalid_argument
// unless index < tree_size ≤ kMaxStoredTreeSize; the reader's.
Expected<std::vector<Hash32>> prove_inclusion(std::uint64_t index, std::uint64_t tree_size,
                                              HashReader& reader);

// PROOF(old_size, D[new_size]) (§7.4), empty when the sizes are equal.
// Errors: invalid_argument unless 0 < old_size ≤ new_size ≤
// kMaxStoredTreeSize; the reader's.
Expected<std::vector<Hash32>> prove_consistency(std::uint64_t old_size, std::uint64_t new_size,
                                                HashReader& reader);

}  // namespace senim::tlog
