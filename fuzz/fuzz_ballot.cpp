// Fuzz target: arbitrary bytes as a ballot statement and as a challenge,
// checked against a real open election (the worked example's shape and key).
// Must never crash, hang or leak: every path ends in a typed error or success.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_election.hpp"
#include "protocol/ballot.hpp"
#include "protocol/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& e = senim::fuzz::election();
  const senim::ByteView bytes(data, size);
  // As a whole board entry: parse, signature, and (if it got that far) proofs.
  (void)e.state.precheck(bytes);
  // As a bare Ballot message, skipping the signature so the decoders and
  // proof verifiers see the bytes.
  senim::v1::Ballot ballot;
  if (ballot.ParseFromArray(data, static_cast<int>(size))) {
    auto decoded = senim::protocol::decode_ballot(e.params->shape, ballot);
    if (decoded) {
      (void)senim::protocol::verify_ballot_proofs(*e.params, senim::as_bytes(ballot.credential()),
                                                  *decoded);
    }
  }
  senim::v1::ChallengedBallot challenge;
  if (challenge.ParseFromArray(data, static_cast<int>(size))) {
    (void)senim::protocol::check_challenge(*e.params, e.params->shape.election_id, challenge,
                                           e.voter);
  }
  return 0;
}
