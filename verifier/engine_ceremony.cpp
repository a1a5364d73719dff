// Checks 5–9: the set-up, the key ceremony, the credential list and the
// opening of the vote (docs/verifier-checks.md).
#include <algorithm>

#include "crypto/schnorr_proof.hpp"
#include "protocol/board_checkpoint.hpp"
#include "verifier/engine.hpp"

namespace senim::verifier {

// A set-up that check 5 refused may still say unambiguously what the
// election is: contests whose sizes give ballots a shape, districts, keys of
// the right lengths and 1 ≤ k ≤ n. Then the verifier goes on with it, so that
// later messages are judged by the checks they break, not all reported as
// check 5's. (A broken text, a repeated id, a wrong signer: still usable.)
std::optional<protocol::ElectionConfig> usable_setup(const protocol::ParsedEntry& e) {
  if (!e.statement.has_setup())
    return std::nullopt;
  protocol::ElectionConfig config;
  config.statement_bytes = e.entry.statement();
  config.setup = e.statement.setup();
  const v1::ElectionSetup& setup = config.setup;
  const v1::Manifest& m = setup.manifest();
  config.shape.election_id = m.election_id().empty() ? e.statement.election_id() : m.election_id();
  config.shape.max_ballots = m.max_ballots_per_credential();  // check 13 judges every ballot by it
  if (m.contests().empty() || m.contests_size() > static_cast<int>(protocol::kMaxContests))
    return std::nullopt;
  for (const v1::Contest& c : m.contests()) {
    const auto n = static_cast<std::uint32_t>(c.options_size());
    if (n == 0 || n > protocol::kMaxOptions || c.max_selections() < 1 || c.max_selections() > n ||
        c.min_selections() > c.max_selections()) {
      return std::nullopt;
    }
    config.shape.contests.push_back({c.id(), n, c.min_selections(), c.max_selections()});
  }
  if (m.districts_size() > static_cast<int>(protocol::kMaxDistricts))
    return std::nullopt;
  for (const v1::District& d : m.districts())
    config.shape.districts.push_back(d.id());
  if (config.shape.districts.empty())
    config.shape.districts.emplace_back();
  if (!copy_exact(setup.authority_key(), config.authority) ||
      !copy_exact(setup.board_key(), config.board)) {
    return std::nullopt;
  }
  config.ceremony.trustees = static_cast<std::uint32_t>(setup.trustees_size());
  config.ceremony.threshold = setup.threshold();
  if (!config.ceremony.check())
    return std::nullopt;
  for (const v1::TrusteeInfo& t : setup.trustees()) {
    protocol::PublicKey signing{};
    crypto::BoxPublicKey box{};
    if (!copy_exact(t.signing_key(), signing) || !copy_exact(t.box_key(), box))
      return std::nullopt;
    config.trustee_keys.push_back(signing);
    config.box_keys.push_back(box);
  }
  config.setup_hash = protocol::setup_hash(as_bytes(config.statement_bytes));
  // The log's origin names every checkpoint (check 3): without a valid one
  // none can be checked. A witness policy that does not parse names no
  // witness, and its empty quorum name is never met.
  if (!protocol::check_log_origin(setup.log_origin()))
    return std::nullopt;
  config.log_origin = setup.log_origin();
  auto vkey = protocol::board_verifier_key(config.log_origin, config.board);
  if (!vkey)
    return std::nullopt;
  config.board_vkey = *vkey;
  auto witnesses = protocol::parse_witness_policy(m.witness_policy());
  config.policy =
      protocol::election_policy(config.board_vkey, witnesses ? *witnesses : tlog::Policy{});
  return config;
}

namespace {

std::string label(const v1::Text& text) {
  for (const char* lang : {"en", "ru", "kk"}) {
    auto it = text.text().find(lang);
    if (it != text.text().end())
      return it->second;
  }
  return text.text().empty() ? std::string() : text.text().begin()->second;
}

}  // namespace

void Engine::on_setup(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  report_.item(Check::setup);
  if (stage_ != Stage::before_setup || leaf != 0) {
    report_.fail(Check::roles_and_phases, leaf, "a set-up that is not the first entry");
    return;
  }
  if (auto checked = protocol::check_setup(e)) {
    config_ = std::move(*checked);
  } else {
    report_.fail(Check::setup, leaf, checked.error().message);
    config_ = usable_setup(e);
    if (!config_)
      return;
  }
  election_id_ = config_->election_id();
  report_.election_id = election_id_;
  report_.board_key_hex = to_hex(config_->board);
  for (const auto& d : config_->setup.manifest().districts()) {
    report_.district_names.push_back(label(d.name()));
    report_.district_ids.push_back(d.id());
  }
  for (const auto& c : config_->setup.manifest().contests()) {
    std::vector<std::string> names;
    std::vector<std::string> ids;
    for (const auto& o : c.options()) {
      names.push_back(label(o.label()));
      ids.push_back(o.id());
    }
    report_.option_names.push_back(std::move(names));
    report_.option_ids.push_back(std::move(ids));
    report_.contest_ids.push_back(c.id());
  }
  const std::uint32_t n = config_->ceremony.trustees;
  deals_raw_.assign(n, std::nullopt);
  deals_.assign(n, std::nullopt);
  ready_.assign(n, false);
  stage_ = Stage::ceremony;
}

void Engine::on_deal(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::ceremony}))
    return;
  const v1::TrusteeDeal& deal = e.statement.deal();
  const auto t = expect_trustee(leaf, e, deal.trustee());
  if (!t)
    return;
  report_.item(Check::trustee_ceremony);
  if (deals_raw_[*t - 1]) {
    report_.fail(Check::roles_and_phases, leaf, "trustee " + std::to_string(*t) + " dealt twice");
    return;
  }
  deals_raw_[*t - 1] = deal;
  // docs/protocol.md §6.5, rule 1: a deal that fails CheckDeal leaves its
  // dealer out of Q and costs nothing else; the keys are computed over Q.
  deals_[*t - 1] = protocol::check_deal(*config_, deal);
  if (!*deals_[*t - 1]) {
    report_.fail(Check::trustee_ceremony, leaf,
                 "deal of trustee " + std::to_string(*t) + ": " + deals_[*t - 1]->error().message +
                     "; trustee " + std::to_string(*t) + " is left out of the qualified dealers");
  }
  if (std::all_of(deals_raw_.begin(), deals_raw_.end(),
                  [](const auto& d) { return d.has_value(); }))
    compute_keys(leaf);
}

