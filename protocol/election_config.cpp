#include "protocol/election_config.hpp"

#include <algorithm>
#include <set>

#include "crypto/domain_tags.hpp"
#include "crypto/schnorr_proof.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/box_key.hpp"
#include "protocol/hashing.hpp"
#include "protocol/text_rules.hpp"

namespace senim::protocol {
namespace {

Error bad_setup(const std::string& what, Errc code = Errc::invalid_argument) {
  return make_error(code, "set-up: " + what);
}

std::string trustee_name(std::size_t index) {
  return "trustee " + std::to_string(index + 1);
}

// §6.3.1 and §8.2, for each trustee t in order: its box key is no earlier
// trustee's box key and no trustee's signing key, is a canonical X25519 key
// not of small order, and carries t's signature binding it to this election
// on this board. A box key exposed in another ceremony fails the
// last rule: its signature names that ceremony's board.
Status check_box_keys(const ElectionConfig& config) {
  const std::size_t n = config.box_keys.size();
  for (std::size_t t = 0; t < n; ++t) {
    const crypto::BoxPublicKey& box = config.box_keys[t];
    for (std::size_t u = 0; u < t; ++u) {
      if (config.box_keys[u] == box)
        return bad_setup(trustee_name(t) + " repeats " + trustee_name(u) + "'s box key");
    }
    for (std::size_t u = 0; u < n; ++u) {
      if (std::equal(box.begin(), box.end(), config.trustee_keys[u].begin())) {
        return bad_setup(trustee_name(t) + "'s box key is " +
                         (u == t ? std::string("its own") : trustee_name(u) + "'s") +
                         " signing key");
      }
    }
    if (auto s = crypto::check_box_public_key(box); !s)
      return bad_setup(trustee_name(t) + "'s " + s.error().message, s.error().code);
    const std::string& signature = config.setup.trustees(static_cast<int>(t)).box_key_signature();
    if (auto s = verify_box_key_signature(config.trustee_keys[t], config.election_id(),
                                          config.board, box, as_bytes(signature));
        !s) {
      return bad_setup(trustee_name(t) + ": " + s.error().message, s.error().code);
    }
  }
  return Status::success();
}

}  // namespace

std::optional<std::uint32_t> ElectionConfig::trustee_of(ByteView signer) const {
  for (std::size_t i = 0; i < trustee_keys.size(); ++i) {
    if (std::equal(signer.begin(), signer.end(), trustee_keys[i].begin(), trustee_keys[i].end())) {
      return static_cast<std::uint32_t>(i + 1);
    }
  }
  return std::nullopt;
}

Hash32 setup_hash(ByteView setup_statement_bytes) {
  return TaggedHash(crypto::tags::kSetupHash).raw(setup_statement_bytes).finish();
}

Expected<ElectionConfig> check_setup(const ParsedEntry& entry) {
  if (!entry.statement.has_setup())
    return bad_setup("the first entry must be the election set-up");
  ElectionConfig config;
  config.statement_bytes = entry.entry.statement();
  config.setup = entry.statement.setup();
  const v1::ElectionSetup& setup = config.setup;

  auto shape = check_manifest(setup.manifest());
  if (!shape)
    return shape.error();
  config.shape = std::move(*shape);
  if (entry.statement.election_id() != config.shape.election_id) {
    return bad_setup("statement election id " + quoted(entry.statement.election_id()) +
                     " differs from the manifest's \"" + config.shape.election_id + "\"");
  }
  if (!copy_exact(setup.authority_key(), config.authority))
    return bad_setup("authority key must be 32 bytes");
  if (!copy_exact(setup.board_key(), config.board))
    return bad_setup("board key must be 32 bytes");
  if (auto s = check_log_origin(setup.log_origin()); !s)
    return bad_setup(s.error().message);
  if (entry.entry.signer() != setup.authority_key()) {
    return bad_setup("must be signed by its own authority key");
  }
  config.ceremony.trustees = static_cast<std::uint32_t>(setup.trustees_size());
  config.ceremony.threshold = setup.threshold();
  if (auto s = config.ceremony.check(); !s)
    return bad_setup(s.error().message);
  std::set<std::string> seen;
  for (int t = 0; t < setup.trustees_size(); ++t) {
    const v1::TrusteeInfo& info = setup.trustees(t);
    PublicKey signing{};
    crypto::BoxPublicKey box{};
    if (!copy_exact(info.signing_key(), signing) || !copy_exact(info.box_key(), box)) {
      return bad_setup("trustee " + std::to_string(t + 1) + " keys must be 32 bytes each");
    }
    if (!seen.insert(info.signing_key()).second) {
      return bad_setup("trustee " + std::to_string(t + 1) + " repeats a signing key");
    }
    if (info.name().empty() || info.name().size() > 200) {
      return bad_setup("trustee " + std::to_string(t + 1) + " needs a name of 1 to 200 bytes");
    }
    if (auto fault = text_fault(info.name()))
      return bad_setup("trustee " + std::to_string(t + 1) + " name: " + *fault);
    config.trustee_keys.push_back(signing);
    config.box_keys.push_back(box);
  }
  if (auto s = check_box_keys(config); !s)
    return s.error();
  config.setup_hash = setup_hash(as_bytes(config.statement_bytes));
  // §11.2, §11.4: what checkpoints and cosignatures are checked against. The
  // origin and the policy passed their rules above, so neither can fail.
  config.log_origin = setup.log_origin();
  auto vkey = board_verifier_key(config.log_origin, config.board);
  auto witnesses = parse_witness_policy(setup.manifest().witness_policy());
  if (!vkey || !witnesses)
    return bad_setup("log origin or witness policy");
  config.board_vkey = *vkey;
  config.policy = election_policy(config.board_vkey, *witnesses);
  return config;
}

Expected<crypto::DealerCommitment> check_deal(const ElectionConfig& config,
                                              const v1::TrusteeDeal& deal) {
  const std::uint32_t n = config.ceremony.trustees;
  const std::uint32_t k = config.ceremony.threshold;
  const std::uint32_t t = deal.trustee();
  if (t < 1 || t > n) {
    return make_error(Errc::out_of_range,
                      "deal names trustee " + std::to_string(t) + " of " + std::to_string(n));
  }
  if (static_cast<std::uint32_t>(deal.commitments_size()) != k ||
      static_cast<std::uint32_t>(deal.commitment_proofs_size()) != k) {
    return make_error(Errc::invalid_length, "deal of trustee " + std::to_string(t) + " needs " +
                                                std::to_string(k) + " commitments and proofs");
  }
  if (static_cast<std::uint32_t>(deal.encrypted_shares_size()) != n) {
    return make_error(Errc::invalid_length, "deal of trustee " + std::to_string(t) + " needs " +
                                                std::to_string(n) + " share slots");
  }
  for (std::uint32_t r = 1; r <= n; ++r) {
    const std::size_t size = deal.encrypted_shares(static_cast<int>(r - 1)).size();
    const std::size_t want = r == t ? 0 : crypto::kSealedShareBytes;
    if (size != want) {
      return make_error(Errc::invalid_length, "deal of trustee " + std::to_string(t) +
                                                  ": share slot " + std::to_string(r) + " has " +
                                                  std::to_string(size) + " bytes, not " +
                                                  std::to_string(want));
    }
  }
  crypto::DealerCommitment commitment;
  commitment.dealer = t;
  for (std::uint32_t j = 0; j < k; ++j) {
    auto a = crypto::Element::decode(as_bytes(deal.commitments(static_cast<int>(j))));
    if (!a)
      return a.error();
    auto p = crypto::SchnorrProof::decode(as_bytes(deal.commitment_proofs(static_cast<int>(j))));
    if (!p)
      return p.error();
    commitment.coefficients.push_back(*a);
    commitment.proofs.push_back(*p);
  }
  if (auto s = crypto::verify_dealer_commitment(commitment, config.ceremony, config.setup_hash);
      !s) {
    return s.error();
  }
  return commitment;
}

Bytes ready_proof_context(const ElectionConfig& config, std::uint32_t trustee) {
  Bytes context(config.setup_hash.begin(), config.setup_hash.end());
  append_u32_be(context, trustee);
  return context;
}

Status check_ready(const ElectionConfig& config, const v1::TrusteeReady& ready,
                   const crypto::Element& expected_public_share) {
  const std::uint32_t t = ready.trustee();
  if (!same_bytes(ready.public_share(), expected_public_share.bytes)) {
    return make_error(
        Errc::equation_failed,
        "trustee " + std::to_string(t) +
            " announces a public share that differs from the one its commitments imply");
  }
  auto proof = crypto::SchnorrProof::decode(as_bytes(ready.proof()));
  if (!proof)
    return proof.error();
  return crypto::verify_schnorr(*proof, expected_public_share, ready_proof_context(config, t));
}

Hash32 base_hash(const ElectionConfig& config, const crypto::Element& joint_key,
                 const std::vector<crypto::Element>& trustee_public_keys) {
  TaggedHash h(crypto::tags::kBaseHash);
  h.prefixed(as_bytes(config.statement_bytes));
  h.raw(joint_key.bytes);
  for (const auto& x : trustee_public_keys)
    h.raw(x.bytes);
  return h.finish();
}

}  // namespace senim::protocol
