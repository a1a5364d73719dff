// What a trustee writes: its deal, its ready message and its partial
// decryption (docs/protocol.md §8.3, §10.2). The write side of the protocol:
// senim-verify never links it.
#include "protocol/trustee_messages.hpp"

#include "crypto/schnorr_proof.hpp"
#include "crypto/threshold_decryption.hpp"
#include "protocol/box_key.hpp"

namespace senim::protocol {

Signature sign_box_key(const SigningKey& trustee, std::string_view election_id,
                       const PublicKey& board_key, const crypto::BoxPublicKey& box_key) {
  return trustee.sign(box_key_signing_message(election_id, board_key, box_key));
}

Expected<v1::TrusteeDeal> make_deal(const ElectionConfig& config, std::uint32_t trustee,
                                    const crypto::SecretPolynomial& polynomial) {
  const crypto::DealerCommitment commitment =
      crypto::make_dealer_commitment(trustee, polynomial, config.setup_hash);
  v1::TrusteeDeal deal;
  deal.set_trustee(trustee);
  for (const auto& a : commitment.coefficients)
    deal.add_commitments(to_string(a.bytes));
  for (const auto& p : commitment.proofs)
    deal.add_commitment_proofs(to_string(p.encode()));
  for (std::uint32_t t = 1; t <= config.ceremony.trustees; ++t) {
    if (t == trustee) {
      deal.add_encrypted_shares("");  // a dealer keeps its own share
      continue;
    }
    auto box = crypto::seal_share(trustee, t, polynomial.evaluate(t), config.box_keys[t - 1]);
    if (!box)
      return box.error();
    deal.add_encrypted_shares(to_string(*box));
  }
  return deal;
}

v1::TrusteeReady make_ready(const ElectionConfig& config, std::uint32_t trustee,
                            const crypto::Scalar& share, const crypto::Element& public_share) {
  v1::TrusteeReady ready;
  ready.set_trustee(trustee);
  ready.set_public_share(to_string(public_share.bytes));
  const auto proof =
      crypto::prove_schnorr(share, public_share, ready_proof_context(config, trustee));
  ready.set_proof(to_string(proof.encode()));
  return ready;
}

v1::PartialDecryption make_partial(const Hash32& base_hash, std::uint32_t trustee,
                                   const crypto::Scalar& share, const crypto::Element& public_share,
                                   const std::vector<crypto::Ciphertext>& ciphertexts) {
  v1::PartialDecryption out;
  out.set_trustee(trustee);
  for (const auto& ct : ciphertexts) {
    const auto p = crypto::make_partial_decryption(trustee, share, public_share, ct, base_hash);
    out.add_shares(to_string(p.share.bytes));
    out.add_proofs(to_string(p.proof.encode()));
  }
  return out;
}

}  // namespace senim::protocol
