// The board's Merkle log: the tree, inclusion proofs and consistency proofs of
// RFC 9162 (Certificate Transparency v2) §2.1, over SHA-256
// (docs/protocol.md §7).
//
// Why this shape: the board is an append-only list of entries. The root of
// the tree over its first n entries commits to exactly those entries in that
// order; an inclusion proof shows one entry is among them, a consistency proof
// that the first m entries are unchanged in a tree of n. Two signed tree heads
// with no valid consistency proof between them are evidence that the board
// showed different people different logs.
//
// The verification functions are pure: they recompute a root from the proof,
// then compare once. A proof whose length does not fit its sizes is rejected
// before any hashing (merkle_bad_proof); a well-formed proof leading elsewhere
// is merkle_root_mismatch. Everything here is public data: variable time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::crypto::merkle {

inline constexpr std::size_t kHashBytes = 32;

// §7.1: SHA-256(0x00 ‖ entry), the hash of one log entry's exact bytes.
Hash32 leaf_hash(ByteView entry);
// §7.1: SHA-256(0x01 ‖ left ‖ right).
Hash32 node_hash(const Hash32& left, const Hash32& right);
// §7.2: the root of the empty tree, SHA-256 of the empty string.
Hash32 empty_root();

// Reads a hash (root, leaf hash or proof element) received as bytes.
// Errors: invalid_length unless exactly 32 bytes.
Expected<Hash32> hash_from_bytes(ByteView bytes);

// An append-only Merkle tree that keeps every complete (perfect) subtree
// hash: level l holds the hash of leaves [i·2^l, (i+1)·2^l) at index i. An
// append adds one leaf hash and at most log2(n) node hashes (O(1)
// amortised); a root or a proof for any earlier size is O(log n) lookups and
// hashes. Memory: about 2n hashes, 64 bytes per leaf.
class MerkleLog {
 public:
  // Appends an entry (its leaf hash is leaf_hash(entry)); returns its index.
  std::uint64_t append(ByteView entry);
  // Appends an already computed leaf hash; returns its index.
  std::uint64_t append_leaf_hash(const Hash32& leaf);

  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  // MTH of all leaves (§7.2).
  Hash32 root() const;
  // MTH of the first tree_size leaves. Errors: invalid_argument if
  // tree_size > size().
  Expected<Hash32> root_at(std::uint64_t tree_size) const;

  // The hash of the perfect subtree of 2^level leaves [n·2^level,
  // (n+1)·2^level): a tile's hash (docs/protocol.md §13.9.1). Errors:
  // invalid_argument unless that subtree is complete.
  Expected<Hash32> subtree_hash(unsigned level, std::uint64_t n) const;

  // PATH(index, D[tree_size]) (§7.3), leaf-to-root. Errors: invalid_argument
  // unless index < tree_size <= size().
  Expected<std::vector<Hash32>> inclusion_proof(std::uint64_t index, std::uint64_t tree_size) const;
  // PROOF(old_size, D[new_size]) (§7.4), empty when old_size == new_size.
  // Errors: invalid_argument unless 0 < old_size <= new_size <= size().
  Expected<std::vector<Hash32>> consistency_proof(std::uint64_t old_size,
                                                  std::uint64_t new_size) const;

 private:
  // Hash of the stored perfect subtree of `width` = 2^l leaves at `begin`.
  const Hash32& perfect_subtree(std::uint64_t begin, std::uint64_t width) const;
  // MTH(D[begin:end]) for a non-empty range whose `begin` is a multiple of
  // the largest power of two <= end - begin (every range the §7.2 recursion
  // visits is one).
  Hash32 range_hash(std::uint64_t begin, std::uint64_t end) const;

  std::vector<std::vector<Hash32>> levels_;
};

// §7.3 verification (RFC 9162 §2.1.3.2): the root that `proof` leads to from
// `leaf` (a leaf hash) at `index` in a tree of `tree_size` leaves.
// Errors: merkle_bad_proof if index >= tree_size or the proof does not have
// the length these sizes need.
Expected<Hash32> root_from_inclusion_proof(std::uint64_t index, std::uint64_t tree_size,
                                           const Hash32& leaf, std::span<const Hash32> proof);
// Recomputes with root_from_inclusion_proof, then compares with `root`.
// Errors: merkle_bad_proof as above; merkle_root_mismatch.
Status verify_inclusion(std::uint64_t index, std::uint64_t tree_size, const Hash32& leaf,
                        std::span<const Hash32> proof, const Hash32& root);

// §7.4 verification steps 4–10 (RFC 9162 §2.1.4.2 steps 1–6): the roots of
// the tree of old_size leaves and of the tree of new_size leaves that the
// proof's subtrees hash up to. When old_size is a power of two the proof
// leaves out the old tree's root (the verifier has it): the path starts with
// `power_of_two_prefix` instead, which a verifier sets to the old root it
// holds and fork evidence to the larger tree's own hash of its first
// old_size leaves (docs/protocol.md §14.6). Ignored otherwise. Errors:
// merkle_bad_proof unless 0 < old_size < new_size and the proof has the
// length these sizes need.
struct ConsistencyRoots {
  Hash32 old_root;
  Hash32 new_root;
};
Expected<ConsistencyRoots> roots_from_consistency_proof(std::uint64_t old_size,
                                                        std::uint64_t new_size,
                                                        const Hash32& power_of_two_prefix,
                                                        std::span<const Hash32> proof);

// §7.4 verification (RFC 9162 §2.1.4.2): the tree of old_size leaves with
// root old_root is a prefix of the tree of new_size leaves with root new_root.
// Policy (§7.5): old_size == 0 is always rejected; old_size == new_size is
// accepted iff the proof is empty and the roots are equal.
// Errors: merkle_bad_proof (impossible sizes, wrong proof length);
// merkle_root_mismatch.
Status verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                          const Hash32& new_root, std::span<const Hash32> proof);

}  // namespace senim::crypto::merkle
