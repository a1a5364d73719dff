// Voters' credentials and their signatures: Schnorr over ristretto255
// (docs/protocol.md §11.1.2). A credential is a point A = a·G of the
// prime-order group, so one signature verified alone and the same signature
// verified in a batch of many (§5.6) give the same answer, always: which
// Ed25519's cofactored batch equation cannot promise against libsodium's
// cofactorless single check. The batch form joins the ballot batch's MSM.
//
// Every other principal (authority, trustees, board, witnesses) keeps
// Ed25519 (protocol/signing.hpp); which scheme an entry uses is fixed by
// its body kind (entry_signature_scheme in protocol/entry.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "crypto/batch_verifier.hpp"
#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/signing.hpp"

namespace senim::protocol {

// A credential's secret: its 32-byte seed, and what §11.1.2 derives from it
// (the scalar a and the nonce prefix), in libsodium's guarded memory.
class CredentialKey {
 public:
  static constexpr std::size_t kSeedBytes = 32;

  static CredentialKey generate();
  // §11.1.2: the key of a 32-byte seed (what a credential file keeps).
  static Expected<CredentialKey> from_seed(ByteView seed);

  // enc(A), A = a·G.
  const PublicKey& public_key() const { return public_key_; }
  // (enc(R), enc(s)), deterministic: the same message gives the same bytes.
  Signature sign(ByteView message) const;
  // The 32-byte seed, for writing a credential file; callers must wipe it.
  Bytes seed() const;

 private:
  struct Free {
    void operator()(std::uint8_t* p) const;
  };
  CredentialKey();
  // seed ‖ enc(a) ‖ prefix: 96 bytes, wiped by sodium_free.
  std::unique_ptr<std::uint8_t, Free> secret_;
  PublicKey public_key_{};
};

// enc(A) of a seed without a CredentialKey (no guarded allocation of its
// own: for issuing credentials by the million). `scratch` is the caller's
// guarded memory for the hash and the scalar, wiped before return.
inline constexpr std::size_t kCredentialScratchBytes = 96;
Expected<PublicKey> credential_public_key(ByteView seed,
                                          std::span<std::uint8_t, kCredentialScratchBytes> scratch);

// §8.5: a credential on a list is the canonical encoding of a ristretto255
// point other than the identity. invalid_length, invalid_encoding or
// identity_element otherwise.
Status check_credential_key(ByteView key);

// §11.1.2, one signature: s canonical, R and A canonical (A not the
// identity), s·G = R + c·A. invalid_encoding (s, R or A), identity_element
// (A), signature_invalid (the equation) — each message says which.
Status verify_credential_signature(ByteView public_key, ByteView message, ByteView signature);

// The same rule for a batch (§5.6): the encodings are checked now (the
// same errors as alone); the equation z·(s·G − R − c·A) = 0 joins `batch`,
// in its current item, and holds iff the one-by-one equation does.
Status batch_credential_signature(crypto::BatchVerifier& batch, ByteView public_key,
                                  ByteView message, ByteView signature);

}  // namespace senim::protocol
