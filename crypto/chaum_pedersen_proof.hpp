// Chaum-Pedersen proof that log_G X = log_A D (docs/protocol.md §5.2): the
// holder of x with X = x·G shows that D = x·A without revealing x. Used for
// partial decryptions (A = α of the aggregate, D = the share of x·α).
#pragma once

#include "crypto/batch_verifier.hpp"
#include "crypto/bytes.hpp"
#include "crypto/element.hpp"
#include "crypto/error.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

// The public statement: X = x·G and D = x·A.
struct DleqStatement {
  Element public_key;  // X
  Element base;        // A
  Element result;      // D
};

struct ChaumPedersenProof {
  static constexpr std::size_t kBytes = 96;
  Element commitment_g;  // R1 = k·G
  Element commitment_a;  // R2 = k·A
  Scalar response;       // s = k + c·x

  Bytes encode() const;  // R1 ‖ R2 ‖ s
  static Expected<ChaumPedersenProof> decode(ByteView bytes);
};

ChaumPedersenProof prove_chaum_pedersen(const Scalar& secret, const DleqStatement& statement,
                                        ByteView context);
// Errors: equation_failed (naming which of the two equations).
Status verify_chaum_pedersen(const ChaumPedersenProof& proof, const DleqStatement& statement,
                             ByteView context);
void batch_chaum_pedersen(BatchVerifier& batch, const ChaumPedersenProof& proof,
                          const DleqStatement& statement, ByteView context);

}  // namespace senim::crypto
