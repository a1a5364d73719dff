#include "tlog/stored_hashes.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "crypto/merkle.hpp"

namespace senim::tlog {
namespace {

using crypto::merkle::node_hash;

std::string str(std::uint64_t v) {
  return std::to_string(v);
}

// Reads `indexes` and checks the reader kept its contract.
Expected<std::vector<Hash32>> read_all(HashReader& reader,
                                       const std::vector<std::uint64_t>& indexes) {
  if (indexes.empty())
    return std::vector<Hash32>{};
  Expected<std::vector<Hash32>> hashes = reader.read_hashes(indexes);
  if (hashes && hashes->size() != indexes.size()) {
    return make_error(Errc::invalid_length, "hash reader returned " + str(hashes->size()) +
                                                " hashes for " + str(indexes.size()) + " indexes");
  }
  return hashes;
}

// Hashes handed out in the order the *_index functions asked for them.
class HashCursor {
 public:
  explicit HashCursor(const std::vector<Hash32>& hashes) : hashes_(hashes) {}
  const Hash32& next() { return hashes_[pos_++]; }

 private:
  const std::vector<Hash32>& hashes_;
  std::size_t pos_ = 0;
};

// The perfect subtrees that make up D[lo:hi] when lo is a multiple of the
// largest of them (every range the RFC 9162 recursion visits): one per set
// bit of hi − lo, largest first (docs/protocol.md §7.2).
void subtree_indexes(std::uint64_t lo, std::uint64_t hi, std::vector<std::uint64_t>& need) {
  while (lo < hi) {
    const std::uint64_t k = std::bit_floor(hi - lo);
    const auto level = static_cast<unsigned>(std::countr_zero(k));
    need.push_back(stored_hash_index(level, lo >> level));
    lo += k;
  }
}

// MTH(D[lo:hi]) from the hashes subtree_indexes asked for: folded right,
// node(P_1, node(P_2, … P_j)).
Hash32 subtree_hash(std::uint64_t lo, std::uint64_t hi, HashCursor& hashes) {
  std::vector<Hash32> parts;
  for (; lo < hi; lo += std::bit_floor(hi - lo))
    parts.push_back(hashes.next());
  return fold_subtree_hashes(parts);
}

// The split point of D[lo:hi], hi − lo ≥ 2: the largest power of two
// smaller than the size (RFC 9162 §2.1.1).
std::uint64_t split(std::uint64_t lo, std::uint64_t hi) {
  return std::bit_floor(hi - lo - 1);
}

// A proof is a list of tree hashes MTH(D[lo:hi]) of ranges that the RFC
// 9162 recursions choose; the functions below list the ranges, leaf first,
// and range_hashes reads what they need in one call and hashes them.
struct Range {
  std::uint64_t lo;
  std::uint64_t hi;
};

// PATH(n, D[lo:hi]) (RFC 9162 §2.1.3.1): the sibling of each node on the
// path from leaf n up.
void inclusion_ranges(std::uint64_t lo, std::uint64_t hi, std::uint64_t n,
                      std::vector<Range>& out) {
  if (hi - lo == 1)
    return;
  const std::uint64_t k = split(lo, hi);
  if (n < lo + k) {
    inclusion_ranges(lo, lo + k, n, out);
    out.push_back({lo + k, hi});
  } else {
    inclusion_ranges(lo + k, hi, n, out);
    out.push_back({lo, lo + k});
  }
}

// SUBPROOF(m, D[lo:hi], lo == 0) (RFC 9162 §2.1.4.1): the old tree's root
// is left out when the subtree is the whole old tree, which the verifier
// holds.
void consistency_ranges(std::uint64_t lo, std::uint64_t hi, std::uint64_t m,
                        std::vector<Range>& out) {
  if (m == hi) {
    if (lo != 0)
      out.push_back({lo, hi});
    return;
  }
  const std::uint64_t k = split(lo, hi);
  if (m <= lo + k) {
    consistency_ranges(lo, lo + k, m, out);
    out.push_back({lo + k, hi});
  } else {
    consistency_ranges(lo + k, hi, m, out);
    out.push_back({lo, lo + k});
  }
}

Expected<std::vector<Hash32>> range_hashes(const std::vector<Range>& ranges, HashReader& reader) {
  std::vector<std::uint64_t> indexes;
  for (const Range& r : ranges)
    subtree_indexes(r.lo, r.hi, indexes);
  Expected<std::vector<Hash32>> hashes = read_all(reader, indexes);
  if (!hashes)
    return hashes.error();
  HashCursor cursor(*hashes);
  std::vector<Hash32> out;
  out.reserve(ranges.size());
  for (const Range& r : ranges)
    out.push_back(subtree_hash(r.lo, r.hi, cursor));
  return out;
}

Status check_size(std::uint64_t tree_size) {
  if (tree_size > kMaxStoredTreeSize) {
    return make_error(Errc::invalid_argument,
                      "tree size " + str(tree_size) + " exceeds 2^62, the stored-hash limit");
  }
  return Status::success();
}

}  // namespace

std::vector<std::uint64_t> root_stored_indexes(std::uint64_t tree_size) {
  std::vector<std::uint64_t> out;
  subtree_indexes(0, tree_size, out);
  return out;
}

Hash32 fold_subtree_hashes(std::span<const Hash32> hashes) {
  Hash32 acc = hashes.back();
  for (std::size_t i = hashes.size() - 1; i-- > 0;)
    acc = node_hash(hashes[i], acc);
  return acc;
}

std::uint64_t stored_hash_index(unsigned level, std::uint64_t n) {
  // Level `level`'s n-th hash is stored right after level 0's hash of the
  // last leaf under it, (n + 1)·2^level − 1, and the `level` hashes that
  // leaf completes below it.
  for (unsigned l = level; l > 0; --l)
    n = 2 * n + 1;
  // Level 0's n-th hash comes after n leaf hashes and n/2 + n/4 + … node
  // hashes.
  std::uint64_t index = 0;
  for (; n > 0; n >>= 1)
    index += n;
  return index + level;
}

std::pair<unsigned, std::uint64_t> split_stored_hash_index(std::uint64_t index) {
  // stored_hash_index(0, n) ≤ 2n, so the leaf that stored `index` is at
  // least index/2; walk up from there.
  std::uint64_t n = index / 2;
  std::uint64_t index_n = stored_hash_index(0, n);
  for (;;) {
    // Leaf n stores 1 + trailing_zeros(n + 1) hashes.
    const std::uint64_t next = index_n + 1 + static_cast<unsigned>(std::countr_zero(n + 1));
    if (next > index)
      break;
    ++n;
    index_n = next;
  }
  const auto level = static_cast<unsigned>(index - index_n);
  return {level, n >> level};
}

std::uint64_t stored_hash_count(std::uint64_t tree_size) {
  if (tree_size == 0)
    return 0;
  std::uint64_t count = stored_hash_index(0, tree_size - 1) + 1;
  for (std::uint64_t i = tree_size - 1; (i & 1) != 0; i >>= 1)
    ++count;
  return count;
}

Expected<std::vector<Hash32>> stored_hashes_for_leaf(std::uint64_t n, const Hash32& leaf,
                                                     HashReader& reader) {
  // Each trailing 1 bit of n completes a subtree with its left neighbour.
  const auto completed = static_cast<unsigned>(std::countr_zero(n + 1));
  std::vector<std::uint64_t> indexes(completed);
  for (unsigned i = 0; i < completed; ++i)
    indexes[completed - 1 - i] = stored_hash_index(i, (n >> i) - 1);
  Expected<std::vector<Hash32>> left = read_all(reader, indexes);
  if (!left)
    return left.error();
  std::vector<Hash32> out{leaf};
  for (unsigned i = 0; i < completed; ++i)
    out.push_back(node_hash((*left)[completed - 1 - i], out.back()));
  return out;
}

void MemoryHashStore::append_leaf_hash(const Hash32& leaf) {
  // Reading our own earlier hashes cannot fail.
  std::vector<Hash32> fresh = *stored_hashes_for_leaf(size_, leaf, *this);
  hashes_.insert(hashes_.end(), fresh.begin(), fresh.end());
  ++size_;
}

Expected<std::vector<Hash32>> MemoryHashStore::read_hashes(std::span<const std::uint64_t> indexes) {
  std::vector<Hash32> out;
  out.reserve(indexes.size());
  for (std::uint64_t index : indexes) {
    if (index >= hashes_.size()) {
      return make_error(Errc::invalid_argument,
                        "stored hash " + str(index) + " not in a store of " + str(hashes_.size()));
    }
    out.push_back(hashes_[index]);
  }
  return out;
}

Expected<Hash32> tree_hash(std::uint64_t tree_size, HashReader& reader) {
  if (Status s = check_size(tree_size); !s)
    return s.error();
  if (tree_size == 0)
    return crypto::merkle::empty_root();
  Expected<std::vector<Hash32>> root = range_hashes({{0, tree_size}}, reader);
  if (!root)
    return root.error();
  return root->front();
}

Expected<std::vector<Hash32>> prove_inclusion(std::uint64_t index, std::uint64_t tree_size,
                                              HashReader& reader) {
  if (Status s = check_size(tree_size); !s)
    return s.error();
  if (index >= tree_size) {
    return make_error(Errc::invalid_argument,
                      "index " + str(index) + " out of bounds for tree of size " + str(tree_size));
  }
  std::vector<Range> ranges;
  inclusion_ranges(0, tree_size, index, ranges);
  return range_hashes(ranges, reader);
}

Expected<std::vector<Hash32>> prove_consistency(std::uint64_t old_size, std::uint64_t new_size,
                                                HashReader& reader) {
  if (Status s = check_size(new_size); !s)
    return s.error();
  if (old_size == 0 || old_size > new_size) {
    return make_error(Errc::invalid_argument, "no consistency proof from size " + str(old_size) +
                                                  " to size " + str(new_size) +
                                                  " (docs/protocol.md §7.5)");
  }
  std::vector<Range> ranges;
  consistency_ranges(0, new_size, old_size, ranges);
  return range_hashes(ranges, reader);
}

}  // namespace senim::tlog
