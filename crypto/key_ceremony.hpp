// The key ceremony: a Pedersen-style distributed key generation in which
// every trustee is a Feldman VSS dealer (docs/protocol.md §6.1–§6.5).
//
// Trustee i picks a secret polynomial f_i of degree k − 1 (polynomial.hpp),
// posts a DealerCommitment (A_{i,j} = a_{i,j}·G with a Schnorr proof of
// knowledge of each a_{i,j}), and sends s_{i→t} = f_i(t) to every other
// trustee t in a sealed box under t's ceremony box key. Each recipient
// checks its share against the commitments; a bad share is proven by a
// complaint that anyone can check. Over the qualified dealers Q:
//
//   joint key   K   = Σ_{i∈Q} A_{i,0}                      (nobody knows its log)
//   share of t  x_t = Σ_{i∈Q} s_{i→t} = F(t),  F = Σ_{i∈Q} f_i
//   its key     X_t = x_t·G = Σ_{i∈Q} Σ_j t^j·A_{i,j}
//
// Everything here is pure computation: the board carries the messages.
// Constant-time: everything touching a_{i,j}, s_{i→t}, x_t or a box secret
// key. Variable-time (public data only): the right-hand side of share
// verification and the trustee-key sums, which involve only commitments.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/element.hpp"
#include "crypto/error.hpp"
#include "crypto/polynomial.hpp"
#include "crypto/scalar.hpp"
#include "crypto/schnorr_proof.hpp"

namespace senim::crypto {

// §6.1: n trustees numbered 1 … n, threshold k, 1 ≤ k ≤ n ≤ kMaxTrustees.
struct CeremonyParameters {
  std::uint32_t trustees = 1;   // n
  std::uint32_t threshold = 1;  // k

  // Errors: invalid_argument naming n and k.
  Status check() const;
};

// ---------------------------------------------------------------------------
// §6.2 Feldman commitments with proofs of knowledge.

struct DealerCommitment {
  std::uint32_t dealer = 0;           // i
  std::vector<Element> coefficients;  // A_{i,0} … A_{i,k−1}
  std::vector<SchnorrProof> proofs;   // π_{i,j}: knowledge of a_{i,j}, j = 0 … k−1

  static constexpr std::size_t kHeaderBytes = 4;
  static constexpr std::size_t kPerCoefficientBytes = Point::kBytes + SchnorrProof::kBytes;  // 96
  static std::size_t encoded_size(std::uint32_t threshold) {
    return kHeaderBytes + kPerCoefficientBytes * threshold;
  }

  // §6.2.2: u32_be(i) ‖ A_{i,0} ‖ … ‖ A_{i,k−1} ‖ π_{i,0} ‖ … ‖ π_{i,k−1}.
  Bytes encode() const;
  // Needs k: anything but exactly 4 + 96·k bytes is invalid_length; a
  // non-canonical point or scalar is invalid_encoding; k outside
  // 1 … kMaxTrustees is invalid_argument. Does not check the proofs.
  static Expected<DealerCommitment> decode(ByteView bytes, std::uint32_t threshold);
};

// §6.2.1: commitments A_{i,j} = a_{i,j}·G to `polynomial` and a Schnorr proof
// for each, bound to the ceremony context, k, the dealer i and j. Throws
// std::invalid_argument if `dealer` is 0 or above kMaxTrustees.
DealerCommitment make_dealer_commitment(std::uint32_t dealer, const SecretPolynomial& polynomial,
                                        ByteView context);

// §6.2.3, in order. Errors: invalid_argument (bad parameters), out_of_range
// (dealer not in 1 … n), invalid_length (not exactly k commitments and k
// proofs), invalid_encoding (A_{i,0} is the identity), equation_failed
// (a proof fails; the message names the dealer and j).
Status verify_dealer_commitment(const DealerCommitment& commitment,
                                const CeremonyParameters& parameters, ByteView context);

// ---------------------------------------------------------------------------
// §6.3 Share transport: libsodium sealed boxes (X25519 + XSalsa20-Poly1305
// with a fresh ephemeral sender key) under per-ceremony box keys.

using BoxPublicKey = std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES>;

// An X25519 ceremony box secret key. It wipes itself when destroyed.
class BoxSecretKey {
 public:
  static constexpr std::size_t kBytes = crypto_box_SECRETKEYBYTES;

  BoxSecretKey() = default;
  ~BoxSecretKey();
  BoxSecretKey(const BoxSecretKey& other) = default;
  BoxSecretKey& operator=(const BoxSecretKey& other) = default;

  // Exactly 32 bytes, else invalid_length. Any 32 bytes are an X25519 key.
  static Expected<BoxSecretKey> decode(ByteView bytes);
  // The raw key. Only a complaint (§6.4.2) ever publishes it.
  ByteView bytes() const { return key_; }
  // X25519(sk, 9): the public key this secret key belongs to.
  BoxPublicKey public_key() const;

 private:
  friend struct BoxKeyPair;
  std::array<std::uint8_t, kBytes> key_{};
};

struct BoxKeyPair {
  BoxPublicKey public_key{};
  BoxSecretKey secret_key;

