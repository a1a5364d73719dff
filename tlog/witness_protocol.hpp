// The tlog-witness add-checkpoint call (c2sp.org/tlog-witness;
// docs/protocol.md §13.6): the request and response bodies, and the
// witness's decision as a pure function, so that a witness server is a thin
// shell around it:
//
//   request = parse_add_checkpoint_request(body)      → 400 if it fails
//   lock the origin's record
//   outcome = decide_add_checkpoint(*request, what the witness knows)
//   if outcome.status == 200:
//     cosign outcome.note.text (cosignature_v1_signer, sign_note_text),
//     persist outcome.note plus the cosignatures, then answer
//     format_add_checkpoint_response(cosignatures)
//   if 409: answer format_tlog_size(outcome.latest_size), kTlogSizeContentType
//   unlock
//
// Checking the old size and persisting the new checkpoint must be one
// atomic step (the spec's rollback race), hence the lock around both.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"

namespace senim::tlog {

inline constexpr std::size_t kMaxConsistencyProofLines = 63;
inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";
// "old <20 digits>\n", 63 proof lines of 45 bytes, the blank line, a note.
inline constexpr std::size_t kMaxAddCheckpointBodyBytes = 4096 + kMaxNoteBytes;

struct AddCheckpointRequest {
  std::uint64_t old_size = 0;
  std::vector<Hash32> proof;  // RFC 9162 consistency proof, old_size → checkpoint size
  std::string note;           // the submitted checkpoint, verbatim
  Checkpoint checkpoint;      // its text, parsed (not yet verified)
};

// Errors (all answered with 400): invalid_encoding (the old line, a proof
// line, the blank line, the note, the checkpoint text), invalid_length (more
// than 63 proof lines, a hash not 32 bytes, the body too large).
Expected<AddCheckpointRequest> parse_add_checkpoint_request(std::string_view body);
// Errors: invalid_argument if `note` is not a signed checkpoint note.
Expected<std::string> format_add_checkpoint_request(std::uint64_t old_size,
                                                    std::span<const Hash32> proof,
                                                    std::string_view note);

// What the witness knows about the request's origin.
struct WitnessOriginState {
  bool origin_known = false;              // a log the witness is configured for
  std::span<const VerifierKey> log_keys;  // the keys it trusts for that origin
  std::optional<Checkpoint> latest;       // the latest checkpoint it cosigned, if any
};

struct AddCheckpointOutcome {
  int status = 200;               // the HTTP status the specification names
  std::optional<Error> error;     // why, when status != 200
  std::uint64_t latest_size = 0;  // 409: the size of the latest cosigned checkpoint
  // 200 only: the checkpoint to cosign, and the note to persist: its text
  // with only the log signatures that verified.
  Checkpoint checkpoint;
  Note note;
};

// The specification's checks, in its order:
//   404 unknown origin                       (Errc::unknown_log)
//   403 no signature from a trusted key      (note_unverified)
//   403 a trusted key's signature fails      (signature_invalid)
//   400 old size > checkpoint size           (out_of_range)
//   409 old size ≠ latest cosigned size      (size_conflict; latest_size set)
//   422 size 0 with a root ≠ SHA-256("")     (merkle_root_mismatch)
//   422 old size 0 with a non-empty proof    (merkle_bad_proof)
//   422 same size, different root            (merkle_root_mismatch)
//   422 the consistency proof fails          (merkle_bad_proof, merkle_root_mismatch)
//   200 otherwise.
AddCheckpointOutcome decide_add_checkpoint(const AddCheckpointRequest& request,
                                           const WitnessOriginState& state);

// The 200 response: one or more signature lines. parse_… errors:
// invalid_encoding (empty, or a line that is not a signature line),
// invalid_length (more than kMaxNoteSignatures lines).
std::string format_add_checkpoint_response(std::span<const NoteSignature> cosignatures);
Expected<std::vector<NoteSignature>> parse_add_checkpoint_response(std::string_view body);

// The 409 body: the decimal size and a newline. Errors: invalid_encoding.
std::string format_tlog_size(std::uint64_t size);
Expected<std::uint64_t> parse_tlog_size(std::string_view body);

// For the submitting log: the response's cosignatures checked as the spec
// suggests, by appending them to the checkpoint text and opening the note
// with the witness keys. Errors: those of parse_add_checkpoint_response and
// open_note.
Expected<OpenedNote> open_add_checkpoint_response(std::string_view checkpoint_text,
                                                  std::string_view body,
                                                  std::span<const VerifierKey> witness_keys);

// The monitoring path element for an origin: lowercase hex of
// SHA-256(origin), as in GET <prefix>/<origin hash>/checkpoint.
std::string origin_hash_hex(std::string_view origin);

}  // namespace senim::tlog