protocol::Qualification Engine::qualification() const {
  std::vector<Expected<crypto::DealerCommitment>> verdicts;
  for (const auto& d : deals_) {
    if (!d)
      return {};  // §6.5: Q is decided once every trustee dealt
    verdicts.push_back(*d);
  }
  return protocol::qualify_dealers(verdicts);
}

void Engine::compute_keys(std::uint64_t leaf) {
  const protocol::Qualification q = qualification();
  report_.item(Check::joint_key);
  auto keys = protocol::ceremony_keys(*config_, q);
  if (!keys) {
    report_.fail(Check::joint_key, leaf, keys.error().message);
    return;
  }
  joint_key_ = keys->joint_key;
  trustee_keys_ = std::move(keys->trustee_keys);
  base_hash_ = keys->base_hash;
}

void Engine::on_ready(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::ceremony}))
    return;
  const v1::TrusteeReady& ready = e.statement.ready();
  const auto t = expect_trustee(leaf, e, ready.trustee());
  if (!t)
    return;
  report_.item(Check::trustee_ceremony);
  if (ready_[*t - 1]) {
    report_.fail(Check::roles_and_phases, leaf,
                 "trustee " + std::to_string(*t) + " announced ready twice");
    return;
  }
  // The trustee has announced it is ready: that is what check 6 asks of the
  // open. Whether its share and proof are right is for checks 8 and 7.
  ready_[*t - 1] = true;
  ceremony_complete_ = std::all_of(ready_.begin(), ready_.end(), [](bool r) { return r; });
  if (!joint_key_) {
    if (std::any_of(deals_raw_.begin(), deals_raw_.end(), [](const auto& d) { return !d; })) {
      report_.fail(Check::roles_and_phases, leaf,
                   "trustee " + std::to_string(*t) + " announced ready before every trustee dealt");
    }
    return;  // the ceremony gave no key: reported by check 8 already
  }
  report_.item(Check::joint_key);
  const crypto::Element& expected = trustee_keys_[*t - 1];
  if (!same_bytes(ready.public_share(), expected.bytes)) {
    report_.fail(Check::joint_key, leaf,
                 "trustee " + std::to_string(*t) +
                     " announces a public share other than the one its commitments imply");
  }
  // The proof is checked against the share the commitments imply.
  auto proof = crypto::SchnorrProof::decode(as_bytes(ready.proof()));
  const Status proven =
      proof ? crypto::verify_schnorr(*proof, expected, protocol::ready_proof_context(*config_, *t))
            : Status(proof.error());
  if (!proven) {
    report_.fail(
        Check::trustee_ceremony, leaf,
        "trustee " + std::to_string(*t) + "'s proof of its share: " + proven.error().message);
  }
}

