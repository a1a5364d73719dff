// An order-independent digest of (key, leaf index) pairs, so that a look-up
// structure the board decides by (SQLite's indexes) can be compared with
// the leaves it indexes in one pass over each, without sorting or holding
// either in memory: the sum, mod 2^256, of SHA-256(key ‖ u64_be(index)) over
// the pairs, and their count. Two different multisets of pairs give
// different digests except with negligible probability (a sum of random
// 256-bit values), which is what detecting damage needs; it is not meant to
// resist someone who can write the database (they can write the leaves too).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"

namespace senim::server {

class PairDigest {
 public:
  void add(ByteView key, std::uint64_t index);
  bool operator==(const PairDigest&) const = default;
  std::uint64_t count() const { return count_; }
  // "<count> pairs, digest <hex>", for error messages.
  std::string describe() const;

 private:
  std::array<std::uint64_t, 4> sum_{};  // little-endian limbs
  std::uint64_t count_ = 0;
};

// What the board's look-ups must agree with: every (tracking code, leaf) of
// a ballot or challenge, every (leaf hash, leaf), every (first 8 bytes
// of a cast ciphertext's α, leaf) of a ballot (docs/protocol.md §9.5), and
// every (credential key, leaf) of a credential list (§11.6).
struct LookupDigests {
  PairDigest by_tracking_code;
  PairDigest by_leaf_hash;
  PairDigest by_alpha;
  PairDigest by_credential;
};

}  // namespace senim::server
