// Threshold decryption of an ElGamal ciphertext under the joint key
// (docs/protocol.md §6.6–§6.7).
//
// After the key ceremony (key_ceremony.hpp) trustee t holds x_t = F(t), with
// public verification key X_t = x_t·G, where F is a polynomial of degree
// k − 1 with F(0) = x, the never-assembled secret of K = x·G. For a
// ciphertext (α, β) = (r·G, m·G + r·K):
//
//   partial decryption   D_t = x_t·α, with a Chaum-Pedersen proof that
//                        log_G X_t = log_α D_t                       (§6.6)
//   combination          m·G = β − Σ_{t∈S} λ_t·D_t  for any set S of at least
//                        k trustees, λ_t = Π_{u∈S, u≠t} u / (u − t)   (§6.7)
//
// because Σ λ_t·x_t = F(0) = x, so Σ λ_t·D_t = x·α = r·K. Fewer than k
// partial decryptions determine nothing about x·α.
//
// Constant-time: making a partial decryption (it uses x_t). Everything else
// works on public values and may be variable-time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/batch_verifier.hpp"
#include "crypto/bytes.hpp"
#include "crypto/chaum_pedersen_proof.hpp"
#include "crypto/element.hpp"
#include "crypto/elgamal.hpp"
#include "crypto/error.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

struct PartialDecryption {
  static constexpr std::size_t kBytes = 4 + Point::kBytes + ChaumPedersenProof::kBytes;  // 132

  std::uint32_t trustee = 0;  // t
  Element share;              // D_t = x_t·α
  ChaumPedersenProof proof;   // log_G X_t = log_α D_t

  // §6.6.2: u32_be(t) ‖ D_t ‖ R1 ‖ R2 ‖ s.
  Bytes encode() const;
  // Exactly 132 bytes, else invalid_length; a non-canonical point or scalar is
  // invalid_encoding. Does not check the index or the proof.
  static Expected<PartialDecryption> decode(ByteView bytes);
};

// §6.6.1: D_t = x_t·α and its proof, bound to `context`, t and the whole
// ciphertext. Constant-time in `secret_share`. `verification_key` must be
// X_t = x_t·G (else the proof will not verify). Throws std::invalid_argument
// if `trustee` is 0 or above kMaxTrustees (a caller bug).
PartialDecryption make_partial_decryption(std::uint32_t trustee, const Scalar& secret_share,
                                          const Element& verification_key, const Ciphertext& ct,
                                          ByteView context);

// §6.6.3: checks a partial decryption of `ct` against X_t. Errors:
// out_of_range (t outside 1 … kMaxTrustees), equation_failed (the
// Chaum-Pedersen proof fails; the message names t and the equation).
Status verify_partial_decryption(const PartialDecryption& partial, const Element& verification_key,
                                 const Ciphertext& ct, ByteView context);
// The same check with its two equations deferred to `batch` (§5.6).
// Errors now: out_of_range; the equations fail later, in batch.verify().
Status batch_partial_decryption(BatchVerifier& batch, const PartialDecryption& partial,
                                const Element& verification_key, const Ciphertext& ct,
                                ByteView context);

// §6.7.1: λ_t = Π_{u∈S, u≠t} u / (u − t) mod ℓ, the Lagrange coefficient at
// 0 of trustee t in the set S. Errors: out_of_range (an index outside
// 1 … kMaxTrustees), invalid_argument (an index twice in S, or t not in S).
Expected<Scalar> lagrange_coefficient(std::uint32_t trustee, std::span<const std::uint32_t> set);

// §6.7.2: m·G = β − Σ_{t∈S} λ_t·D_t over the trustees S of `partials`, which
// must already have passed §6.6.3. Any |S| ≥ k gives the same point.
// Errors: invalid_argument (k outside 1 … kMaxTrustees, fewer than k
// partial decryptions, or a trustee twice, each with the numbers),
// out_of_range (an index outside 1 … kMaxTrustees). The count m then comes
// from DiscreteLog (dlog.hpp).
Expected<Point> combine_partial_decryptions(std::span<const PartialDecryption> partials,
                                            std::uint32_t threshold, const Ciphertext& ct);

}  // namespace senim::crypto
