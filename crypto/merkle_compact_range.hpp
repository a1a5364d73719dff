// The root of a growing log in O(log n) memory (docs/protocol.md §7.2): a
// compact range keeps one hash per set bit of n — the complete subtrees that
// tile [0, n) from the left, largest first. A verifier streaming a record
// uses it to check each signed tree head without holding every leaf.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/error.hpp"
#include "crypto/merkle.hpp"

namespace senim::crypto::merkle {

class CompactRange {
 public:
  void append_leaf_hash(const Hash32& leaf);
  std::uint64_t size() const { return size_; }
  // MTH of the leaves appended so far: the subtrees folded right to left,
  // MTH = node(S_1, node(S_2, … node(S_{k−1}, S_k))).
  Hash32 root() const;

  // The subtree hashes, largest first: with size(), all a range is, so that
  // a verifier can save it and resume (verifier/snapshot.hpp).
  const std::vector<Hash32>& subtrees() const { return subtrees_; }
  // A range restored from size() and subtrees(). Errors: invalid_length
  // unless there is one subtree per set bit of `size`.
  static Expected<CompactRange> restore(std::uint64_t size, std::vector<Hash32> subtrees);

 private:
  std::vector<Hash32> subtrees_;  // largest (leftmost) first
  std::uint64_t size_ = 0;
};

}  // namespace senim::crypto::merkle
