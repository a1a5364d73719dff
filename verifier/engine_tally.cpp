// Checks 14–18: the close, the re-vote rule, the encrypted tally, the partial
// decryptions and the result; and what can only be judged at the end.
#include <algorithm>
#include <thread>

#include "protocol/decryption.hpp"
#include "verifier/engine.hpp"

namespace senim::verifier {

void Engine::on_close(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::voting}))
    return;
  if (!expect_authority(leaf, e))
    return;
  stage_ = Stage::closed;
  close_leaf_ = leaf;
}

void Engine::on_tally(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::closed}))
    return;
  if (!expect_authority(leaf, e))
    return;
  stage_ = Stage::tallied;
  if (!params_)
    return;  // no usable open: reported by check 8
  const v1::EncryptedTally& tally = e.statement.tally();
  check_revote_rule(leaf, tally);
  auto decoded = protocol::decode_tally(params_->shape, tally);
  if (!decoded) {
    report_.item(Check::aggregate);
    report_.fail(Check::aggregate, leaf, decoded.error().message);
    return;
  }
  tally_ = std::move(*decoded);
  tally_flat_ = protocol::flatten(*tally_);
  check_aggregate(leaf);
}

// Check 14: the tally commits to exactly the ballots the re-vote rule
// supersedes (§10.1: their number and the hash of their leaves).
void Engine::check_revote_rule(std::uint64_t leaf, const v1::EncryptedTally& tally) {
  const std::vector<std::uint64_t> ours = superseded_leaves();
  report_.item(Check::revote_rule, std::max<std::uint64_t>(ours.size(), 1));
  if (auto s = protocol::check_superseded(tally, ours); !s) {
    std::string which;
    for (std::size_t i = 0; i < ours.size() && i < 10; ++i)
      which += (i == 0 ? " (entries " : ", ") + std::to_string(ours[i]);
    report_.fail(
        Check::revote_rule, leaf,
        s.error().message + (ours.empty() ? "" : which + (ours.size() > 10 ? ", …)" : ")")));
  }
}

std::optional<Engine::LoadedBallot> Engine::counted_ballot(std::uint64_t leaf,
                                                           const Bytes& payload) const {
  // Only what apply_ballot() added: a voting-period ballot for this
  // election, of a listed credential, that decodes. (Anything else was
  // never added, and subtracting it would corrupt the sums.)
  if (leaf <= open_leaf_ || leaf >= close_leaf_)
    return std::nullopt;
  auto parsed = protocol::parse_entry(payload);
  if (!parsed || !parsed->statement.has_ballot() ||
      parsed->statement.election_id() != election_id_) {
    return std::nullopt;
  }
  const CredentialRecord* const cred = credentials_.find(to_hash32(parsed->entry.signer()));
  if (cred == nullptr)
    return std::nullopt;
  auto decoded = protocol::decode_ballot(params_->shape, parsed->statement.ballot());
  if (!decoded)
    return std::nullopt;
  return LoadedBallot{cred->district(), protocol::tally_vector(*decoded)};
}

protocol::TallyAccumulator Engine::sum_superseded() const {
  // Our superseded ballots: read back by offset, decoded on every core, each
  // thread summing into its own accumulator. Nothing is held per ballot.
  protocol::TallyAccumulator sum(params_->shape);
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  std::vector<protocol::TallyAccumulator> parts(threads,
                                                protocol::TallyAccumulator(params_->shape));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto reader = protocol::RecordReader::open(path_);
      if (!reader)
        return;
      for (std::size_t i = t; i < superseded_.size(); i += threads) {
        const auto& [leaf, offset] = superseded_[i];
        auto frame = reader->read_at(offset);
        if (!frame)
          continue;
        if (auto b = counted_ballot(leaf, frame->payload))
          parts[t].add(b->district, b->tally_vector);
      }
    });
  }
  for (auto& th : pool)
    th.join();
  for (const auto& part : parts)
    sum.add_all(part);
  return sum;
}

// Counted = every ballot added during voting, minus those the re-vote rule
// superseded.
protocol::TallyAccumulator Engine::counted_sums() const {
  protocol::TallyAccumulator counted = *all_ballots_;
  counted.subtract_all(sum_superseded());
  return counted;
}

std::optional<v1::EncryptedTally> Engine::counted_tally() const {
  if (stage_ != Stage::closed || !params_)
    return std::nullopt;
  v1::EncryptedTally tally = counted_sums().to_message();
  protocol::set_superseded(tally, superseded_leaves());
  return tally;
}

std::vector<std::uint64_t> Engine::superseded_leaves() const {
  std::vector<std::uint64_t> leaves;
  leaves.reserve(superseded_.size());
  for (const auto& [leaf, offset] : superseded_)
    leaves.push_back(leaf);
  return leaves;
}

