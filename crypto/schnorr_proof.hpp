// Schnorr proof of knowledge of x with X = x·G (docs/protocol.md §5.1).
#pragma once

#include "crypto/batch_verifier.hpp"
#include "crypto/bytes.hpp"
#include "crypto/element.hpp"
#include "crypto/error.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

struct SchnorrProof {
  static constexpr std::size_t kBytes = 64;
  Element commitment;  // R = k·G
  Scalar response;     // s = k + c·x

  Bytes encode() const;  // R ‖ s
  static Expected<SchnorrProof> decode(ByteView bytes);
};

// Proves knowledge of `secret` for public_key = secret·G, bound to `context`.
SchnorrProof prove_schnorr(const Scalar& secret, const Element& public_key, ByteView context);

// Recompute c, then check s·G = R + c·X. Errors: equation_failed.
Status verify_schnorr(const SchnorrProof& proof, const Element& public_key, ByteView context);
// Defers the equation to `batch`.
void batch_schnorr(BatchVerifier& batch, const SchnorrProof& proof, const Element& public_key,
                   ByteView context);

}  // namespace senim::crypto
