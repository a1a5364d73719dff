// A trustee's ceremony box key, bound to one ceremony (docs/protocol.md
// §6.3.1). The trustee signs, with its long-term signing key, its box key
// together with the election id and the board key. Every board has a fresh
// board key, so a box key exposed in one ceremony (a complaint publishes its
// secret half, §6.4.2) cannot be named in the set-up of another unless its
// trustee signs it again, and a trustee's tool never does.
#pragma once

#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/key_ceremony.hpp"
#include "protocol/signing.hpp"

namespace senim::protocol {

// §6.3.1: LP("senim/v1/ceremony-box-key") ‖ LP(election_id) ‖ board_key ‖ box_key.
Bytes box_key_signing_message(std::string_view election_id, const PublicKey& board_key,
                              const crypto::BoxPublicKey& box_key);

// §6.3.1: `signature` is the Ed25519 signature by `trustee_signing_key` of
// box_key_signing_message(election_id, board_key, box_key). Errors:
// invalid_length (not 64 bytes; an empty field is a missing signature),
// signature_invalid (it does not verify: made for another election or board,
// over another box key, or not by this trustee).
Status verify_box_key_signature(const PublicKey& trustee_signing_key, std::string_view election_id,
                                const PublicKey& board_key, const crypto::BoxPublicKey& box_key,
                                ByteView signature);

}  // namespace senim::protocol
