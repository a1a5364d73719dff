// The election as its set-up entry defines it (docs/protocol.md §8.2), and
// the key-ceremony messages checked against it (§8.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/key_ceremony.hpp"
#include "crypto/polynomial.hpp"
#include "proto/board.pb.h"
#include "protocol/entry.hpp"
#include "protocol/manifest_rules.hpp"
#include "protocol/signing.hpp"
#include "tlog/policy.hpp"
#include "tlog/vkey.hpp"

namespace senim::protocol {

struct ElectionConfig {
  std::string statement_bytes;  // the exact set-up statement
  v1::ElectionSetup setup;
  ElectionShape shape;
  crypto::CeremonyParameters ceremony;
  Hash32 setup_hash{};  // ctx_c, the ceremony context (§8.2)
  PublicKey authority{};
  PublicKey board{};
  std::vector<PublicKey> trustee_keys;         // signing keys, trustee t at t−1
  std::vector<crypto::BoxPublicKey> box_keys;  // ceremony box keys, trustee t at t−1
  // The log (§8.2, §11.2): its origin, the board's verifier key, and the
  // election's witness policy (§11.4: `log <board vkey>` and the manifest's).
  std::string log_origin;
  tlog::VerifierKey board_vkey;
  tlog::Policy policy;

  const std::string& election_id() const { return shape.election_id; }
  // The trustee number (1-based) whose signing key is `signer`.
  std::optional<std::uint32_t> trustee_of(ByteView signer) const;
};

// §8.5: credentials per CredentialList entry that senim's tools post. A
// credential takes at most 102 bytes in a list (a 32-byte key and a 64-byte
// district id, each with its key and length, and the entry's own key and
// length), so 500 of them with the statement and entry around them (51,174
// bytes at most) stay below the 65,535 bytes of an entry (§11.1), whatever
// the district ids.
inline constexpr std::size_t kCredentialsPerList = 500;

// §8.2: SHA-256(LP("senim/v1/setup-hash") ‖ setup statement bytes).
Hash32 setup_hash(ByteView setup_statement_bytes);

// §8.2: the set-up entry's rules: a set-up body, the manifest (§8.1), keys of
// the right lengths, the log origin, distinct trustee signing keys, 1 ≤ k ≤ n ≤ 255, the
// statement's election id equal to the manifest's, and signed by its
// authority key (the signature itself is checked by verify_entry_signature);
// then every trustee's box key (§6.3.1), in order: not repeated and no
// signing key (invalid_argument), canonical and not of small order
// (invalid_encoding, invalid_argument), and signed by its trustee for this
// election on this board (invalid_length if the signature is missing, else
// signature_invalid).
// Every error message starts "set-up: " and names the trustee.
Expected<ElectionConfig> check_setup(const ParsedEntry& entry);

// --- §8.3 the ceremony on the board ---------------------------------------

// Shape, proofs and sealed-share sizes of a deal by `trustee`; returns the
// commitment in crypto form.
Expected<crypto::DealerCommitment> check_deal(const ElectionConfig& config,
                                              const v1::TrusteeDeal& deal);

// The context of trustee t's Schnorr proof of its final share x_t:
// setup_hash ‖ u32_be(t).
Bytes ready_proof_context(const ElectionConfig& config, std::uint32_t trustee);

// X_t equals the one computed from the commitments, and the proof verifies.
Status check_ready(const ElectionConfig& config, const v1::TrusteeReady& ready,
                   const crypto::Element& expected_public_share);

// §8.4: SHA-256(LP("senim/v1/base-hash") ‖ LP(setup statement) ‖ enc(K) ‖ enc(X_1) ‖ … ‖ enc(X_n)).
Hash32 base_hash(const ElectionConfig& config, const crypto::Element& joint_key,
                 const std::vector<crypto::Element>& trustee_public_keys);

}  // namespace senim::protocol