void Engine::check_aggregate(std::uint64_t leaf) {
  report_.item(Check::aggregate, params_->shape.districts.size() * params_->shape.tally_width());
  // (Whether the tally says the same about the superseded ballots is check 14.)
  const protocol::TallyAccumulator expected = counted_sums();
  if (auto s = protocol::compare_tally(params_->shape, expected, *tally_); !s) {
    report_.fail(Check::aggregate, leaf, s.error().message);
  }
}

void Engine::on_partial(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::tallied}))
    return;
  const v1::PartialDecryption& partial = e.statement.partial();
  const auto t = expect_trustee(leaf, e, partial.trustee());
  if (!t)
    return;
  if (std::find(partial_trustees_.begin(), partial_trustees_.end(), *t) !=
      partial_trustees_.end()) {
    report_.fail(Check::roles_and_phases, leaf,
                 "trustee " + std::to_string(*t) + " decrypted twice");
    return;
  }
  report_.item(Check::partial_decryptions);
  if (!tally_ || trustee_keys_.size() < *t) {
    report_.fail(Check::partial_decryptions, leaf,
                 "there is no valid tally and key to check it against");
    return;
  }
  auto checked =
      protocol::check_partial(params_->base_hash, partial, trustee_keys_[*t - 1], tally_flat_);
  if (!checked) {
    report_.fail(Check::partial_decryptions, leaf, checked.error().message);
    return;
  }
  partials_.push_back(std::move(*checked));
  partial_trustees_.push_back(*t);
}

void Engine::on_result(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::tallied}))
    return;
  if (!expect_authority(leaf, e))
    return;
  stage_ = Stage::finished;
  result_seen_ = true;
  if (!tally_) {
    report_.item(Check::result);
    report_.fail(Check::result, leaf, "there is no valid tally to decrypt");
    return;
  }
  report_.item(Check::result, (params_->shape.districts.size() + 1) * params_->shape.tally_width());
  auto expected =
      protocol::combine_result(params_->shape, config_->ceremony.threshold, *tally_, partials_);
  if (!expected) {
    report_.fail(Check::result, leaf, expected.error().message);
    return;
  }
  if (auto s = protocol::compare_result(params_->shape, *expected, e.statement.result()); !s) {
    report_.fail(Check::result, leaf, s.error().message);
    return;
  }
  report_.verified_result = e.statement.result();
}

void Engine::finish() {
  // A record that never opens voting still has its repeated credentials reported.
  seal_credentials();
  if (!config_) {
    report_.item(Check::setup);
    report_.fail(Check::setup, std::nullopt, "the record has no election set-up");
  }
  // A challenged ballot is never cast, let alone counted (§9.5): for a
  // record, the second pass; a live engine judged it entry by entry.
  if (!cast_alphas_)
    report_cast_ballots_holding(challenged_alphas_, close_leaf_);
  // Why a check had nothing to do (the first reason given is kept).
  auto ends = [this](const char* otherwise) -> std::string {
    return stage_ == Stage::ceremony_failed ? "the key ceremony failed" : otherwise;
  };
  report_.skip(Check::trustee_ceremony, ends("no trustee message was posted"));
  report_.skip(Check::joint_key, ends("no joint key was derived or announced"));
  report_.skip(Check::credential_list, ends("no credential list was posted"));
  if (stage_ < Stage::tallied) {
    for (Check c : {Check::revote_rule, Check::aggregate, Check::partial_decryptions})
      report_.skip(c, ends("the record ends before the tally"));
  }
  report_.skip(Check::partial_decryptions, ends("no partial decryption was posted"));
  if (!result_seen_)
    report_.skip(Check::result, ends("the record ends before the result"));
  if (stage_ < Stage::voting) {
    for (Check c : {Check::eligibility, Check::ballot_form, Check::ballot_proofs,
                    Check::no_duplicate_ballot, Check::challenges}) {
      report_.skip(c, ends("the record ends before voting"));
    }
  }
  if (report_.result(Check::challenges).items == 0)
    report_.skip(Check::challenges, "no ballot was challenged");
  if (report_.result(Check::ballot_form).items == 0) {
    for (Check c : {Check::eligibility, Check::ballot_form, Check::ballot_proofs,
                    Check::no_duplicate_ballot}) {
      report_.skip(c, "no ballots were cast");
    }
  }
  // The turnout's denominators, for the report's table (formatting only):
  // counted here, from the credential table a resumed engine restores too.
  if (report_.verified_result && params_)
    report_.district_credentials = credentials_per_district();
}

std::vector<std::uint64_t> Engine::credentials_per_district() const {
  if (!params_)
    return {};
  std::vector<std::uint64_t> counts(params_->shape.districts.size(), 0);
  credentials_.for_each([&](const Hash32&, const CredentialRecord& record, std::uint32_t) {
    if (record.district() < counts.size())
      ++counts[record.district()];
  });
  return counts;
}

}  // namespace senim::verifier
