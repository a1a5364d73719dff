#include "protocol/election_state.hpp"

#include <algorithm>
#include <cstring>

#include "protocol/ballot_proofs_batch.hpp"
#include "protocol/ceremony_keys.hpp"
#include "protocol/decryption.hpp"
#include "protocol/tracking_code.hpp"

namespace senim::protocol {
namespace {

Error rejected(Errc code, const std::string& what) {
  return make_error(code, what);
}

}  // namespace

std::string phase_name(Phase phase) {
  switch (phase) {
    case Phase::empty:
      return "empty";
    case Phase::ceremony:
      return "ceremony";
    case Phase::ceremony_failed:
      return "ceremony-failed";
    case Phase::voting:
      return "voting";
    case Phase::closed:
      return "closed";
    case Phase::decrypting:
      return "decrypting";
    case Phase::finished:
      return "finished";
  }
  return "unknown";
}

std::size_t Hash32Hasher::operator()(const Hash32& h) const {
  std::size_t out = 0;
  std::memcpy(&out, h.data(), sizeof out);
  return out;
}

ElectionState::ElectionState(LeafLoader load_leaf, CastAlphaFinder find_cast_alpha)
    : load_leaf_(std::move(load_leaf)), find_cast_alpha_(std::move(find_cast_alpha)) {}

std::shared_ptr<const VotingParameters> ElectionState::parameters() const {
  const std::lock_guard lock(parameters_mutex_);
  return parameters_;
}

std::optional<std::uint32_t> ElectionState::last_sequence(const PublicKey& credential) const {
  auto it = credentials_.find(credential);
  if (it == credentials_.end())
    return std::nullopt;
  return it->second.last_sequence;
}

std::optional<std::size_t> ElectionState::district_of(const PublicKey& credential) const {
  auto it = credentials_.find(credential);
  if (it == credentials_.end())
    return std::nullopt;
  return it->second.district;
}

Expected<ElectionState::Prechecked> ElectionState::precheck(ByteView entry_bytes) const {
  auto parsed = parse_entry(entry_bytes);
  if (!parsed)
    return parsed.error();
  return verify(std::move(*parsed), entry_bytes);
}

// §12 admission order, steps 4 and 5: the signature, then (ballots and
// challenges) decoding and proofs.
Expected<ElectionState::Prechecked> ElectionState::verify(ParsedEntry parsed, ByteView entry_bytes,
                                                          ProofCheck proofs) const {
  if (auto s = verify_entry_signature(parsed); !s)
    return s.error();
  Prechecked out;
  out.bytes.assign(entry_bytes.begin(), entry_bytes.end());
  out.parsed = std::move(parsed);
  const v1::Statement& st = out.parsed.statement;
  if (!st.has_ballot() && !st.has_challenge())
    return out;
  const auto params = parameters();
  if (!params)
    return rejected(Errc::wrong_phase, "voting is not open");
  const ByteView signer = as_bytes(out.parsed.entry.signer());
  if (st.has_ballot()) {
    auto decoded = decode_ballot(params->shape, st.ballot());
    if (!decoded)
      return decoded.error();
    if (proofs == ProofCheck::deferred) {
      out.proofs_pending = true;
    } else if (auto s = verify_ballot_proofs(*params, signer, *decoded); !s) {
      return s.error();
    }
    out.ballot = std::move(*decoded);
    out.tracking_code = tracking_code(as_bytes(out.parsed.entry.statement()));
    out.alphas = ciphertext_alphas(st.ballot());
  } else {
    auto opened = check_challenge(*params, params->shape.election_id, st.challenge(), signer);
    if (!opened)
      return opened.error();
    out.opened = std::move(opened->choices);
    out.tracking_code = tracking_code(as_bytes(st.challenge().ballot_statement()));
    out.alphas = ciphertext_alphas(opened->ballot);
  }
  return out;
}

// §12.1: step 5's proofs for the ballots of one group commit, batched.
std::vector<Status> ElectionState::verify_pending_proofs(std::vector<Prechecked>& entries) const {
  std::vector<Status> verdicts(entries.size(), Status::success());
  std::vector<std::size_t> pending;
  std::vector<BallotProofsToCheck> ballots;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].proofs_pending)
      continue;
    pending.push_back(i);
    ballots.push_back({as_bytes(entries[i].parsed.entry.signer()), &*entries[i].ballot});
  }
  if (pending.empty())
    return verdicts;
  // Set by admit_open before any ballot can be prechecked, never unset.
  const auto params = parameters();
  const std::vector<Status> checked = verify_ballots_proofs(*params, ballots);
  for (std::size_t k = 0; k < pending.size(); ++k) {
    verdicts[pending[k]] = checked[k];
    if (checked[k])
      entries[pending[k]].proofs_pending = false;
  }
  return verdicts;
}

