#include "crypto/merkle_compact_range.hpp"

#include <bit>
#include <string>

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

Expected<CompactRange> CompactRange::restore(std::uint64_t size, std::vector<Hash32> subtrees) {
  if (subtrees.size() != static_cast<std::size_t>(std::popcount(size))) {
    return make_error(Errc::invalid_length, "a compact range of size " + std::to_string(size) +
                                                " has " + std::to_string(std::popcount(size)) +
                                                " subtrees, not " +
                                                std::to_string(subtrees.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.subtrees_ = std::move(subtrees);
  return range;
}

}  // namespace senim::crypto::merkle
