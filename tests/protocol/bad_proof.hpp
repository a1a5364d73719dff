// A ballot with one bad proof, for the tests of batched proof checking
// (docs/protocol.md §5.6, §12.1): the board's and the state machine's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/entry.hpp"
#include "sim/election_builder.hpp"

namespace senim::test {

// Where, in a range proof's branch 0 (A ‖ B ‖ c ‖ v, §5.4), a flipped low
// bit breaks what: the challenge sum, found while a batch is assembled, or
// the response, found only by the batch's MSM and its bisection. (Low
// bytes: the scalar stays canonical.)
constexpr std::size_t kChallengeByte = 64;
constexpr std::size_t kResponseByte = 96;

// Voter v's ballot `entry` with one bit of its first selection proof flipped
// at `byte`, signed again by the voter.
inline Bytes with_bad_proof(const sim::ElectionBuilder& b, std::uint32_t v, const Bytes& entry,
                            std::size_t byte) {
  v1::Statement st = protocol::parse_entry(entry)->statement;
  std::string* proof = st.mutable_ballot()->mutable_contests(0)->mutable_selection_proofs(0);
  (*proof)[byte] = static_cast<char>((*proof)[byte] ^ 0x01);
  return protocol::make_entry(b.voter_key(v), st);
}

}  // namespace senim::test
