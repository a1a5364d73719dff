#include "verifier/ballot_batch.hpp"

#include "crypto/batch_verifier.hpp"
#include "protocol/tracking_code.hpp"

namespace senim::verifier {

std::vector<BallotOutcome> check_ballot_batch(const protocol::VotingParameters& params,
                                              const std::string& election_id,
                                              const std::vector<BallotTask>& tasks) {
  std::vector<BallotOutcome> out(tasks.size());
  std::vector<std::optional<protocol::DecodedBallot>> decoded(tasks.size());
  crypto::BatchVerifier batch;
  const std::size_t key_base = batch.add_shared_base(params.key.point);
  bool any_batched = false;

  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const protocol::ParsedEntry& e = tasks[i].parsed;
    BallotOutcome& o = out[i];
    o.signature = protocol::verify_entry_signature(e.entry);
    const ByteView signer = as_bytes(e.entry.signer());
    if (e.statement.has_challenge()) {
      const v1::ChallengedBallot& challenge = e.statement.challenge();
      o.tracking_code = protocol::tracking_code(as_bytes(challenge.ballot_statement()));
      auto opened = protocol::check_challenge(params, election_id, challenge, signer);
      o.opening = opened ? Status::success() : Status(opened.error());
      if (opened)
        o.opened_alphas = protocol::ciphertext_alphas(opened->ballot);
      continue;
    }
    const v1::Ballot& ballot = e.statement.ballot();
    o.tracking_code = protocol::tracking_code(as_bytes(e.entry.statement()));
    auto d = protocol::decode_ballot(params.shape, ballot);
    if (!d) {
      o.form = d.error();
      continue;
    }
    o.tally_vector = protocol::tally_vector(*d);
    o.form = protocol::check_ballot_binding(params, ballot, signer);
    // Proofs are checked even when the binding fails: check 12 asks whether the
    // proofs hold for the credential that signed the ballot.
    o.proofs = protocol::batch_ballot_proofs(batch, key_base, params, signer, *d);
    if (o.proofs->ok())
      any_batched = true;
    decoded[i] = std::move(*d);
  }

  if (any_batched && !batch.verify()) {
    // Some equation is false: find which ballots, one by one.
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (!decoded[i] || !out[i].proofs || !out[i].proofs->ok())
        continue;
      out[i].proofs = protocol::verify_ballot_proofs(
          params, as_bytes(tasks[i].parsed.entry.signer()), *decoded[i]);
    }
  }
  return out;
}

}  // namespace senim::verifier
