// C2SP signed notes (c2sp.org/signed-note; docs/protocol.md §13.3): a text
// ending in a newline, a blank line, then one or more signature lines
//
//   "— " <key name> " " base64(key ID, 4 bytes big-endian ‖ signature) "\n"
//
// parse_note and format_note are the syntax; sign_note signs; open_note
// verifies against the keys a reader knows, exactly as the specification
// says: signatures from unknown keys (name and ID not both matching a known
// key) are ignored, a known key's signature must verify or the whole note is
// rejected (signature_invalid), and a note with no verified signature is
// rejected (note_unverified) — the two errors golang.org/x/mod/sumdb/note
// calls InvalidSignatureError and UnverifiedNoteError.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/vkey.hpp"

namespace senim::tlog {

// Limits (docs/protocol.md §13.3). The specification requires accepting at
// least 16 signatures and reminds that a post-quantum signature is nearly
// 5 kB: 16 of those are about 110 kB of base64, well inside the size bound.
inline constexpr std::size_t kMaxNoteBytes = std::size_t{256} * 1024;
inline constexpr std::size_t kMaxNoteSignatures = 100;  // as golang.org/x/mod/sumdb/note

// One signature line.
struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  Bytes signature;  // the bytes after the key ID

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;  // includes its final newline, not the blank line
  std::vector<NoteSignature> signatures;
};

// Syntax only, no verification. Errors: invalid_encoding (characters,
// structure, a signature line), invalid_length (size or signature count
// over the limits).
Expected<Note> parse_note(std::string_view message);
// "— name base64\n"; parse_signature_line takes the line without "\n".
std::string format_signature_line(const NoteSignature& signature);
Expected<NoteSignature> parse_signature_line(std::string_view line);
// text ‖ "\n" ‖ the signature lines. The caller passes a valid note (as
// sign_note makes, or parse_note returned).
std::string format_note(const Note& note);

// Makes one signature line's content over a note text.
struct NoteSigner {
  std::string name;
  std::uint32_t key_id = 0;
  // The signature bytes (after the key ID) over the note text.
  std::function<Expected<Bytes>(std::string_view text)> sign;
};

// A type-0x01 signer: Ed25519 over the note text. Errors: invalid_argument
// unless `key` is an Ed25519 (type 0x01) key.
Expected<NoteSigner> ed25519_note_signer(const VerifierKey& key, Ed25519SignFn sign);

// Signs `text` with each signer, in order. Errors: invalid_encoding if the
// text is not a valid note text (empty, no final newline, bad characters),
// invalid_length if the note would exceed the limits; a signer's error.
Expected<NoteSignature> sign_note_text(std::string_view text, const NoteSigner& signer);
Expected<std::string> sign_note(std::string_view text, std::span<const NoteSigner> signers);

// A signature that verified under a known key.
struct VerifiedSignature {
  VerifierKey key;
  NoteSignature signature;
  // The cosignature's timestamp (type 0x04 only).
  std::optional<std::uint64_t> timestamp;
};

struct OpenedNote {
  std::string text;
  std::vector<VerifiedSignature> verified;  // one per known key, in note order
  std::vector<NoteSignature> unknown;       // from keys not known, duplicates dropped
};

// Parses and verifies (docs/protocol.md §13.3). Every line whose name and key
// ID match a known key is verified, even a repeated one. Errors: those of
// parse_note; invalid_argument if two known keys share a name and key ID;
// signature_invalid ("invalid signature for key name+id"); note_unverified
// (no line from a known key).
Expected<OpenedNote> open_note(std::string_view message, std::span<const VerifierKey> known);

// Does `signature` verify `text` under `key`? The type decides the message:
// the text itself (0x01), or the cosignature/v1 message (0x04, whose
// timestamp is returned). Name and key ID are not compared here.
Expected<std::optional<std::uint64_t>> verify_note_signature(const VerifierKey& key,
                                                             std::string_view text,
                                                             ByteView signature);

}  // namespace senim::tlog
