#include "crypto/merkle.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <bit>
#include <string>

namespace senim::crypto::merkle {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

std::string str(std::uint64_t value) {
  return std::to_string(value);
}

Error bad_proof(std::string message) {
  return make_error(Errc::merkle_bad_proof, std::move(message));
}

// Largest power of two strictly smaller than n, for n >= 2: the split point k
// of RFC 9162 §2.1.1.
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

// §7.3: the length of PATH(index, D[size]), for index < size. Below level
// `inner` the paths to `index` and to the last leaf differ, and every level
// contributes a sibling; above it the path runs along the right border of the
// tree, where a level contributes a (left) sibling iff index has a 1 there.
std::uint64_t inclusion_proof_length(std::uint64_t index, std::uint64_t size) {
  const auto inner = static_cast<unsigned>(std::bit_width(index ^ (size - 1)));
  const auto border = inner < 64 ? static_cast<unsigned>(std::popcount(index >> inner)) : 0U;
  return inner + border;
}

// §7.4: the length of PROOF(m, D[n]), for 0 < m < n. The proof is the hash of
// the largest perfect subtree ending at leaf m-1 (of 2^shift leaves; omitted
// when m = 2^shift, as that is the old root) followed by that subtree's
// inclusion path in the tree of n leaves, which is the path of leaf m-1 less
// its lowest `shift` levels.
std::uint64_t consistency_proof_length(std::uint64_t m, std::uint64_t n) {
  const auto shift = static_cast<unsigned>(std::countr_zero(m));
  const std::uint64_t subtree_hash = std::has_single_bit(m) ? 0 : 1;
  return subtree_hash + inclusion_proof_length(m - 1, n) - shift;
}

std::string root_mismatch_message(std::string_view what, const Hash32& computed,
                                  const Hash32& expected) {
  return std::string(what) + ": proof leads to " + to_hex(computed) + ", expected " +
         to_hex(expected);
}

}  // namespace

Hash32 leaf_hash(ByteView entry) {
  Hash32 out{};
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &kLeafPrefix, 1);
  if (!entry.empty())
    crypto_hash_sha256_update(&state, entry.data(), entry.size());
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

Hash32 node_hash(const Hash32& left, const Hash32& right) {
  std::array<std::uint8_t, 1 + 2 * kHashBytes> input{};  // 0x01 ‖ left ‖ right
  input[0] = kNodePrefix;
  std::copy(left.begin(), left.end(), input.begin() + 1);
  std::copy(right.begin(), right.end(), input.begin() + 1 + kHashBytes);
  Hash32 out{};
  crypto_hash_sha256(out.data(), input.data(), input.size());
  return out;
}

Hash32 empty_root() {
  Hash32 out{};
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

Expected<Hash32> hash_from_bytes(ByteView bytes) {
  if (bytes.size() != kHashBytes) {
    return make_error(Errc::invalid_length,
                      "a Merkle hash must be 32 bytes, got " + str(bytes.size()));
  }
  Hash32 out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// ---------------------------------------------------------------- MerkleLog

std::uint64_t MerkleLog::append(ByteView entry) {
  return append_leaf_hash(leaf_hash(entry));
}

std::uint64_t MerkleLog::append_leaf_hash(const Hash32& leaf) {
  if (levels_.empty())
    levels_.emplace_back();
  const std::uint64_t index = levels_[0].size();
  levels_[0].push_back(leaf);
  // A level with an even count has just completed a pair: their parent is a
  // new perfect subtree one level up. Carries like a binary counter.
  for (std::size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size())
      levels_.emplace_back();
    const std::vector<Hash32>& below = levels_[level];
    const Hash32 parent = node_hash(below[below.size() - 2], below.back());
    levels_[level + 1].push_back(parent);
  }
  return index;
}

const Hash32& MerkleLog::perfect_subtree(std::uint64_t begin, std::uint64_t width) const {
  const auto level = static_cast<unsigned>(std::countr_zero(width));
  return levels_[level][begin >> level];
}

Expected<Hash32> MerkleLog::subtree_hash(unsigned level, std::uint64_t n) const {
  if (level >= levels_.size() || n >= levels_[level].size()) {
    return make_error(Errc::invalid_argument,
                      "the log of " + std::to_string(size()) + " leaves has no complete subtree " +
                          std::to_string(n) + " of 2^" + std::to_string(level) + " leaves");
  }
  return levels_[level][n];
}

Hash32 MerkleLog::range_hash(std::uint64_t begin, std::uint64_t end) const {
  // §7.2: D[begin:end] is a run of perfect subtrees, one per set bit of its
  // size, largest first, and MTH nests them to the right:
  // MTH = node(P_1, node(P_2, … node(P_k-1, P_k))). Fold from the right.
  std::uint64_t remaining = end - begin;
  std::uint64_t width = remaining & (~remaining + 1);  // lowest set bit
  Hash32 acc = perfect_subtree(end - width, width);
  for (end -= width, remaining -= width; remaining != 0; end -= width, remaining -= width) {
    width = remaining & (~remaining + 1);
    acc = node_hash(perfect_subtree(end - width, width), acc);
  }
  return acc;
}

Hash32 MerkleLog::root() const {
  return size() == 0 ? empty_root() : range_hash(0, size());
}

Expected<Hash32> MerkleLog::root_at(std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return make_error(Errc::invalid_argument,
                      "tree size " + str(tree_size) + " exceeds log size " + str(size()));
  }
  return tree_size == 0 ? empty_root() : range_hash(0, tree_size);
}