  // A fresh key pair. §6.3.1: every trustee takes a new one for every ceremony.
  static BoxKeyPair generate();
};

// §6.3.1: a box public key a trustee may post. It must be the canonical
// encoding of an X25519 u-coordinate, u < p = 2^255 − 19 (so bit 255 is
// clear), else invalid_encoding: X25519 ignores bit 255 and reduces u mod p,
// so a second encoding of the same key would pass a byte comparison as a
// different key. And it must not be one of the five canonical points of small
// order (u = 0, 1, p − 1 and the two points of order 8), else
// invalid_argument: a shared secret with such a point is the same for every
// secret key, so a box sealed to it is open to anyone; libsodium refuses to
// seal to them. Public data: variable time.
Status check_box_public_key(const BoxPublicKey& key);

// Sealed box of the plaintext u32_be(i) ‖ u32_be(t) ‖ s_{i→t} (40 bytes).
inline constexpr std::size_t kSharePlaintextBytes = 8 + Scalar::kBytes;
inline constexpr std::size_t kSealedShareBytes = kSharePlaintextBytes + crypto_box_SEALBYTES;  // 88

// §6.3.2: seals s_{i→t} from `dealer` i to `recipient` t under t's box key.
// Errors: out_of_range (an index outside 1 … kMaxTrustees), invalid_argument
// (libsodium refuses the recipient key, e.g. a low-order point).
Expected<Bytes> seal_share(std::uint32_t dealer, std::uint32_t recipient, const Scalar& share,
                           const BoxPublicKey& recipient_key);

// §6.3.3: opens a box that claims to carry dealer i's share for recipient t.
// Errors: invalid_length (not 88 bytes), decryption_failed (the box does not
// open under `recipient_keys`, or its plaintext names another dealer or
// recipient: a redirected box), invalid_encoding (the share is not a
// canonical scalar).
Expected<Scalar> open_share(ByteView sealed, std::uint32_t dealer, std::uint32_t recipient,
                            const BoxKeyPair& recipient_keys);

// ---------------------------------------------------------------------------
// §6.4 Share verification and complaints.

// §6.4.1: s·G == Σ_j t^j·A_{i,j}, for recipient t = `recipient`. The left side
// is constant-time in s, the right side variable-time (public). Errors:
// out_of_range (recipient not in 1 … kMaxTrustees), invalid_length (no
// commitments), bad_share naming the dealer and the recipient.
Status verify_share(const DealerCommitment& commitment, std::uint32_t recipient,
                    const Scalar& share);

// §6.4.2: a recipient t's evidence that dealer i sent it a bad share: t's
// ceremony box secret key, published.
//
// Trade-off: publishing the key lets everyone open every box sent to t in
// this ceremony, i.e. learn all of t's shares s_{·→t}. That is why box keys
// are fresh per ceremony, and why a complaint ends the ceremony: it is
// restarted without the accused dealer (or without the accuser, if the
// complaint is false), with new polynomials and new box keys, so nothing
// revealed here is ever part of a key that is used.
struct ComplaintEvidence {
  static constexpr std::size_t kBytes = 8 + BoxSecretKey::kBytes;  // 40

  std::uint32_t accuser = 0;  // t, the recipient
  std::uint32_t accused = 0;  // i, the dealer
  BoxSecretKey box_secret_key;

  // u32_be(t) ‖ u32_be(i) ‖ sk_t
  Bytes encode() const;
  // Exactly 40 bytes, else invalid_length.
  static Expected<ComplaintEvidence> decode(ByteView bytes);
};

ComplaintEvidence make_complaint(std::uint32_t accuser, std::uint32_t accused,
                                 const BoxKeyPair& accuser_keys);

// An upheld complaint: dealer `dealer` is proven to have cheated `accuser`.
struct UpheldComplaint {
  std::uint32_t dealer = 0;
  std::uint32_t accuser = 0;
  Error reason;  // decryption_failed, invalid_length, invalid_encoding or bad_share
};

// §6.4.3. `accuser_box_key` is the box public key t posted before the
// ceremony; `sealed_share` the exact box bytes dealer i posted for t;
// `accused_commitment` dealer i's DealerCommitment (already verified by
// §6.2.3; if it was not valid, i is disqualified without a complaint).
//
// The complaint is upheld (the result names the dealer) iff the published
// key matches t's posted box key and the box fails to open, names the wrong
// dealer or recipient, holds a non-canonical scalar or a share that fails
// §6.4.1. Otherwise it is rejected with an Error:
//   invalid_argument  the evidence does not concern this dealer's commitment,
//                     or names an index outside 1 … kMaxTrustees, or t = i;
//   equation_failed   X25519(sk, 9) != the posted box public key of t;
//   invalid_argument  a false complaint: the share opens and verifies (the
//                     message says "unfounded").
Expected<UpheldComplaint> verify_complaint(const ComplaintEvidence& evidence,
                                           const BoxPublicKey& accuser_box_key,
                                           ByteView sealed_share,
                                           const DealerCommitment& accused_commitment);

// ---------------------------------------------------------------------------
// §6.5 The joint key and the trustees' keys, over the qualified dealers Q.
// Every function checks that Q is non-empty, that its dealers are distinct
// and in 1 … kMaxTrustees and that all have the same number of commitments
// (invalid_argument, out_of_range, invalid_length otherwise).

// K = Σ_{i∈Q} A_{i,0}. Errors as above, and invalid_encoding if K is the identity.
Expected<Element> joint_public_key(std::span<const DealerCommitment> qualified);

// X_t = Σ_{i∈Q} Σ_j t^j·A_{i,j} (variable-time; public data). Errors as above,
// and out_of_range for t outside 1 … kMaxTrustees.
Expected<Element> trustee_public_key(std::span<const DealerCommitment> qualified,
                                     std::uint32_t trustee);

// x_t = Σ_{i∈Q} s_{i→t}, where shares[q] came from qualified[q] (t's own
// share f_t(t) included), checked against X_t. Errors as trustee_public_key,
// invalid_length (shares and dealers differ in number) and bad_share
// (x_t·G != X_t: some share was not checked by §6.4.1).
Expected<Scalar> final_secret_share(std::uint32_t trustee, std::span<const Scalar> shares,
                                    std::span<const DealerCommitment> qualified);

}  // namespace senim::crypto
