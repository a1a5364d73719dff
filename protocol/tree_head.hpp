// Signed tree heads (docs/protocol.md §11.2): the board's signed statement
// "my log for this election has this size and this root".
#pragma once

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/board.pb.h"
#include "protocol/signing.hpp"

namespace senim::protocol {

// LP("senim/v1/tree-head") ‖ LP(election_id) ‖ u64_be(size) ‖ root ‖ u64_be(timestamp_ms)
Bytes tree_head_signing_message(const std::string& election_id, std::uint64_t tree_size,
                                const Hash32& root, std::uint64_t timestamp_ms);

v1::SignedTreeHead sign_tree_head(const SigningKey& board_key, const std::string& election_id,
                                  std::uint64_t tree_size, const Hash32& root,
                                  std::uint64_t timestamp_ms);

// Field lengths, then the signature under `board_key`: invalid_length or
// signature_invalid.
Status verify_tree_head(const v1::SignedTreeHead& head, ByteView board_key);

// The head's root as a Hash32 (after verify_tree_head checked its length).
Hash32 tree_head_root(const v1::SignedTreeHead& head);

}  // namespace senim::protocol
