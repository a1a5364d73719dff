// The encrypted tally: homomorphic aggregation of the counted ballots per
// district, in tally order (docs/protocol.md §10.1).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/elgamal.hpp"
#include "proto/tally.pb.h"
#include "protocol/ballot.hpp"
#include "protocol/manifest_rules.hpp"

namespace senim::protocol {

class TallyAccumulator {
 public:
  explicit TallyAccumulator(const ElectionShape& shape);

  // Adds (or removes, for a superseded ballot) one ballot's tally vector.
  void add(std::size_t district, const std::vector<crypto::Ciphertext>& ballot);
  void subtract(std::size_t district, const std::vector<crypto::Ciphertext>& ballot);

  // Adds or removes every ballot another accumulator holds (same shape).
  void add_all(const TallyAccumulator& other);
  void subtract_all(const TallyAccumulator& other);

  std::uint64_t ballots_counted(std::size_t district) const { return counted_[district]; }
  const std::vector<crypto::Ciphertext>& district(std::size_t d) const { return sums_[d]; }
  // §10.1: the EncryptedTally message (encodes every ciphertext).
  v1::EncryptedTally to_message() const;
  // Replaces the sums and counts with those of a saved to_message() (a
  // verifier resuming from a snapshot, verifier/snapshot.hpp). Errors: those
  // of decode_tally; on error nothing changes.
  Status restore(const v1::EncryptedTally& saved);

 private:
  const ElectionShape& shape_;
  std::vector<std::vector<crypto::Ciphertext>> sums_;  // [district][tally position]
  std::vector<std::uint64_t> counted_;
};

struct DecodedTally {
  std::vector<std::uint64_t> ballots_counted;        // per district
  std::vector<std::vector<DecodedCiphertext>> sums;  // [district][tally position]
};

// Checks the shape (districts in manifest order, widths) and decodes.
Expected<DecodedTally> decode_tally(const ElectionShape& shape, const v1::EncryptedTally& tally);

// §10.1: SHA-256(LP("senim/v1/superseded") ‖ u64_be(l_1) ‖ … ‖ u64_be(l_m))
// over the superseded ballots' leaf indices in ascending order (any order in).
Hash32 superseded_hash(std::vector<std::uint64_t> leaves);
// Writes superseded_count and superseded_hash of `leaves` into `tally`.
void set_superseded(v1::EncryptedTally& tally, const std::vector<std::uint64_t>& leaves);
// Does `tally` commit to exactly `leaves` (count, then hash)? equation_failed otherwise.
Status check_superseded(const v1::EncryptedTally& tally, const std::vector<std::uint64_t>& leaves);

// Do the two agree exactly (counts and every ciphertext)? A mismatch names
// the first differing district and position.
Status compare_tally(const ElectionShape& shape, const TallyAccumulator& expected,
                     const DecodedTally& published);

}  // namespace senim::protocol
