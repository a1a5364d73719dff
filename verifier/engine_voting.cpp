// Checks 4, 10–13 and 15 for the ballots and challenges of the voting
// period, applied in log order from the workers' outcomes; and check 15's
// rule that no cast ballot holds a challenged ciphertext.
#include <algorithm>

#include "verifier/engine.hpp"

namespace senim::verifier {
namespace {

std::string opened_by(std::size_t ciphertext, std::uint64_t challenge_leaf) {
  return "ciphertext " + std::to_string(ciphertext + 1) +
         " of this cast ballot was opened by the challenge at entry " +
         std::to_string(challenge_leaf) + ": its vote is public";
}

}  // namespace

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
  CredentialRecord* const cred = credentials_.find(signer);
  report_.item(Check::eligibility);
  if (cred == nullptr) {
    report_.fail(Check::eligibility, leaf,
                 protocol::with_article(protocol::body_name(e.statement)) + " signed by " +
                     to_hex(signer) + ", which is not on the credential list");
  }

  if (e.statement.has_challenge()) {
    report_.item(Check::challenges);
    if (!o.opening->ok())
      report_.fail(Check::challenges, leaf, "challenged ballot: " + o.opening->error().message);
    // §9.5: a challenge opens nothing an earlier one opened (the board
    // refuses it as a duplicate).
    for (std::size_t i = 0; i < o.opened_alphas.size(); ++i) {
      const auto [hit, fresh] = challenged_alphas_.emplace(o.opened_alphas[i], leaf);
      if (!fresh) {
        report_.fail(Check::challenges, leaf,
                     "ciphertext " + std::to_string(i + 1) +
                         " of the challenged ballot was already opened by the challenge at entry " +
                         std::to_string(hit->second));
        break;
      }
    }
    check_opened_not_cast(leaf, o.opened_alphas);
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
  if (cred == nullptr)
    return;  // no district: it cannot be counted anywhere
  check_cast_not_opened(leaf, e.statement.ballot());

  CredentialRecord& c = *cred;
  const std::uint32_t sequence = e.statement.ballot().sequence();
  report_.item(Check::no_duplicate_ballot);
  // §9.6: last < sequence ≤ max. A first ballot numbered 0 repeats nothing:
  // check 11 reports its number.
  if (c.voted() || sequence != 0) {
    const std::uint32_t last = c.voted() ? c.last_sequence() : 0;
    if (auto s = protocol::check_sequence(last, sequence, params_->shape.max_ballots); !s) {
      report_.fail(Check::no_duplicate_ballot, leaf,
                   s.error().message + " (credential " + to_hex(signer) + ")");
    }
  }
  c.set_voted();
  c.set_last_sequence(std::max(c.last_sequence(), sequence));
  if (o.tally_vector.empty())
    return;  // did not decode (check 11): nothing to add
  // The re-vote rule: in log order, each ballot supersedes the credential's previous one.
  if (const auto last_leaf = c.last_leaf())
    superseded_.emplace_back(*last_leaf, c.last_offset());
  c.set_last_leaf(leaf);
  c.set_last_offset(task.offset);
  all_ballots_->add(c.district(), o.tally_vector);
}

// §9.5: no cast ballot (of a listed credential, in the voting period, of
// this election) holds a ciphertext whose α a challenge opened, whichever
// came first. A record is judged at its end by one second pass: challenges
// are few, cast ballots many, so instead of remembering them the record is
// read a second time, keeping nothing per ballot (finish()). A live engine
// judges each cast ballot against the challenges before it, here, and each
// challenge against the ballots cast before it (check_opened_not_cast).
void Engine::check_cast_not_opened(std::uint64_t leaf, const v1::Ballot& ballot) {
  if (!cast_alphas_)
    return;
  const std::vector<Hash32> alphas = protocol::ciphertext_alphas(ballot);
  for (std::size_t i = 0; i < alphas.size(); ++i) {
    if (auto hit = challenged_alphas_.find(alphas[i]); hit != challenged_alphas_.end()) {
      report_.fail(Check::challenges, leaf, opened_by(i, hit->second));
      break;
    }
  }
  for (const Hash32& alpha : alphas)
    cast_alphas_->insert(alpha);
}

// Live: the ballots cast before the challenge at `leaf` that may hold what it
// opened are found in the record (rarely: only a fingerprint that matches)
// and reported at their own entries, as the second pass would.
void Engine::check_opened_not_cast(std::uint64_t leaf, const std::vector<Hash32>& opened) {
  if (!cast_alphas_)
    return;
  OpenedAlphas candidates;
  for (const Hash32& alpha : opened) {
    if (cast_alphas_->may_contain(alpha))
      candidates.emplace(alpha, leaf);
  }
  if (!candidates.empty())
    report_cast_ballots_holding(candidates, leaf);
}

void Engine::report_cast_ballots_holding(const OpenedAlphas& opened, std::uint64_t end_leaf) {
  if (opened.empty())
    return;
  auto reader = protocol::RecordReader::open(path_);
  if (!reader)
    return;  // check 1 reported it on the first pass
  std::uint64_t leaf = 0;
  for (;;) {
    auto frame = reader->next();
    if (!frame || !frame->has_value() || leaf >= end_leaf)
      return;
    if ((*frame)->kind != protocol::FrameKind::entry)
      continue;
    const std::uint64_t at = leaf++;
    if (at <= open_leaf_)
      continue;
    auto e = protocol::parse_entry((*frame)->payload);
    if (!e || !e->statement.has_ballot() || e->statement.election_id() != election_id_ ||
        !credentials_.contains(to_hash32(e->entry.signer()))) {
      continue;
    }
    const std::vector<Hash32> alphas = protocol::ciphertext_alphas(e->statement.ballot());
    for (std::size_t i = 0; i < alphas.size(); ++i) {
      if (auto hit = opened.find(alphas[i]); hit != opened.end()) {
        report_.fail(Check::challenges, at, opened_by(i, hit->second));
        break;
      }
    }
  }
}

}  // namespace senim::verifier
