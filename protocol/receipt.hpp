// Receipts (docs/protocol.md §11.3): a c2sp.org/tlog-proof@v1 file whose
// extra data is the entry's exact bytes, proving that the entry is leaf
// `index` of a checkpoint of the election; and the later check that the
// board's log still extends that checkpoint and still holds the leaf, from
// the log's tiles.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "tlog/proof_file.hpp"
#include "tlog/tile_reader.hpp"

namespace senim::protocol {

// §11.3: the receipt text of `entry` at `index`, with its inclusion proof
// in the tree of `checkpoint_note` (a note the board signed, §11.2).
// Errors: invalid_argument if the note does not parse as a checkpoint.
Expected<std::string> make_receipt(ByteView entry, std::uint64_t index,
                                   std::span<const Hash32> inclusion_proof,
                                   std::string_view checkpoint_note);

// The parts of a receipt, before anything is verified.
struct ReceiptParts {
  tlog::ProofFile file;
  Bytes entry;  // the extra data
  ParsedEntry parsed;
  Hash32 leaf_hash{};  // SHA-256(0x00 ‖ entry), §7.1
};
// Errors: tlog::parse_proof_file's; invalid_argument (no extra line);
// parse_entry's for the extra.
Expected<ReceiptParts> parse_receipt(std::string_view text);

struct CheckedReceipt {
  ReceiptParts parts;
  BoardCheckpoint checkpoint;
  tlog::CheckpointVerification witnessed;  // its policy cosigners, quorum_met
};

// §11.3 "Checking a receipt": the receipt is for `entry` when given, its
// checkpoint is one of the election with valid policy cosignatures, and
// the inclusion proof leads from the entry's leaf hash to its root.
// Errors: parse_receipt's; invalid_argument (another entry);
// verify_witnessed_checkpoint's; merkle_bad_proof, merkle_root_mismatch.
Expected<CheckedReceipt> verify_receipt(std::string_view text, const ElectionConfig& config,
                                        const Bytes* entry = nullptr);

// §11.3 "Checking it later", from the tiles of the tree of `later` (a
// checkpoint already verified): `earlier`'s tree is a prefix of it (equal
// roots at equal sizes, else a consistency proof computed from `later`'s
// tiles verifies). Errors: out_of_range if `later` is smaller (the source
// is behind, not evidence); merkle_root_mismatch, merkle_bad_proof (the
// logs are not consistent: evidence); the source's errors.
Status verify_extends(const tlog::Checkpoint& earlier, const tlog::Checkpoint& later,
                      tlog::TileSource& later_tiles);
// Leaf `index` of the tree of `checkpoint` is `leaf_hash`, read from its
// tiles, authenticated to its root (docs/protocol.md §13.9.3). Errors:
// invalid_argument (no such leaf in that tree), merkle_root_mismatch
// (another leaf there, or tiles that do not match the root); the source's.
Status verify_leaf(std::uint64_t index, const Hash32& leaf_hash, const tlog::Checkpoint& checkpoint,
                   tlog::TileSource& tiles);

}  // namespace senim::protocol
