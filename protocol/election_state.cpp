#include "protocol/election_state.hpp"

#include <algorithm>
#include <cstring>

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

ElectionState::ElectionState(LeafLoader load_leaf, BallotFinder find_ballot)
    : load_leaf_(std::move(load_leaf)), find_ballot_(std::move(find_ballot)) {}

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
  if (auto s = verify_entry_signature(parsed->entry); !s)
    return s.error();
  Prechecked out;
  out.bytes.assign(entry_bytes.begin(), entry_bytes.end());
  out.parsed = std::move(*parsed);
  const v1::Statement& st = out.parsed.statement;
  if (st.has_ballot() || st.has_challenge()) {
    const auto params = parameters();
    if (!params)
      return rejected(Errc::wrong_phase, "voting is not open");
    const ByteView signer = as_bytes(out.parsed.entry.signer());
    if (st.has_ballot()) {
      if (auto s = check_ballot_binding(*params, st.ballot(), signer); !s)
        return s.error();
      auto decoded = decode_ballot(params->shape, st.ballot());
      if (!decoded)
        return decoded.error();
      if (auto s = verify_ballot_proofs(*params, signer, *decoded); !s)
        return s.error();
      out.ballot = std::move(*decoded);
      out.tracking_code = tracking_code(as_bytes(out.parsed.entry.statement()));
    } else {
      auto opened = check_challenge(*params, params->shape.election_id, st.challenge(), signer);
      if (!opened)
        return opened.error();
      out.opened = std::move(*opened);
      out.tracking_code = tracking_code(as_bytes(st.challenge().ballot_statement()));
    }
  }
  return out;
}

Status ElectionState::apply(ByteView entry_bytes, std::uint64_t leaf) {
  auto pre = precheck(entry_bytes);
  if (!pre)
    return pre.error();
  return admit(*pre, leaf);
}

Status ElectionState::admit(const Prechecked& e, std::uint64_t leaf) {
  const v1::Statement& st = e.parsed.statement;
  if (config_ && st.election_id() != config_->election_id()) {
    return rejected(Errc::invalid_argument, "entry is for election \"" + st.election_id() +
                                                "\", this board holds \"" + config_->election_id() +
                                                "\"");
  }
  switch (st.body_case()) {
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
      return admit_challenge(e);
    case v1::Statement::kClose:
      return admit_close(e);
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

Status ElectionState::require_phase(const Prechecked& e,
                                    std::initializer_list<Phase> allowed) const {
  if (std::find(allowed.begin(), allowed.end(), phase_) != allowed.end())
    return Status::success();
  return rejected(Errc::wrong_phase, with_article(body_name(e.parsed.statement)) +
                                         " is not accepted while the election is in phase " +
                                         phase_name(phase_));
}

Status ElectionState::require_authority(const Prechecked& e) const {
  if (!same_bytes(e.parsed.entry.signer(), config_->authority)) {
    return rejected(Errc::not_authorized, with_article(body_name(e.parsed.statement)) +
                                              " must be signed by the election authority");
  }
  return Status::success();
}

Expected<std::uint32_t> ElectionState::require_trustee(const Prechecked& e,
                                                       std::uint32_t claimed) const {
  const auto t = config_->trustee_of(as_bytes(e.parsed.entry.signer()));
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
  if (auto s = require_phase(e, {Phase::empty}); !s)
    return s;
  auto config = check_setup(e.parsed);
  if (!config)
    return config.error();
  config_ = std::move(*config);
  deals_.assign(config_->ceremony.trustees, std::nullopt);
  ready_.assign(config_->ceremony.trustees, false);
  phase_ = Phase::ceremony;
  return Status::success();
}

Status ElectionState::admit_deal(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::ceremony}); !s)
    return s;
  const v1::TrusteeDeal& deal = e.parsed.statement.deal();
  auto t = require_trustee(e, deal.trustee());
  if (!t)
    return t.error();
  if (deals_[*t - 1])
    return rejected(Errc::duplicate, "trustee " + std::to_string(*t) + " has already dealt");
  auto commitment = check_deal(*config_, deal);
  if (!commitment)
    return commitment.error();
  deals_[*t - 1] = std::move(*commitment);
  if (std::all_of(deals_.begin(), deals_.end(), [](const auto& d) { return d.has_value(); })) {
    compute_keys();
  }
  return Status::success();
}

void ElectionState::compute_keys() {
  std::vector<crypto::DealerCommitment> qualified;
  for (const auto& d : deals_)
    qualified.push_back(*d);
  auto k = crypto::joint_public_key(qualified);
  if (!k)
    return;  // unreachable: every commitment passed verify_dealer_commitment
  joint_key_ = *k;
  trustee_keys_.clear();
  for (std::uint32_t t = 1; t <= config_->ceremony.trustees; ++t) {
    trustee_keys_.push_back(*crypto::trustee_public_key(qualified, t));
  }
  base_hash_ = protocol::base_hash(*config_, *joint_key_, trustee_keys_);
}

Status ElectionState::admit_ready(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::ceremony}); !s)
    return s;
  const v1::TrusteeReady& ready = e.parsed.statement.ready();
  auto t = require_trustee(e, ready.trustee());
  if (!t)
    return t.error();
  if (!joint_key_)
    return rejected(Errc::invalid_argument, "not every trustee has dealt yet");
  if (ready_[*t - 1])
    return rejected(Errc::duplicate, "trustee " + std::to_string(*t) + " is already ready");
  if (auto s = check_ready(*config_, ready, trustee_keys_[*t - 1]); !s)
    return s;
  ready_[*t - 1] = true;
  return Status::success();
}

