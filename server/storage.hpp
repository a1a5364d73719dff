// Where the board keeps its log: every leaf's exact bytes, every checkpoint
// it signed and the witnesses' cosignatures on them. An interface, so that a server database can
// replace the embedded SQLite one (sqlite_storage.hpp) without touching intake or the API.
//
// The one write, append(), is atomic and durable: when it returns success the
// leaves and the checkpoint that covers them survive a crash or a power cut; when it
// fails, none of them is stored. A receipt is only sent after it returned
// success (DESIGN.md, "Storage and network").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/signing.hpp"
#include "server/lookup_digest.hpp"

namespace senim::server {

// One leaf of the log with the columns the server looks things up by.
struct LeafRecord {
  std::uint64_t index = 0;
  Bytes bytes;                          // the exact entry bytes (docs/protocol.md §11.1)
  Hash32 leaf_hash{};                   // SHA-256(0x00 ‖ bytes), §7.1
  std::string kind;                     // protocol::body_name: "ballot", "setup", …
  std::optional<Hash32> tracking_code;  // ballots and challenges (§9.4)
  protocol::PublicKey signer{};
  std::vector<Hash32> alphas;  // cast ballots: the α of each ciphertext (§9.5), indexed
  // Credential lists: every key the list holds (§8.5), indexed for the
  // voter's view (docs/protocol.md §11.6).
  std::vector<protocol::PublicKey> credential_keys;
};

// A checkpoint the board signed (docs/protocol.md §11.2): its size, root and
// note, with the board's signature only.
struct StoredCheckpoint {
  std::uint64_t size = 0;
  Hash32 root{};
  std::string note;
};

// A witness's cosignature on the checkpoint of `size` (§11.4): the note's
// signature line, "— name base64\n", and the key it is by.
struct StoredCosignature {
  std::uint64_t size = 0;
  std::string key_name;
  std::uint32_t key_id = 0;
  std::string line;
};

// Where a tracking code appears: the leaf and its kind ("ballot" or "challenge").
struct TrackingCodeHit {
  std::uint64_t index = 0;
  std::string kind;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Stores `leaves` (consecutive, starting at leaf_count()), `checkpoint`
  // and `cosignatures` (of checkpoints already stored, or of this one) in
  // one durable transaction. Thread-safe, but meant for one writer.
  virtual Status append(std::span<const LeafRecord> leaves, const StoredCheckpoint& checkpoint,
                        std::span<const StoredCosignature> cosignatures) = 0;
  // The same without a checkpoint: only for rebuilding a board from an
  // election record (board_restore.cpp), whose checkpoints come separately.
  virtual Status append_leaves(std::span<const LeafRecord> leaves) = 0;
  // Cosignatures alone, of stored checkpoints; one already stored (the same
  // size and key) is kept as it was.
  virtual Status append_cosignatures(std::span<const StoredCosignature> cosignatures) = 0;

  // --- reads: thread-safe, see only committed data ---------------------------
  virtual Expected<std::uint64_t> leaf_count() = 0;
  virtual Expected<Bytes> leaf(std::uint64_t index) = 0;
  // Calls `visit` with each stored leaf of [begin, end), every column as
  // stored, in order; stops early (and returns that error) if `visit` fails.
  using LeafVisitor = std::function<Status(LeafRecord)>;
  virtual Status scan_leaves(std::uint64_t begin, std::uint64_t end, const LeafVisitor& visit) = 0;
  // The stored leaf hashes of leaves [0, end), in order, read from the
  // leaf-hash index alone (a restart from a snapshot, board_resume.cpp:
  // never the leaves' bytes). Errors: io_error (a leaf missing or indexed
  // twice), storage's.
  virtual Expected<std::vector<Hash32>> leaf_hashes(std::uint64_t end) = 0;
  // The first leaf with this tracking code and this kind ("" for any kind).
  virtual Expected<std::optional<TrackingCodeHit>> find_tracking_code(const Hash32& code,
                                                                      const std::string& kind) = 0;
  // The distinct tracking codes that begin with `prefix` (a short code's
  // bytes, docs/protocol.md §9.4), ascending, at most `limit` of them.
  virtual Expected<std::vector<Hash32>> find_tracking_code_prefix(ByteView prefix,
                                                                  std::size_t limit) = 0;
  // The leaf with this leaf hash, every column but the bytes.
  virtual Expected<std::optional<LeafRecord>> find_leaf_hash(const Hash32& leaf_hash) = 0;
  // The credential list that holds this credential key (§8.5), if any.
  virtual Expected<std::optional<std::uint64_t>> find_credential_list(
      const protocol::PublicKey& key) = 0;
  // Compares the look-up structures behind find_tracking_code,
  // find_leaf_hash, find_alpha and find_credential_list, read on their own, with `of_leaves`, the
  // digests of the leaves as the board replayed them; an error names the structure that differs.
  // (Integrity checks of the engine itself run at open.)
  virtual Status check_lookups(const LookupDigests& of_leaves) = 0;
  // The engine's own check of every page (SQLite's quick_check: it reads
  // the whole file), if opening left it for later; once.
  virtual Status check_pages() = 0;
  // §9.5: the ballots before leaf `before` that may hold a ciphertext whose
  // α is `alpha`: every one that does, and rarely one that does not (the
  // index keys on α's first 8 bytes; the caller compares the whole α).
  virtual Expected<std::vector<std::uint64_t>> find_alpha(const Hash32& alpha,
                                                          std::uint64_t before) = 0;
  // Every stored checkpoint, smallest first.
  using CheckpointVisitor = std::function<Status(StoredCheckpoint)>;
  virtual Status scan_checkpoints(const CheckpointVisitor& visit) = 0;
  // Every stored cosignature, by checkpoint size.
  using CosignatureVisitor = std::function<Status(StoredCosignature)>;
  virtual Status scan_cosignatures(const CosignatureVisitor& visit) = 0;
};

}  // namespace senim::server
