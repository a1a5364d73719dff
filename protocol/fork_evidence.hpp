// Fork evidence (docs/protocol.md §14.6): two checkpoints signed by the
// board's key for one origin that cannot both be true, in a file anyone can
// check offline (`senim-verify --evidence FILE`).
//
//   "senim fork evidence v1\n"
//   "board " <the board's vkey> "\n"
//   "note " decimal(byte length) "\n" <signed checkpoint note, that many bytes>
//   "note " decimal(byte length) "\n" <signed checkpoint note, that many bytes>
//   [ "proof\n" (base64(hash) "\n")* "\n" ]        when the sizes differ
//
// The first checkpoint is the smaller (size m ≤ n). Two kinds prove a fork:
//   - m = n and the roots differ;
//   - 0 < m < n and the proof — a consistency proof from m to n, preceded by
//     the larger tree's own hash of its first m entries when m is a power of
//     two — leads to the larger checkpoint's root but not to the smaller's:
//     by collision resistance of SHA-256 the larger tree's first m entries
//     then have another root than the smaller checkpoint, so the board signed
//     two logs of which neither is a prefix of the other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"
#include "tlog/vkey.hpp"

namespace senim::protocol {

inline constexpr std::string_view kForkEvidenceHeader = "senim fork evidence v1";
// Two notes at their limit and a proof of 64 hashes.
inline constexpr std::size_t kMaxForkEvidenceBytes = 2 * tlog::kMaxNoteBytes + 8192;

struct ForkEvidence {
  std::string board_vkey;
  std::string smaller_note;   // the checkpoint of size m, verbatim
  std::string larger_note;    // size n ≥ m
  std::vector<Hash32> proof;  // empty when m = n
  friend bool operator==(const ForkEvidence&, const ForkEvidence&) = default;
};

// Strict syntax. Errors: invalid_encoding (a line, a length, the notes'
// syntax, anything after the end), invalid_length (too large, too many
// proof lines, a hash not 32 bytes).
Expected<ForkEvidence> parse_fork_evidence(std::string_view text);
std::string format_fork_evidence(const ForkEvidence& evidence);

struct ProvenFork {
  tlog::VerifierKey board;
  tlog::Checkpoint smaller;
  tlog::Checkpoint larger;
  // The larger tree's root of its first m entries (m < n), as the proof
  // computes it; for m = n, the larger checkpoint's root.
  Hash32 larger_prefix_root{};
  std::string explanation;  // one sentence for people
};

// Recomputes, then compares (docs/protocol.md §14.6). Errors:
// invalid_argument (the vkey is not an Ed25519 note key, a checkpoint's
// origin is not the key's name); those of open_note (note_unverified,
// signature_invalid: a note not signed by the board key); invalid_encoding
// (the first checkpoint is the larger; a proof given for equal sizes, or
// missing for different ones); merkle_bad_proof (the proof's length);
// merkle_root_mismatch (the proof does not lead to the larger root: it
// proves nothing); not_a_fork (the checkpoints are consistent: equal trees,
// an empty smaller tree, or the proof leads to both roots).
Expected<ProvenFork> verify_fork_evidence(const ForkEvidence& evidence);

// The proof a fork file carries between sizes m < n, from the hashes of the
// larger tree (a TileHashReader authenticated against its root, or the
// hashes of a record's entries). Errors: those of prove_consistency.
Expected<std::vector<Hash32>> fork_proof(std::uint64_t m, std::uint64_t n,
                                         tlog::HashReader& larger);

// Evidence from two board-signed notes in either order and, when their sizes
// differ, the fork_proof between them; verified before it is returned, so a
// tool only ever writes evidence that proves a fork. Errors: those of
// verify_fork_evidence.
Expected<ForkEvidence> make_fork_evidence(const std::string& board_vkey, const std::string& note_a,
                                          const std::string& note_b, std::vector<Hash32> proof);

// docs/protocol.md §14.6, "Writing it": the one builder every tool uses
// (the witness, `senim check`, `senim-verify`). Evidence that two notes
// signed by the board, in either order, cannot both be true: for equal
// sizes no proof is needed; otherwise `given` (a proof someone sent, such
// as an add-checkpoint request's) is tried first, then a fork_proof read
// from `larger_tiles`, the tiles of the larger checkpoint's tree
// (authenticated against its root by a tile reader; nullptr if there are
// none at hand). Errors: tlog::parse_note's and parse_checkpoint's;
// verify_fork_evidence's (not_a_fork when the two are consistent); those of
// the tile reader (merkle_root_mismatch: the tiles are not the larger
// tree's — then only the tool that read them knows the board would not
// prove it, and no one else can be shown).
Expected<ForkEvidence> build_fork_evidence(const std::string& board_vkey, const std::string& note_a,
                                           const std::string& note_b,
                                           tlog::TileSource* larger_tiles,
                                           const std::vector<Hash32>& given = {});

// Two checkpoints of the election, both signed by the board, compared as
// build_fork_evidence judges them: consistent (one tree is a prefix of the
// other), a fork with its evidence, or unproven (the larger tree's tiles
// could not show either: the reason is the message).
struct CheckpointComparison {
  enum class Outcome { consistent, fork, unproven };
  Outcome outcome = Outcome::unproven;
  std::optional<ForkEvidence> evidence;  // for a fork
  std::string message;                   // for unproven: why
  Errc code = Errc::invalid_argument;    // for unproven: the error's (io_error: unreadable)
};
CheckpointComparison compare_checkpoints(const std::string& board_vkey, const std::string& note_a,
                                         const std::string& note_b, tlog::TileSource* larger_tiles);

// "fork-M-N.evidence", the name the tools give an evidence file (M ≤ N the
// sizes of its checkpoints).
std::string fork_evidence_name(const ForkEvidence& evidence);
// Writes the evidence durably in `dir` as `prefix` + fork_evidence_name,
// never overwriting another file (protocol/durable_file.hpp's
// keep_file_durably). Returns the path. Errors: io_error.
Expected<std::string> keep_fork_evidence(const ForkEvidence& evidence, const std::string& dir,
                                         const std::string& prefix = "");

}  // namespace senim::protocol