Expected<std::vector<Hash32>> MerkleLog::inclusion_proof(std::uint64_t index,
                                                         std::uint64_t tree_size) const {
  if (tree_size > size()) {
    return make_error(Errc::invalid_argument,
                      "tree size " + str(tree_size) + " exceeds log size " + str(size()));
  }
  if (index >= tree_size) {
    return make_error(Errc::invalid_argument,
                      "index " + str(index) + " out of bounds for tree of size " + str(tree_size));
  }
  // RFC 9162 §2.1.3.1, unrolled from the root down over D[begin:end]:
  //   index <  k: PATH(index, D[begin:end]) = PATH(index, D[begin:begin+k]) : MTH(D[begin+k:end])
  //   index >= k: PATH(index, D[begin:end]) = PATH(index, D[begin+k:end])   : MTH(D[begin:begin+k])
  // The siblings come out root first; the proof lists them leaf first.
  std::vector<Hash32> path;
  std::uint64_t begin = 0;
  std::uint64_t end = tree_size;
  while (end - begin > 1) {
    const std::uint64_t k = split_point(end - begin);
    if (index < begin + k) {
      path.push_back(range_hash(begin + k, end));
      end = begin + k;
    } else {
      path.push_back(range_hash(begin, begin + k));
      begin += k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Expected<std::vector<Hash32>> MerkleLog::consistency_proof(std::uint64_t old_size,
                                                           std::uint64_t new_size) const {
  if (new_size > size()) {
    return make_error(Errc::invalid_argument,
                      "tree size " + str(new_size) + " exceeds log size " + str(size()));
  }
  if (old_size > new_size) {
    return make_error(Errc::invalid_argument,
                      "old size " + str(old_size) + " exceeds new size " + str(new_size));
  }
  if (old_size == 0) {
    return make_error(Errc::invalid_argument,
                      "no consistency proof from the empty tree (docs/protocol.md §7.5)");
  }
  // RFC 9162 §2.1.4.1, PROOF(m, D[n]) = SUBPROOF(m, D[n], true), unrolled
  // from the root down over D[begin:end] with m = old_size - begin:
  //   m == n:  SUBPROOF = {} if b, else {MTH(D[begin:end])}
  //   m <= k:  SUBPROOF(m, D[begin:begin+k], b) : MTH(D[begin+k:end])
  //   m >  k:  SUBPROOF(m - k, D[begin+k:end], false) : MTH(D[begin:begin+k])
  // The hashes come out root first; the proof lists them leaf first.
  std::vector<Hash32> proof;
  std::uint64_t begin = 0;
  std::uint64_t end = new_size;
  bool b = true;  // "the old tree so far is the subtree itself": its root is known
  while (old_size != end) {
    const std::uint64_t k = split_point(end - begin);
    if (old_size - begin <= k) {
      proof.push_back(range_hash(begin + k, end));
      end = begin + k;
    } else {
      proof.push_back(range_hash(begin, begin + k));
      begin += k;
      b = false;
    }
  }
  if (!b)
    proof.push_back(range_hash(begin, end));
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// ------------------------------------------------------------- verification

Expected<Hash32> root_from_inclusion_proof(std::uint64_t index, std::uint64_t tree_size,
                                           const Hash32& leaf, std::span<const Hash32> proof) {
  // Step numbers are RFC 9162 §2.1.3.2's (docs/protocol.md §7.3 lists them).
  // Step 1: the leaf must be in the tree. Then senim's length check, which
  // makes a wrong-shape proof merkle_bad_proof rather than a root mismatch.
  if (index >= tree_size) {
    return bad_proof("index " + str(index) + " out of bounds for tree of size " + str(tree_size));
  }
  const std::uint64_t want = inclusion_proof_length(index, tree_size);
  if (proof.size() != want) {
    return bad_proof("inclusion proof for index " + str(index) + " in tree of size " +
                     str(tree_size) + " has " + str(proof.size()) + " hashes, want " + str(want));
  }
  std::uint64_t fn = index;          // step 2
  std::uint64_t sn = tree_size - 1;  //
  Hash32 r = leaf;                   // step 3
  for (const Hash32& p : proof) {    // step 4
    if (sn == 0) {                   // 4a (unreachable after the length check)
      return bad_proof("inclusion proof longer than the path");
    }
    if ((fn & 1) == 1 || fn == sn) {      // 4b
      r = node_hash(p, r);                //   r = H(0x01 ‖ p ‖ r)
      while ((fn & 1) == 0 && fn != 0) {  //   ii
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);  //   r = H(0x01 ‖ r ‖ p)
    }
    fn >>= 1;  // 4c
    sn >>= 1;
  }
  if (sn != 0) {  // step 5 (unreachable after the length check)
    return bad_proof("inclusion proof shorter than the path");
  }
  return r;
}

Status verify_inclusion(std::uint64_t index, std::uint64_t tree_size, const Hash32& leaf,
                        std::span<const Hash32> proof, const Hash32& root) {
  auto computed = root_from_inclusion_proof(index, tree_size, leaf, proof);
  if (!computed)
    return computed.error();
  if (*computed != root) {  // step 5: roots are public, plain comparison
    return make_error(Errc::merkle_root_mismatch,
                      root_mismatch_message(
                          "inclusion of index " + str(index) + " in tree of size " + str(tree_size),
                          *computed, root));
  }
  return Status::success();
}

Expected<ConsistencyRoots> roots_from_consistency_proof(std::uint64_t old_size,
                                                        std::uint64_t new_size,
                                                        const Hash32& power_of_two_prefix,
                                                        std::span<const Hash32> proof) {
  if (old_size == 0 || old_size >= new_size) {
    return bad_proof("consistency proof roots need 0 < old size < new size, not " + str(old_size) +
                     " and " + str(new_size));
  }
  // Step numbers below are RFC 9162 §2.1.4.2's (docs/protocol.md §7.4 lists
  // them). The length check also covers step 1 (an empty proof), as every
  // such proof has at least one hash.
  const std::uint64_t want = consistency_proof_length(old_size, new_size);
  if (proof.size() != want) {
    return bad_proof("consistency proof from size " + str(old_size) + " to " + str(new_size) +
                     " has " + str(proof.size()) + " hashes, want " + str(want));
  }
  // Step 2: if first is an exact power of 2, prepend first_hash.
  std::vector<Hash32> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size))
    path.push_back(power_of_two_prefix);
  path.insert(path.end(), proof.begin(), proof.end());

  std::uint64_t fn = old_size - 1;  // step 3
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {  // step 4
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = path[0];  // step 5
  Hash32 sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {  // step 6
    const Hash32& c = path[i];
    if (sn == 0) {  // 6a (unreachable after the length check)
      return bad_proof("consistency proof longer than the path");
    }
    if ((fn & 1) == 1 || fn == sn) {      // 6b
      fr = node_hash(c, fr);              //   fr = H(0x01 ‖ c ‖ fr)
      sr = node_hash(c, sr);              //   sr = H(0x01 ‖ c ‖ sr)
      while ((fn & 1) == 0 && fn != 0) {  //   iii
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);  //   sr = H(0x01 ‖ sr ‖ c)
    }
    fn >>= 1;  // 6c
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) {  // (unreachable after the length check)
    return bad_proof("consistency proof shorter than the path");
  }
  return ConsistencyRoots{fr, sr};
}

Status verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash32& old_root,
                          const Hash32& new_root, std::span<const Hash32> proof) {
  // §7.5 policy, outside RFC 9162 §2.1.4.2 (which assumes 0 < first < second).
  if (old_size == 0) {
    return bad_proof("consistency from the empty tree (old size 0) proves nothing");
  }
  if (old_size > new_size) {
    return bad_proof("old size " + str(old_size) + " exceeds new size " + str(new_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) {
      return bad_proof("consistency proof between equal sizes " + str(old_size) + " has " +
                       str(proof.size()) + " hashes, want 0");
    }
    if (old_root != new_root) {
      return make_error(Errc::merkle_root_mismatch,
                        "trees of equal size " + str(old_size) + " have different roots " +
                            to_hex(old_root) + " and " + to_hex(new_root));
    }
    return Status::success();
  }
  // 0 < old_size < new_size.
  auto roots = roots_from_consistency_proof(old_size, new_size, old_root, proof);
  if (!roots)
    return roots.error();
  const Hash32& fr = roots->old_root;
  const Hash32& sr = roots->new_root;
  if (fr != old_root) {
    return make_error(Errc::merkle_root_mismatch,
                      root_mismatch_message("old tree of size " + str(old_size), fr, old_root));
  }
  if (sr != new_root) {
    return make_error(Errc::merkle_root_mismatch,
                      root_mismatch_message("new tree of size " + str(new_size), sr, new_root));
  }
  return Status::success();
}

}  // namespace senim::crypto::merkle
