#include "protocol/receipt.hpp"

#include <array>
#include <vector>

#include "crypto/merkle.hpp"
#include "tlog/note.hpp"
#include "tlog/stored_hashes.hpp"

namespace senim::protocol {

Expected<std::string> make_receipt(ByteView entry, std::uint64_t index,
                                   std::span<const Hash32> inclusion_proof,
                                   std::string_view checkpoint_note) {
  tlog::ProofFile file;
  file.extra = Bytes(entry.begin(), entry.end());
  file.index = index;
  file.inclusion_proof.assign(inclusion_proof.begin(), inclusion_proof.end());
  file.checkpoint = std::string(checkpoint_note);
  // The format's own checks, so that a receipt the board sends always parses.
  std::string text = tlog::format_proof_file(file);
  if (auto parsed = tlog::parse_proof_file(text); !parsed) {
    return make_error(Errc::invalid_argument,
                      "cannot make a receipt: " + std::string(errc_name(parsed.error().code)) +
                          ": " + parsed.error().message);
  }
  return text;
}

Expected<ReceiptParts> parse_receipt(std::string_view text) {
  auto file = tlog::parse_proof_file(text);
  if (!file)
    return file.error();
  if (!file->extra) {
    return make_error(Errc::invalid_argument,
                      "the receipt carries no entry (a senim receipt has an extra line, §11.3)");
  }
  ReceiptParts parts;
  parts.entry = *file->extra;
  auto parsed = parse_entry(parts.entry);
  if (!parsed)
    return make_error(parsed.error().code, "the receipt's entry: " + parsed.error().message);
  parts.parsed = std::move(*parsed);
  parts.leaf_hash = crypto::merkle::leaf_hash(parts.entry);
  parts.file = std::move(*file);
  return parts;
}

Expected<CheckedReceipt> verify_receipt(std::string_view text, const ElectionConfig& config,
                                        const Bytes* entry) {
  auto parts = parse_receipt(text);
  if (!parts)
    return parts.error();
  if (entry != nullptr && *entry != parts->entry) {
    return make_error(Errc::invalid_argument,
                      "the receipt is for another entry than the one sent (leaf hash " +
                          to_hex(parts->leaf_hash) + ", the entry's " +
                          to_hex(crypto::merkle::leaf_hash(*entry)) + ")");
  }
  auto checkpoint = verify_board_checkpoint(parts->file.checkpoint, config.board_vkey);
  if (!checkpoint)
    return checkpoint.error();
  // tlog-proof steps 2–4 with the election's policy: the board's signature,
  // every policy witness's cosignature, and the inclusion proof.
  const std::array<tlog::VerifierKey, 1> log_keys{config.board_vkey};
  auto witnessed = tlog::verify_proof_file(parts->file, parts->leaf_hash, log_keys, config.policy);
  if (!witnessed)
    return witnessed.error();
  return CheckedReceipt{std::move(*parts), std::move(*checkpoint), std::move(*witnessed)};
}

Status verify_extends(const tlog::Checkpoint& earlier, const tlog::Checkpoint& later,
                      tlog::TileSource& later_tiles) {
  const std::string sizes = std::to_string(earlier.size) + " and " + std::to_string(later.size);
  if (later.size < earlier.size) {
    return make_error(Errc::out_of_range, "the log's latest checkpoint (size " +
                                              std::to_string(later.size) +
                                              ") is older than the one checked against it (size " +
                                              std::to_string(earlier.size) + ")");
  }
  if (later.size == earlier.size) {
    if (later.root == earlier.root)
      return Status::success();
    return make_error(Errc::merkle_root_mismatch,
                      "two checkpoints of size " + std::to_string(later.size) +
                          " with different roots: " + to_hex(earlier.root) + " and " +
                          to_hex(later.root));
  }
  // The proof is computed from the later tree's tiles, authenticated to its
  // root (§13.9.3), then checked as anyone would (§7.4).
  auto proof =
      tlog::consistency_proof_from_tiles(earlier.size, later.size, later.root, later_tiles);
  if (!proof)
    return proof.error();
  if (auto s = crypto::merkle::verify_consistency(earlier.size, later.size, earlier.root,
                                                  later.root, *proof);
      !s) {
    return make_error(s.error().code, "the checkpoints of sizes " + sizes +
                                          " are not consistent: " + s.error().message);
  }
  return Status::success();
}

Status verify_leaf(std::uint64_t index, const Hash32& leaf_hash, const tlog::Checkpoint& checkpoint,
                   tlog::TileSource& tiles) {
  if (index >= checkpoint.size) {
    return make_error(Errc::invalid_argument, "leaf " + std::to_string(index) +
                                                  " is not in the tree of size " +
                                                  std::to_string(checkpoint.size));
  }
  tlog::TileHashReader reader(checkpoint.size, checkpoint.root, tiles);
  const std::array<std::uint64_t, 1> wanted{tlog::stored_hash_index(0, index)};
  auto hashes = reader.read_hashes(wanted);
  if (!hashes)
    return hashes.error();
  if (hashes->front() != leaf_hash) {
    return make_error(Errc::merkle_root_mismatch,
                      "leaf " + std::to_string(index) + " of the log of size " +
                          std::to_string(checkpoint.size) + " is " + to_hex(hashes->front()) +
                          ", not " + to_hex(leaf_hash));
  }
  return Status::success();
}

}  // namespace senim::protocol