void Engine::on_complaint(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::ceremony}))
    return;
  const v1::TrusteeComplaint& c = e.statement.complaint();
  const auto t = expect_trustee(leaf, e, c.trustee());
  if (!t)
    return;
  report_.item(Check::trustee_ceremony);
  const std::uint32_t dealer = c.dealer();
  std::string verdict;
  if (dealer < 1 || dealer > config_->ceremony.trustees || dealer == *t || !deals_[dealer - 1] ||
      !*deals_[dealer - 1]) {
    verdict = "names no other trustee with a qualified deal";
  } else {
    crypto::ComplaintEvidence evidence;
    evidence.accuser = *t;
    evidence.accused = dealer;
    auto key = crypto::BoxSecretKey::decode(as_bytes(c.box_secret_key()));
    if (!key) {
      verdict = key.error().message;
    } else {
      evidence.box_secret_key = *key;
      const std::string& box = deals_raw_[dealer - 1]->encrypted_shares(static_cast<int>(*t - 1));
      auto upheld = crypto::verify_complaint(evidence, config_->box_keys[*t - 1], as_bytes(box),
                                             **deals_[dealer - 1]);
      verdict = upheld ? "is upheld: dealer " + std::to_string(dealer) + " sent a bad share (" +
                             upheld->reason.message + ")"
                       : "is unfounded: " + upheld.error().message;
    }
  }
  // Upheld or not, a complaint means this ceremony failed (docs/protocol.md
  // §6.4.2): the election must be set up again, and no message is allowed
  // after it (§12; check 6 reports any).
  report_.fail(Check::trustee_ceremony, leaf,
               "the ceremony failed: trustee " + std::to_string(*t) +
                   "'s complaint against trustee " + std::to_string(dealer) + " " + verdict);
  stage_ = Stage::ceremony_failed;
}

void Engine::on_credentials(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::ceremony}))
    return;
  if (!expect_authority(leaf, e))
    return;
  const v1::CredentialList& list = e.statement.credentials();
  for (int i = 0; i < list.credentials_size(); ++i) {
    const v1::Credential& c = list.credentials(i);
    report_.item(Check::credential_list);
    const std::string where = "credential " + std::to_string(i + 1) + " of the list: ";
    if (auto s = protocol::check_credential_key(as_bytes(c.key())); !s) {  // §8.5
      report_.fail(Check::credential_list, leaf, where + s.error().message);
      continue;
    }
    const auto district = config_->shape.district_index(c.district());
    if (!district) {
      report_.fail(Check::credential_list, leaf,
                   where + "unknown district \"" + c.district() + "\"");
      continue;
    }
    // A repeat is found, and reported at this leaf, when voting opens.
    credentials_.add(to_hash32(c.key()), static_cast<std::uint32_t>(*district), leaf,
                     static_cast<std::uint32_t>(i));
  }
}

// §8.5: keys are distinct across all lists. Every list is in once voting
// opens; the table sorts them then, and each repeat is reported at its list.
void Engine::seal_credentials() {
  for (const CredentialTable::Duplicate& d : credentials_.seal()) {
    report_.fail(Check::credential_list, d.leaf,
                 "credential " + std::to_string(d.index + 1) +
                     " of the list: duplicate credential " + to_hex(d.key));
  }
}

void Engine::on_open(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (!expect_stage(leaf, e, {Stage::ceremony}))
    return;
  if (!expect_authority(leaf, e))
    return;
  seal_credentials();
  if (!ceremony_complete_) {
    report_.fail(Check::roles_and_phases, leaf, "voting opened before every trustee was ready");
  } else if (credentials_.empty()) {
    report_.fail(Check::roles_and_phases, leaf, "voting opened with no credential on the list");
  }
  const v1::Open& open = e.statement.open();
  report_.item(Check::joint_key);
  crypto::Point key;
  Hash32 base{};
  if (joint_key_ && base_hash_) {
    if (!same_bytes(open.joint_key(), joint_key_->bytes)) {
      report_.fail(Check::joint_key, leaf, "the open names a joint key other than the ceremony's");
    } else if (!same_bytes(open.base_hash(), *base_hash_)) {
      report_.fail(Check::joint_key, leaf, "the open names a base hash other than the election's");
    }
    key = joint_key_->point;
    base = *base_hash_;
  } else {
    // The ceremony could not give a key (already reported); check ballots
    // against the key the open announces so later checks still mean something.
    auto claimed = crypto::Point::decode(as_bytes(open.joint_key()));
    if (!claimed || open.base_hash().size() != 32) {
      report_.fail(Check::joint_key, leaf, "the open's joint key or base hash is malformed");
      open_leaf_ = leaf;
      stage_ = Stage::voting;
      return;
    }
    key = *claimed;
    std::copy_n(open.base_hash().begin(), 32, base.begin());
  }
  params_ = std::make_shared<const protocol::VotingParameters>(config_->shape, key, base);
  open_leaf_ = leaf;
  all_ballots_ = std::make_unique<protocol::TallyAccumulator>(params_->shape);
  stage_ = Stage::voting;
}

}  // namespace senim::verifier
