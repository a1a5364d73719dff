#include "verifier/ballot_batch.hpp"

#include "crypto/batch_verifier.hpp"
#include "protocol/tracking_code.hpp"

namespace senim::verifier {
namespace {

// Checks 11 and 12 for a cast ballot: its form now, and its proofs'
// equations deferred to `batch`.
void check_ballot(const protocol::VotingParameters& params, const protocol::ParsedEntry& e,
                  crypto::BatchVerifier& batch, std::size_t key_base, BallotOutcome& o) {
  const v1::Ballot& ballot = e.statement.ballot();
  o.tracking_code = protocol::tracking_code(as_bytes(e.entry.statement()));
  auto d = protocol::decode_ballot(params.shape, ballot);
  if (!d) {
    o.form = d.error();
    return;
  }
  const ByteView signer = as_bytes(e.entry.signer());
  o.tally_vector = protocol::tally_vector(*d);
  o.form = protocol::check_ballot_binding(params, ballot, signer);
  // Proofs are checked even when the binding fails: check 12 asks whether the
  // proofs hold for the credential that signed the ballot.
  o.proofs = protocol::batch_ballot_proofs(batch, key_base, params, signer, *d);
}

// After a failed batch: the one-by-one verdict of a ballot the bisection
// named, which says which proof and equation are false (§5.6).
Status check_proofs_alone(const protocol::VotingParameters& params,
                          const protocol::ParsedEntry& e) {
  auto d = protocol::decode_ballot(params.shape, e.statement.ballot());
  if (!d)
    return d.error();  // not reached: it decoded the first time
  return protocol::verify_ballot_proofs(params, as_bytes(e.entry.signer()), *d);
}

}  // namespace

std::vector<BallotOutcome> check_ballot_batch(const protocol::VotingParameters& params,
                                              const std::string& election_id,
                                              const std::vector<BallotTask>& tasks) {
  std::vector<BallotOutcome> out(tasks.size());
  crypto::BatchVerifier batch;
  const std::size_t key_base = batch.add_shared_base(params.key.point);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const protocol::ParsedEntry& e = tasks[i].parsed;
    BallotOutcome& o = out[i];
    batch.begin_item();  // item i: task i's equations
    // Check 4: a credential's signature (§11.1.2), its equation in the batch.
    o.signature = protocol::batch_entry_signature(batch, e);
    if (e.statement.has_challenge()) {
      const v1::ChallengedBallot& challenge = e.statement.challenge();
      o.tracking_code = protocol::tracking_code(as_bytes(challenge.ballot_statement()));
      auto opened =
          protocol::check_challenge(params, election_id, challenge, as_bytes(e.entry.signer()));
      o.opening = opened ? Status::success() : Status(opened.error());
      if (opened)
        o.opened_alphas = protocol::ciphertext_alphas(opened->ballot);
      continue;
    }
    check_ballot(params, e, batch, key_base, o);
  }
  if (batch.verify())
    return out;
  // Some equation is false: bisect to the entries that hold one, and check
  // again alone what the batch took on trust: the signature, the proofs.
  for (const std::size_t i : batch.failing_items()) {
    if (out[i].signature.ok())
      out[i].signature = protocol::verify_entry_signature(tasks[i].parsed);
    if (out[i].proofs && out[i].proofs->ok())
      out[i].proofs = check_proofs_alone(params, tasks[i].parsed);
  }
  return out;
}

}  // namespace senim::verifier