Status ElectionState::admit_complaint(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::ceremony}); !s)
    return s;
  const v1::TrusteeComplaint& c = e.parsed.statement.complaint();
  auto t = require_trustee(e, c.trustee());
  if (!t)
    return t.error();
  if (c.dealer() < 1 || c.dealer() > config_->ceremony.trustees || c.dealer() == *t ||
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
  if (auto s = require_phase(e, {Phase::ceremony}); !s)
    return s;
  if (auto s = require_authority(e); !s)
    return s;
  const v1::CredentialList& list = e.parsed.statement.credentials();
  if (list.credentials().empty())
    return rejected(Errc::invalid_length, "credential list is empty");
  std::unordered_map<Hash32, CredentialState, Hash32Hasher> added;
  for (int i = 0; i < list.credentials_size(); ++i) {
    const v1::Credential& c = list.credentials(i);
    const std::string where = "credential " + std::to_string(i + 1);
    if (c.key().size() != 32)
      return rejected(Errc::invalid_length, where + ": key must be 32 bytes");
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
  credentials_.merge(added);
  return Status::success();
}

Status ElectionState::admit_open(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::ceremony}); !s)
    return s;
  if (auto s = require_authority(e); !s)
    return s;
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
  if (auto s = require_phase(e, {Phase::voting}); !s)
    return s;
  const v1::Ballot& ballot = e.parsed.statement.ballot();
  auto it = credentials_.find(to_hash32(e.parsed.entry.signer()));
  if (it == credentials_.end()) {
    return rejected(Errc::not_authorized, "credential " +
                                              to_hex(as_bytes(e.parsed.entry.signer())) +
                                              " is not on the credential list");
  }
  CredentialState& cred = it->second;
  if (ballot.sequence() <= cred.last_sequence) {
    return rejected(Errc::duplicate, "ballot sequence " + std::to_string(ballot.sequence()) +
                                         " is not above this credential's last, " +
                                         std::to_string(cred.last_sequence) +
                                         " (a replayed ballot?)");
  }
  if (challenged_.count(e.tracking_code) != 0) {
    return rejected(Errc::invalid_argument,
                    "this ballot was challenged and can never be cast; encrypt a new one");
  }
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
  }
  running_->add(cred.district, tally_vector(*e.ballot));
  cred.last_sequence = ballot.sequence();
  cred.last_ballot = leaf;
  ++ballots_cast_;
  return Status::success();
}

Status ElectionState::admit_challenge(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::voting}); !s)
    return s;
  if (credentials_.count(to_hash32(e.parsed.entry.signer())) == 0) {
    return rejected(Errc::not_authorized, "credential is not on the credential list");
  }
  if (find_ballot_ && find_ballot_(e.tracking_code)) {
    return rejected(Errc::invalid_argument,
                    "this ballot was cast; a cast ballot cannot be challenged");
  }
  if (challenged_.count(e.tracking_code) != 0) {
    return rejected(Errc::duplicate, "this ballot has already been challenged");
  }
  challenged_.emplace(e.tracking_code, 0);
  return Status::success();
}

Status ElectionState::admit_close(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::voting}); !s)
    return s;
  if (auto s = require_authority(e); !s)
    return s;
  phase_ = Phase::closed;
  return Status::success();
}

Status ElectionState::admit_tally(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::closed}); !s)
    return s;
  if (auto s = require_authority(e); !s)
    return s;
  const v1::EncryptedTally& tally = e.parsed.statement.tally();
  auto decoded = decode_tally(parameters_->shape, tally);
  if (!decoded)
    return decoded.error();
  std::vector<std::uint64_t> superseded = superseded_;
  std::sort(superseded.begin(), superseded.end());
  if (!std::equal(superseded.begin(), superseded.end(), tally.superseded().begin(),
                  tally.superseded().end())) {
    return rejected(Errc::equation_failed,
                    "the tally's list of superseded ballots differs from the board's");
  }
  if (auto s = compare_tally(parameters_->shape, *running_, *decoded); !s)
    return s;
  tally_ = std::move(*decoded);
  tally_flat_ = flatten(*tally_);
  phase_ = Phase::decrypting;
  return Status::success();
}

Status ElectionState::admit_partial(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::decrypting}); !s)
    return s;
  const v1::PartialDecryption& partial = e.parsed.statement.partial();
  auto t = require_trustee(e, partial.trustee());
  if (!t)
    return t.error();
  if (std::find(partial_trustees_.begin(), partial_trustees_.end(), *t) !=
      partial_trustees_.end()) {
    return rejected(Errc::duplicate, "trustee " + std::to_string(*t) + " has already decrypted");
  }
  auto checked = check_partial(*base_hash_, partial, trustee_keys_[*t - 1], tally_flat_);
  if (!checked)
    return checked.error();
  partials_.push_back(std::move(*checked));
  partial_trustees_.push_back(*t);
  return Status::success();
}

Status ElectionState::admit_result(const Prechecked& e) {
  if (auto s = require_phase(e, {Phase::decrypting}); !s)
    return s;
  if (auto s = require_authority(e); !s)
    return s;
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