Status ElectionState::apply(ByteView entry_bytes, std::uint64_t leaf) {
  auto pre = precheck(entry_bytes);
  if (!pre)
    return pre.error();
  return admit(*pre, leaf);
}

// §12 admission order, step 3: what can be refused from the state without a
// signature or a proof. Every rule here is re-run by admit().
Status ElectionState::preadmit(const ParsedEntry& e) const {
  const std::shared_lock lock(mutex_);
  return preadmit_locked(e);
}

Status ElectionState::preadmit_locked(const ParsedEntry& e) const {
  const v1::Statement& st = e.statement;
  if (config_ && st.election_id() != config_->election_id()) {
    return rejected(Errc::invalid_argument, "entry is for election \"" + st.election_id() +
                                                "\", this board holds \"" + config_->election_id() +
                                                "\"");
  }
  switch (st.body_case()) {
    case v1::Statement::kSetup:
      return require_phase(e, {Phase::empty});
    case v1::Statement::kDeal:
    case v1::Statement::kReady:
    case v1::Statement::kComplaint:
    case v1::Statement::kPartial:
      return preadmit_trustee_message(e);
    case v1::Statement::kCredentials:
    case v1::Statement::kOpen:
      return require_authority_in(e, Phase::ceremony);
    case v1::Statement::kBallot:
    case v1::Statement::kChallenge:
      return preadmit_ballot(e);
    case v1::Statement::kClose:
      return require_authority_in(e, Phase::voting);
    case v1::Statement::kTally:
      return require_authority_in(e, Phase::closed);
    case v1::Statement::kResult:
      return require_authority_in(e, Phase::decrypting);
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  return rejected(Errc::invalid_argument, "statement has no body");
}

// Ballots and challenges: voting is open, the signer is listed, and a
// ballot's binding (§9.3 step 2) and sequence (§9.6) are right.
Status ElectionState::preadmit_ballot(const ParsedEntry& e) const {
  if (auto s = require_phase(e, {Phase::voting}); !s)
    return s;
  auto it = credentials_.find(to_hash32(e.entry.signer()));
  if (it == credentials_.end()) {
    return rejected(Errc::not_authorized, "credential " + to_hex(as_bytes(e.entry.signer())) +
                                              " is not on the credential list");
  }
  if (!e.statement.has_ballot())
    return Status::success();
  const v1::Ballot& ballot = e.statement.ballot();
  if (auto s = check_ballot_binding(*parameters_, ballot, as_bytes(e.entry.signer())); !s)
    return s;
  return check_sequence(it->second.last_sequence, ballot.sequence(),
                        parameters_->shape.max_ballots);
}

// Deals, ready messages, complaints and partial decryptions: the phase, the
// trustee who signed is the one named, and it has not sent this already.
Status ElectionState::preadmit_trustee_message(const ParsedEntry& e) const {
  const v1::Statement& st = e.statement;
  const bool partial = st.has_partial();
  if (auto s = require_phase(e, {partial ? Phase::decrypting : Phase::ceremony}); !s)
    return s;
  const std::uint32_t claimed = st.has_deal()    ? st.deal().trustee()
                                : st.has_ready() ? st.ready().trustee()
                                : partial        ? st.partial().trustee()
                                                 : st.complaint().trustee();
  auto t = require_trustee(e, claimed);
  if (!t)
    return t.error();
  const std::string who = "trustee " + std::to_string(*t);
  if (st.has_deal() && deals_[*t - 1])
    return rejected(Errc::duplicate, who + " has already dealt");
  if (st.has_ready() && !joint_key_)
    return rejected(Errc::invalid_argument, "not every trustee has dealt yet");
  if (st.has_ready() && ready_[*t - 1])
    return rejected(Errc::duplicate, who + " is already ready");
  if (partial && std::find(partial_trustees_.begin(), partial_trustees_.end(), *t) !=
                     partial_trustees_.end()) {
    return rejected(Errc::duplicate, who + " has already decrypted");
  }
  return Status::success();
}

Status ElectionState::admit(const Prechecked& e, std::uint64_t leaf) {
  if (e.proofs_pending) {
    return rejected(Errc::invalid_argument,
                    "the ballot's proofs have not been checked: verify_pending_proofs first");
  }
  const std::unique_lock lock(mutex_);
  if (auto s = preadmit_locked(e.parsed); !s)
    return s;
  const Phase before = phase_;
  auto admitted = admit_body(e, leaf);
  if (admitted && phase_ != before)
    timeline_.push_back({phase_, leaf});
  return admitted;
}

Status ElectionState::admit_body(const Prechecked& e, std::uint64_t leaf) {
  switch (e.parsed.statement.body_case()) {
    case v1::Statement::kSetup:
      return admit_setup(e);
    case v1::Statement::kDeal:
      return admit_deal(e);
    case v1::Statement::kReady:
      return admit_ready(e);
    case v1::Statement::kComplaint:
      return admit_complaint(e);
    case v1::Statement::kCredentials:
      return admit_credentials(e);
    case v1::Statement::kOpen:
      return admit_open(e);
    case v1::Statement::kBallot:
      return admit_ballot(e, leaf);
    case v1::Statement::kChallenge:
      return admit_challenge(e, leaf);
    case v1::Statement::kClose:
      phase_ = Phase::closed;
      return Status::success();
    case v1::Statement::kTally:
      return admit_tally(e);
    case v1::Statement::kPartial:
      return admit_partial(e);
    case v1::Statement::kResult:
      return admit_result(e);
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  return rejected(Errc::invalid_argument, "statement has no body");
}

Status ElectionState::require_phase(const ParsedEntry& e,
                                    std::initializer_list<Phase> allowed) const {
  if (std::find(allowed.begin(), allowed.end(), phase_) != allowed.end())
    return Status::success();
  return rejected(Errc::wrong_phase, with_article(body_name(e.statement)) +
                                         " is not accepted while the election is in phase " +
                                         phase_name(phase_));
}

Status ElectionState::require_authority_in(const ParsedEntry& e, Phase phase) const {
  if (auto s = require_phase(e, {phase}); !s)
    return s;
  return require_authority(e);
}

Status ElectionState::require_authority(const ParsedEntry& e) const {
  if (!same_bytes(e.entry.signer(), config_->authority)) {
    return rejected(Errc::not_authorized, with_article(body_name(e.statement)) +
                                              " must be signed by the election authority");
  }
  return Status::success();
}

Expected<std::uint32_t> ElectionState::require_trustee(const ParsedEntry& e,
                                                       std::uint32_t claimed) const {
  const auto t = config_->trustee_of(as_bytes(e.entry.signer()));
  if (!t)
    return rejected(Errc::not_authorized, "signer is not one of the trustees");
  if (*t != claimed) {
    return rejected(Errc::not_authorized, "trustee " + std::to_string(*t) +
                                              " signed a message that names trustee " +
                                              std::to_string(claimed));
  }
  return *t;
}

Status ElectionState::admit_setup(const Prechecked& e) {
  auto config = check_setup(e.parsed);
  if (!config)
    return config.error();
  config_ = std::move(*config);
  deals_.assign(config_->ceremony.trustees, std::nullopt);
  ready_.assign(config_->ceremony.trustees, false);
  turnout_.assign(config_->shape.districts.size(), {});
  phase_ = Phase::ceremony;
  return Status::success();
}

Status ElectionState::admit_deal(const Prechecked& e) {
  const v1::TrusteeDeal& deal = e.parsed.statement.deal();
  auto commitment = check_deal(*config_, deal);
  if (!commitment)
    return commitment.error();
  deals_[deal.trustee() - 1] = std::move(*commitment);
  if (std::all_of(deals_.begin(), deals_.end(), [](const auto& d) { return d.has_value(); })) {
    compute_keys();
  }
  return Status::success();
}

// §6.5: the board refuses a deal that fails CheckDeal (admit_deal), so here
// every trustee's deal qualifies; the keys come from the one rule anyway.
void ElectionState::compute_keys() {
  std::vector<Expected<crypto::DealerCommitment>> verdicts;
  for (const auto& d : deals_)
    verdicts.emplace_back(*d);
  qualification_ = qualify_dealers(verdicts);
  auto keys = ceremony_keys(*config_, qualification_);
  if (!keys)
    return;  // unreachable: every commitment passed verify_dealer_commitment
  joint_key_ = keys->joint_key;
  trustee_keys_ = std::move(keys->trustee_keys);
  base_hash_ = keys->base_hash;
}

Status ElectionState::admit_ready(const Prechecked& e) {
  const v1::TrusteeReady& ready = e.parsed.statement.ready();
  const std::uint32_t t = ready.trustee();
  if (auto s = check_ready(*config_, ready, trustee_keys_[t - 1]); !s)
    return s;
  ready_[t - 1] = true;
  return Status::success();
}

Status ElectionState::admit_complaint(const Prechecked& e) {
  const v1::TrusteeComplaint& c = e.parsed.statement.complaint();
  if (c.dealer() < 1 || c.dealer() > config_->ceremony.trustees || c.dealer() == c.trustee() ||
      !deals_[c.dealer() - 1]) {
    return rejected(Errc::invalid_argument, "a complaint must name another trustee that has dealt");
  }
  if (c.box_secret_key().size() != crypto::BoxSecretKey::kBytes) {
    return rejected(Errc::invalid_length, "complaint box secret key must be 32 bytes");
  }
  // Upheld or not, a complaint ends this ceremony (§6.4.2); it is recorded
  // so that anyone can judge it from the board.
  phase_ = Phase::ceremony_failed;
  return Status::success();
}

Status ElectionState::admit_credentials(const Prechecked& e) {
  const v1::CredentialList& list = e.parsed.statement.credentials();
  if (list.credentials().empty())
    return rejected(Errc::invalid_length, "credential list is empty");
  std::unordered_map<Hash32, CredentialState, Hash32Hasher> added;
  for (int i = 0; i < list.credentials_size(); ++i) {
    const v1::Credential& c = list.credentials(i);
    const std::string where = "credential " + std::to_string(i + 1);
    if (auto s = check_credential_key(as_bytes(c.key())); !s)  // §8.5
      return rejected(s.error().code, where + ": " + s.error().message);
    const auto district = config_->shape.district_index(c.district());
    if (!district)
      return rejected(Errc::invalid_argument,
                      where + ": unknown district \"" + c.district() + "\"");
    const Hash32 key = to_hash32(c.key());
    if (credentials_.count(key) != 0 ||
        !added.emplace(key, CredentialState{static_cast<std::uint32_t>(*district), 0, {}}).second) {
      return rejected(Errc::duplicate, where + ": duplicate credential " + to_hex(key));
    }
  }
  for (const auto& [key, state] : added)
    ++turnout_[state.district].credentials;
  credentials_.merge(added);
  return Status::success();
}

Status ElectionState::admit_open(const Prechecked& e) {
  if (!std::all_of(ready_.begin(), ready_.end(), [](bool r) { return r; })) {
    return rejected(Errc::invalid_argument, "every trustee must be ready before voting opens");
  }
  if (credentials_.empty())
    return rejected(Errc::invalid_argument, "no credentials have been posted");
  const v1::Open& open = e.parsed.statement.open();
  if (!same_bytes(open.joint_key(), joint_key_->bytes)) {
    return rejected(Errc::equation_failed, "open names a joint key other than the ceremony's");
  }
  if (!same_bytes(open.base_hash(), *base_hash_)) {
    return rejected(Errc::equation_failed, "open names a base hash other than the election's");
  }
  auto params =
      std::make_shared<const VotingParameters>(config_->shape, joint_key_->point, *base_hash_);
  {
    const std::lock_guard lock(parameters_mutex_);
    parameters_ = params;
  }
  running_ = std::make_unique<TallyAccumulator>(parameters_->shape);
  phase_ = Phase::voting;
  return Status::success();
}

Status ElectionState::admit_ballot(const Prechecked& e, std::uint64_t leaf) {
  // §9.5: no ciphertext of a cast ballot was opened by a challenge (a vote
  // whose nonce is public is never counted), whatever its encoding.
  for (std::size_t i = 0; i < e.alphas.size(); ++i) {
    if (auto hit = challenged_alphas_.find(e.alphas[i]); hit != challenged_alphas_.end()) {
      return rejected(Errc::ciphertext_reused,
                      "ciphertext " + std::to_string(i + 1) +
                          " of this ballot was opened by the challenge at entry " +
                          std::to_string(hit->second) +
                          ": a challenged ballot can never be cast; encrypt a new one");
    }
  }
  CredentialState& cred = credentials_.find(to_hash32(e.parsed.entry.signer()))->second;
  // The re-vote rule: the new ballot replaces the credential's previous one.
  if (cred.last_ballot) {
    auto old_bytes = load_leaf_(*cred.last_ballot);
    if (!old_bytes)
      return old_bytes.error();
    auto old = parse_entry(*old_bytes);
    if (!old || !old->statement.has_ballot()) {
      return rejected(Errc::io_error, "cannot reload the superseded ballot");
    }
    auto decoded = decode_ballot(parameters_->shape, old->statement.ballot());
    if (!decoded)
      return decoded.error();
    running_->subtract(cred.district, tally_vector(*decoded));
    superseded_.push_back(*cred.last_ballot);
  } else {
    ++turnout_[cred.district].voted;
  }
  running_->add(cred.district, tally_vector(*e.ballot));
  const bool first = !cred.last_ballot;
  cred.last_sequence = e.parsed.statement.ballot().sequence();
  cred.last_ballot = leaf;
  ++ballots_cast_;
  if (changes_) {
    if (!first)
      changes_->superseded.push_back(superseded_.back());
    changes_->voters.push_back(
        {{to_hash32(e.parsed.entry.signer()), cred.last_sequence, leaf}, first});
  }
  return Status::success();
}

Expected<bool> ElectionState::cast_ballot_holds(std::uint64_t leaf, const Hash32& alpha) const {
  auto bytes = load_leaf_(leaf);
  if (!bytes)
    return bytes.error();
  auto entry = parse_entry(*bytes);
  if (!entry || !entry->statement.has_ballot())
    return false;
  const std::vector<Hash32> alphas = ciphertext_alphas(entry->statement.ballot());
  return std::find(alphas.begin(), alphas.end(), alpha) != alphas.end();
}

Status ElectionState::admit_challenge(const Prechecked& e, std::uint64_t leaf) {
  // §9.5: a challenge opens no ciphertext another challenge opened or a cast
  // ballot holds: the secrets of a counted vote are never published.
  for (std::size_t i = 0; i < e.alphas.size(); ++i) {
    const std::string which = "ciphertext " + std::to_string(i + 1) + " of the challenged ballot";
    if (auto hit = challenged_alphas_.find(e.alphas[i]); hit != challenged_alphas_.end()) {
      return rejected(Errc::duplicate, which + " was already opened by the challenge at entry " +
                                           std::to_string(hit->second));
    }
    if (!find_cast_alpha_)
      continue;
    auto candidates = find_cast_alpha_(e.alphas[i]);
    if (!candidates)
      return candidates.error();
    for (std::uint64_t cast : *candidates) {
      auto holds = cast_ballot_holds(cast, e.alphas[i]);
      if (!holds)
        return holds.error();
      if (*holds) {
        return rejected(Errc::ciphertext_reused, which + " is in the ballot cast at entry " +
                                                     std::to_string(cast) +
                                                     ": a cast ballot can never be challenged");
      }
    }
  }
  for (const Hash32& alpha : e.alphas) {
    if (challenged_alphas_.emplace(alpha, leaf).second && changes_)
      changes_->challenged.emplace_back(alpha, leaf);
  }
  return Status::success();
}

Status ElectionState::admit_tally(const Prechecked& e) {
  const v1::EncryptedTally& tally = e.parsed.statement.tally();
  auto decoded = decode_tally(parameters_->shape, tally);
  if (!decoded)
    return decoded.error();
  if (auto s = check_superseded(tally, superseded_); !s)
    return s;
  if (auto s = compare_tally(parameters_->shape, *running_, *decoded); !s)
    return s;
  tally_ = std::move(*decoded);
  tally_flat_ = flatten(*tally_);
  phase_ = Phase::decrypting;
  return Status::success();
}

Status ElectionState::admit_partial(const Prechecked& e) {
  const v1::PartialDecryption& partial = e.parsed.statement.partial();
  const std::uint32_t t = partial.trustee();
  auto checked = check_partial(*base_hash_, partial, trustee_keys_[t - 1], tally_flat_);
  if (!checked)
    return checked.error();
  partials_.push_back(std::move(*checked));
  partial_trustees_.push_back(t);
  return Status::success();
}

Status ElectionState::admit_result(const Prechecked& e) {
  auto expected =
      combine_result(parameters_->shape, config_->ceremony.threshold, *tally_, partials_);
  if (!expected)
    return expected.error();
  if (auto s = compare_result(parameters_->shape, *expected, e.parsed.statement.result()); !s)
    return s;
  result_ = e.parsed.statement.result();
  phase_ = Phase::finished;
  return Status::success();
}

}  // namespace senim::protocol
