// Many ballots' proofs in one batch (docs/protocol.md §5.6): the board's
// intake of a group commit (§12.1). One engine with the verifier's
// (batch_ballot_proofs, crypto::BatchVerifier's items and bisection).
#pragma once

#include <vector>

#include "protocol/ballot.hpp"

namespace senim::protocol {

struct BallotProofsToCheck {
  ByteView credential;
  const DecodedBallot* ballot = nullptr;
};

// §9.3 step 3 for every ballot: verdicts[i] is exactly what
// verify_ballot_proofs answers for ballots[i], Errc and message (a failed
// batch is bisected to the ballots to check again alone). The credentials
// and ballots must outlive the call.
std::vector<Status> verify_ballots_proofs(const VotingParameters& params,
                                          const std::vector<BallotProofsToCheck>& ballots);

}  // namespace senim::protocol
