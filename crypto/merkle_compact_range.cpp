#include "crypto/merkle_compact_range.hpp"

namespace senim::crypto::merkle {

void CompactRange::append_leaf_hash(const Hash32& leaf) {
  subtrees_.push_back(leaf);
  // Merge equal-sized neighbours: one merge per trailing 1 bit of the old size.
  for (std::uint64_t n = size_; (n & 1U) != 0; n >>= 1) {
    const Hash32 right = subtrees_.back();
    subtrees_.pop_back();
    subtrees_.back() = node_hash(subtrees_.back(), right);
  }
  ++size_;
}

Hash32 CompactRange::root() const {
  if (subtrees_.empty())
    return empty_root();
  Hash32 acc = subtrees_.back();
  for (std::size_t i = subtrees_.size() - 1; i-- > 0;)
    acc = node_hash(subtrees_[i], acc);
  return acc;
}

}  // namespace senim::crypto::merkle
