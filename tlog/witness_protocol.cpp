#include "tlog/witness_protocol.hpp"

#include <sodium.h>

#include <utility>

#include "crypto/merkle.hpp"
#include "tlog/base64.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

namespace merkle = crypto::merkle;

constexpr std::string_view kOldPrefix = "old ";

Error malformed(const std::string& why) {
  return make_error(Errc::invalid_encoding, "malformed add-checkpoint request: " + why);
}

AddCheckpointOutcome refuse(int status, Error error) {
  AddCheckpointOutcome out;
  out.status = status;
  out.error = std::move(error);
  return out;
}

// 403 for the two signature failures signed-note names; anything else from
// open_note here is a request the parser would not have produced.
int status_for_note_error(Errc code) {
  return code == Errc::note_unverified || code == Errc::signature_invalid ? 403 : 400;
}

}  // namespace

Expected<AddCheckpointRequest> parse_add_checkpoint_request(std::string_view body) {
  if (body.size() > kMaxAddCheckpointBodyBytes) {
    return make_error(Errc::invalid_length, "add-checkpoint body of " +
                                                std::to_string(body.size()) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(kMaxAddCheckpointBodyBytes));
  }
  LineReader lines(body);
  const std::optional<std::string_view> old_line = lines.next();
  if (!old_line || old_line->substr(0, kOldPrefix.size()) != kOldPrefix)
    return malformed("the first line must be \"old <size>\"");
  const std::optional<std::uint64_t> old_size = parse_decimal(old_line->substr(kOldPrefix.size()));
  if (!old_size)
    return malformed("old size " + quote(old_line->substr(kOldPrefix.size())) +
                     " is not a decimal without leading zeros");
  AddCheckpointRequest out;
  out.old_size = *old_size;
  Expected<std::vector<Hash32>> proof =
      read_hash_lines(lines, kMaxConsistencyProofLines, "consistency proof");
  if (!proof)
    return proof.error();
  out.proof = std::move(*proof);
  out.note = std::string(lines.rest());
  Expected<Note> note = parse_note(out.note);
  if (!note)
    return note.error();
  Expected<Checkpoint> checkpoint = parse_checkpoint(note->text);
  if (!checkpoint)
    return checkpoint.error();
  out.checkpoint = std::move(*checkpoint);
  return out;
}

Expected<std::string> format_add_checkpoint_request(std::uint64_t old_size,
                                                    std::span<const Hash32> proof,
                                                    std::string_view note) {
  if (proof.size() > kMaxConsistencyProofLines)
    return make_error(Errc::invalid_argument, "more than 63 consistency proof lines");
  Expected<Note> parsed = parse_note(note);
  if (!parsed || !parse_checkpoint(parsed->text))
    return make_error(Errc::invalid_argument, "not a signed checkpoint note");
  std::string out = std::string(kOldPrefix) + std::to_string(old_size) + "\n";
  for (const Hash32& hash : proof)
    out += base64_encode(hash) + "\n";
  out += "\n";
  out += note;
  return out;
}

AddCheckpointOutcome decide_add_checkpoint(const AddCheckpointRequest& request,
                                           const WitnessOriginState& state) {
  const Checkpoint& checkpoint = request.checkpoint;
  const std::string origin = quote(checkpoint.origin);
  if (!state.origin_known)
    return refuse(404, make_error(Errc::unknown_log, "unknown origin " + origin));
  Expected<OpenedNote> opened = open_note(request.note, state.log_keys);
  if (!opened)
    return refuse(status_for_note_error(opened.error().code), opened.error());
  if (request.old_size > checkpoint.size) {
    return refuse(400,
                  make_error(Errc::out_of_range, "old size " + std::to_string(request.old_size) +
                                                     " exceeds the checkpoint size " +
                                                     std::to_string(checkpoint.size)));
  }
  const std::uint64_t latest_size = state.latest ? state.latest->size : 0;
  if (request.old_size != latest_size) {
    AddCheckpointOutcome out = refuse(
        409, make_error(Errc::size_conflict, "old size " + std::to_string(request.old_size) +
                                                 " is not the latest cosigned size " +
                                                 std::to_string(latest_size) + " of " + origin));
    out.latest_size = latest_size;
    return out;
  }
  if (checkpoint.size == 0 && checkpoint.root != merkle::empty_root()) {
    return refuse(422, make_error(Errc::merkle_root_mismatch,
                                  "a checkpoint of size 0 must have the empty tree's root, got " +
                                      to_hex(checkpoint.root)));
  }
  if (request.old_size == 0) {
    if (!request.proof.empty()) {
      return refuse(422, make_error(Errc::merkle_bad_proof,
                                    "old size 0 needs an empty proof, got " +
                                        std::to_string(request.proof.size()) + " hashes"));
    }
  } else if (Status s =
                 merkle::verify_consistency(request.old_size, checkpoint.size, state.latest->root,
                                            checkpoint.root, request.proof);
             !s) {
    // Includes "same size, different root": an empty proof between equal
    // sizes holds only for equal roots (docs/protocol.md §7.5).
    return refuse(422, s.error());
  }
  AddCheckpointOutcome out;
  out.checkpoint = checkpoint;
  out.note.text = std::move(opened->text);
  for (VerifiedSignature& v : opened->verified)
    out.note.signatures.push_back(std::move(v.signature));
  return out;
}

std::string format_add_checkpoint_response(std::span<const NoteSignature> cosignatures) {
  std::string out;
  for (const NoteSignature& sig : cosignatures)
    out += format_signature_line(sig);
  return out;
}

Expected<std::vector<NoteSignature>> parse_add_checkpoint_response(std::string_view body) {
  if (body.empty())
    return make_error(Errc::invalid_encoding, "add-checkpoint response has no signature lines");
  if (body.back() != '\n') {
    return make_error(Errc::invalid_encoding,
                      "add-checkpoint response does not end with a newline");
  }
  if (Status s = check_note_characters(body); !s)
    return s.error();
  std::vector<NoteSignature> out;
  LineReader lines(body);
  while (std::optional<std::string_view> line = lines.next()) {
    if (out.size() == kMaxNoteSignatures) {
      return make_error(Errc::invalid_length, "add-checkpoint response has more than " +
                                                  std::to_string(kMaxNoteSignatures) +
                                                  " signature lines");
    }
    Expected<NoteSignature> sig = parse_signature_line(*line);
    if (!sig)
      return sig.error();
    out.push_back(std::move(*sig));
  }
  return out;
}

std::string format_tlog_size(std::uint64_t size) {
  return std::to_string(size) + "\n";
}

Expected<std::uint64_t> parse_tlog_size(std::string_view body) {
  const std::optional<std::uint64_t> size = body.empty() || body.back() != '\n'
                                                ? std::nullopt
                                                : parse_decimal(body.substr(0, body.size() - 1));
  if (!size) {
    return make_error(Errc::invalid_encoding,
                      "text/x.tlog.size body " + quote(body) + " is not a decimal and a newline");
  }
  return *size;
}

Expected<OpenedNote> open_add_checkpoint_response(std::string_view checkpoint_text,
                                                  std::string_view body,
                                                  std::span<const VerifierKey> witness_keys) {
  if (Expected<std::vector<NoteSignature>> lines = parse_add_checkpoint_response(body); !lines)
    return lines.error();
  return open_note(std::string(checkpoint_text) + "\n" + std::string(body), witness_keys);
}

std::string origin_hash_hex(std::string_view origin) {
  Hash32 digest{};
  crypto_hash_sha256(digest.data(), as_bytes(origin).data(), origin.size());
  return to_hex(digest);
}

}  // namespace senim::tlog
