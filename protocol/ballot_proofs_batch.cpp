#include "protocol/ballot_proofs_batch.hpp"

#include "crypto/batch_verifier.hpp"

namespace senim::protocol {

// docs/protocol.md §9.3 step 3 for many ballots, batched as §5.6 allows:
// one ballot per batch item, one MSM for all of them. Only a ballot the
// bisection names (or whose proofs could not even be opened) is checked
// again alone, so that its verdict is the one-by-one verdict, to the Errc
// and the message: batching changes the cost, never the answer.
std::vector<Status> verify_ballots_proofs(const VotingParameters& params,
                                          const std::vector<BallotProofsToCheck>& ballots) {
  std::vector<Status> verdicts(ballots.size(), Status::success());
  crypto::BatchVerifier batch;
  const std::size_t key_base = batch.add_shared_base(params.key.point);
  std::vector<bool> alone(ballots.size(), false);  // re-check it one by one
  for (std::size_t i = 0; i < ballots.size(); ++i) {
    batch.begin_item();  // item i: ballot i
    alone[i] =
        !batch_ballot_proofs(batch, key_base, params, ballots[i].credential, *ballots[i].ballot)
             .ok();
  }
  if (!batch.verify()) {
    for (const std::size_t i : batch.failing_items())
      alone[i] = true;
  }
  for (std::size_t i = 0; i < ballots.size(); ++i) {
    if (alone[i])
      verdicts[i] = verify_ballot_proofs(params, ballots[i].credential, *ballots[i].ballot);
  }
  return verdicts;
}

}  // namespace senim::protocol
