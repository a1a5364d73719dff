// Checks a batch of consecutive ballots and challenges on a worker thread
// (checks 4, 11, 12 and the opening part of 15): everything about a ballot
// that does not depend on the ballots before it. Proof equations of the
// whole batch are verified together (docs/protocol.md §5.6), with every
// entry's credential signature (§11.1.2), one entry per batch item; only
// when that fails is the batch bisected to the entries whose equations are
// false, and those are re-checked one by one to name the signature or proof.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "crypto/elgamal.hpp"
#include "protocol/ballot.hpp"
#include "protocol/entry.hpp"
#include "protocol/voting_parameters.hpp"

namespace senim::verifier {

struct BallotTask {
  std::uint64_t leaf = 0;
  std::uint64_t offset = 0;  // of its frame in the record
  protocol::ParsedEntry parsed;
};

struct BallotOutcome {
  Status signature;                              // check 4
  Status form;                                   // check 11 (ballots)
  std::optional<Status> proofs;                  // check 12, when the form allowed checking
  std::vector<crypto::Ciphertext> tally_vector;  // when the ballot decoded
  Hash32 tracking_code{};                        // of the ballot, or of the challenged ballot
  std::optional<Status> opening;                 // check 15 (challenges)
  std::vector<Hash32> opened_alphas;             // a valid challenge: every α it opened (§9.5)
};

std::vector<BallotOutcome> check_ballot_batch(const protocol::VotingParameters& params,
                                              const std::string& election_id,
                                              const std::vector<BallotTask>& tasks);

}  // namespace senim::verifier
