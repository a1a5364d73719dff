// Checks 4, 10–13 and 15 for the ballots and challenges of the voting
// period, applied in log order from the workers' outcomes.
#include <algorithm>

#include "verifier/engine.hpp"

namespace senim::verifier {

void Engine::apply_ballot(const BallotTask& task, const BallotOutcome& o) {
  const protocol::ParsedEntry& e = task.parsed;
  const std::uint64_t leaf = task.leaf;
  report_.item(Check::entry_signatures);
  if (!o.signature)
    report_.fail(Check::entry_signatures, leaf, o.signature.error().message);
  report_.item(Check::roles_and_phases);
  if (e.statement.election_id() != election_id_) {
    report_.fail(Check::roles_and_phases, leaf,
                 protocol::with_article(protocol::body_name(e.statement)) + " for election \"" +
                     e.statement.election_id() + "\"");
    return;
  }
  const Hash32 signer = to_hash32(e.entry.signer());
  auto cred = credentials_.find(signer);
  report_.item(Check::eligibility);
  if (cred == credentials_.end()) {
    report_.fail(Check::eligibility, leaf,
                 protocol::with_article(protocol::body_name(e.statement)) + " signed by " +
                     to_hex(signer) + ", which is not on the credential list");
  }

  if (e.statement.has_challenge()) {
    report_.item(Check::challenges);
    if (!o.opening->ok()) {
      report_.fail(Check::challenges, leaf, "challenged ballot: " + o.opening->error().message);
    } else {
      challenged_.insert(o.tracking_code);
    }
    return;
  }

  ++report_.ballots;
  report_.item(Check::ballot_form);
  if (!o.form)
    report_.fail(Check::ballot_form, leaf, o.form.error().message);
  if (o.proofs) {
    report_.item(Check::ballot_proofs);
    if (!o.proofs->ok())
      report_.fail(Check::ballot_proofs, leaf, o.proofs->error().message);
  }
  if (cred == credentials_.end())
    return;  // no district: it cannot be counted anywhere

  CredentialRecord& c = cred->second;
  const std::uint32_t sequence = e.statement.ballot().sequence();
  report_.item(Check::no_duplicate_ballot);
  // A first ballot numbered 0 repeats nothing: check 11 reports its number.
  if (c.voted && sequence <= c.last_sequence) {
    report_.fail(Check::no_duplicate_ballot, leaf,
                 "ballot sequence " + std::to_string(sequence) + " does not rise above " +
                     std::to_string(c.last_sequence) + " for credential " + to_hex(signer) +
                     ": a repeated or replayed ballot");
  }
  c.voted = true;
  c.last_sequence = std::max(c.last_sequence, sequence);
  if (o.tally_vector.empty())
    return;  // did not decode (check 11): nothing to add
  // The re-vote rule: in log order, each ballot supersedes the credential's previous one.
  if (c.last_leaf)
    superseded_.emplace_back(*c.last_leaf, c.last_offset);
  c.last_leaf = leaf;
  c.last_offset = task.offset;
  c.last_code = o.tracking_code;
  all_ballots_->add(c.district, o.tally_vector);
}

}  // namespace senim::verifier
