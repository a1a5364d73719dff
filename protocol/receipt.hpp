// Checking a receipt (docs/protocol.md §11.3): that the board signed a head
// which includes the voter's entry, and later that the board's current head
// still extends that one.
#pragma once

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/board.pb.h"

namespace senim::protocol {

// The receipt's head is signed by `board_key`, names the receipt's election,
// and its inclusion proof puts leaf_hash at leaf_index; when `entry` is given,
// leaf_hash must be its leaf hash.
Status verify_receipt(const v1::Receipt& receipt, ByteView board_key, const Bytes* entry = nullptr);

// `later` is signed by `board_key` and `proof` shows it extends the receipt's head.
Status verify_extends(const v1::SignedTreeHead& earlier, const v1::SignedTreeHead& later,
                      const v1::ConsistencyProof& proof, ByteView board_key);

// The leaf is in `head` by `proof` (after verify_extends on that head).
Status verify_included(const v1::Receipt& receipt, const v1::SignedTreeHead& head,
                       const v1::InclusionProof& proof);

}  // namespace senim::protocol
