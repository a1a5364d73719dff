// What a trustee writes to the board (the write side of the protocol; the
// checks of these messages are in election_config.hpp and decryption.hpp).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/elgamal.hpp"
#include "crypto/polynomial.hpp"
#include "crypto/scalar.hpp"
#include "proto/ceremony.pb.h"
#include "proto/tally.pb.h"
#include "protocol/election_config.hpp"
#include "protocol/signing.hpp"

namespace senim::protocol {

// §6.3.1: the trustee's signature binding `box_key` to this election on this
// board (see box_key.hpp). A trustee signs each box key it makes once.
Signature sign_box_key(const SigningKey& trustee, std::string_view election_id,
                       const PublicKey& board_key, const crypto::BoxPublicKey& box_key);

// Trustee t's deal: Feldman commitments with proofs and sealed shares for
// every other trustee (its own slot is empty).
Expected<v1::TrusteeDeal> make_deal(const ElectionConfig& config, std::uint32_t trustee,
                                    const crypto::SecretPolynomial& polynomial);

v1::TrusteeReady make_ready(const ElectionConfig& config, std::uint32_t trustee,
                            const crypto::Scalar& share, const crypto::Element& public_share);

// Trustee t's partial decryption of every ciphertext, bound to the base hash.
v1::PartialDecryption make_partial(const Hash32& base_hash, std::uint32_t trustee,
                                   const crypto::Scalar& share, const crypto::Element& public_share,
                                   const std::vector<crypto::Ciphertext>& ciphertexts);

}  // namespace senim::protocol
