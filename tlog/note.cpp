#include "tlog/note.hpp"

#include <algorithm>
#include <utility>

#include "tlog/base64.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

constexpr std::string_view kSignaturePrefix = "\u2014 ";  // em dash, space
constexpr std::string_view kSeparator = "\n\n";

Error malformed(std::string why) {
  return make_error(Errc::invalid_encoding, "malformed note: " + std::move(why));
}

std::uint32_t read_u32_be(ByteView b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

Status check_size(std::size_t bytes, std::size_t signatures) {
  if (bytes > kMaxNoteBytes) {
    return make_error(Errc::invalid_length, "note of " + std::to_string(bytes) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(kMaxNoteBytes));
  }
  if (signatures > kMaxNoteSignatures) {
    return make_error(Errc::invalid_length,
                      "note has more than " + std::to_string(kMaxNoteSignatures) + " signatures");
  }
  return Status::success();
}

// A note text: non-empty, ends in a newline, valid characters. (An empty
// line inside is allowed; the last blank line of a note separates it.)
Status check_text(std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return malformed("the text must end with a newline");
  return check_note_characters(text);
}

const VerifierKey* find_key(std::span<const VerifierKey> known, const NoteSignature& sig) {
  for (const VerifierKey& key : known) {
    if (key.name == sig.name && key.key_id == sig.key_id)
      return &key;
  }
  return nullptr;
}

Status check_unambiguous(std::span<const VerifierKey> known) {
  for (std::size_t i = 0; i < known.size(); ++i) {
    for (std::size_t j = i + 1; j < known.size(); ++j) {
      if (known[i].name == known[j].name && known[i].key_id == known[j].key_id) {
        return make_error(Errc::invalid_argument, "ambiguous known keys: two are " +
                                                      key_label(known[i].name, known[i].key_id));
      }
    }
  }
  return Status::success();
}

// "a+1234abcd, b+…": the first few signers, for an error message.
std::string describe_signers(const std::vector<NoteSignature>& signatures) {
  constexpr std::size_t kShown = 4;
  std::string out;
  for (std::size_t i = 0; i < signatures.size() && i < kShown; ++i)
    out += (i == 0 ? "" : ", ") + quote(key_label(signatures[i].name, signatures[i].key_id));
  if (signatures.size() > kShown)
    out += ", and " + std::to_string(signatures.size() - kShown) + " more";
  return out;
}

}  // namespace

Expected<NoteSignature> parse_signature_line(std::string_view line) {
  if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix)
    return malformed("signature line " + quote(line) + " does not start with \"— \"");
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos)
    return malformed("signature line has no space after the key name");
  const std::string_view name = line.substr(0, space);
  const std::string_view b64 = line.substr(space + 1);
  if (!is_valid_key_name(name))
    return malformed("invalid key name " + quote(name));
  const std::optional<Bytes> raw = base64_decode(b64);
  if (!raw)
    return malformed("signature of " + quote(name) + " is not canonical base64");
  if (raw->size() < 5)
    return malformed("signature of " + quote(name) + " is shorter than a key ID and one byte");
  return NoteSignature{std::string(name), read_u32_be(*raw), Bytes(raw->begin() + 4, raw->end())};
}

std::string format_signature_line(const NoteSignature& signature) {
  Bytes raw;
  append_u32_be(raw, signature.key_id);
  append(raw, signature.signature);
  return std::string(kSignaturePrefix) + signature.name + " " + base64_encode(raw) + "\n";
}

Expected<Note> parse_note(std::string_view message) {
  if (Status s = check_size(message.size(), 0); !s)
    return s.error();
  if (Status s = check_note_characters(message); !s)
    return s.error();
  // The text is separated from the signatures by the last empty line.
  const std::size_t split = message.rfind(kSeparator);
  if (split == std::string_view::npos)
    return malformed("no blank line before the signatures");
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view signatures = message.substr(split + 2);
  if (signatures.empty())
    return malformed("no signature lines");
  if (signatures.back() != '\n')
    return malformed("the last signature line does not end with a newline");
  LineReader lines(signatures);
  while (std::optional<std::string_view> line = lines.next()) {
    if (Status s = check_size(message.size(), note.signatures.size() + 1); !s)
      return s.error();
    Expected<NoteSignature> sig = parse_signature_line(*line);
    if (!sig)
      return sig.error();
    note.signatures.push_back(std::move(*sig));
  }
  return note;
}

std::string format_note(const Note& note) {
  std::string out = note.text + "\n";
  for (const NoteSignature& sig : note.signatures)
    out += format_signature_line(sig);
  return out;
}

Expected<NoteSigner> ed25519_note_signer(const VerifierKey& key, Ed25519SignFn sign) {
  if (key.type != kSignatureTypeEd25519) {
    return make_error(Errc::invalid_argument, "an Ed25519 note signer needs a type 0x01 key, " +
                                                  key_label(key.name, key.key_id) + " has type " +
                                                  std::to_string(key.type));
  }
  return NoteSigner{key.name, key.key_id, [sign = std::move(sign)](std::string_view text) {
                      const Ed25519Signature sig = sign(as_bytes(text));
                      return Expected<Bytes>(Bytes(sig.begin(), sig.end()));
                    }};
}

Expected<NoteSignature> sign_note_text(std::string_view text, const NoteSigner& signer) {
  if (Status s = check_text(text); !s)
    return s.error();
  if (!is_valid_key_name(signer.name))
    return make_error(Errc::invalid_argument, "invalid signer name " + quote(signer.name));
  Expected<Bytes> sig = signer.sign(text);
  if (!sig)
    return sig.error();
  return NoteSignature{signer.name, signer.key_id, std::move(*sig)};
}

Expected<std::string> sign_note(std::string_view text, std::span<const NoteSigner> signers) {
  if (signers.empty())
    return make_error(Errc::invalid_argument, "a signed note needs at least one signer");
  Note note{std::string(text), {}};
  for (const NoteSigner& signer : signers) {
    Expected<NoteSignature> sig = sign_note_text(text, signer);
    if (!sig)
      return sig.error();
    note.signatures.push_back(std::move(*sig));
  }
  std::string out = format_note(note);
  if (Status s = check_size(out.size(), note.signatures.size()); !s)
    return s.error();
  return out;
}

Expected<std::optional<std::uint64_t>> verify_note_signature(const VerifierKey& key,
                                                             std::string_view text,
                                                             ByteView signature) {
  const std::string label = key_label(key.name, key.key_id);
  switch (key.type) {
    case kSignatureTypeEd25519:
      if (!ed25519_verify(key.public_key, as_bytes(text), signature))
        return make_error(Errc::signature_invalid, "invalid signature for key " + label);
      return std::optional<std::uint64_t>{};
    case kSignatureTypeCosignatureV1: {
      Expected<std::uint64_t> timestamp = verify_cosignature_v1(key, text, signature);
      if (!timestamp)
        return timestamp.error();
      return std::optional<std::uint64_t>{*timestamp};
    }
    default:
      return make_error(Errc::invalid_argument, "unsupported signature type " +
                                                    std::to_string(key.type) + " for key " + label);
  }
}

Expected<OpenedNote> open_note(std::string_view message, std::span<const VerifierKey> known) {
  if (Status s = check_unambiguous(known); !s)
    return s.error();
  Expected<Note> note = parse_note(message);
  if (!note)
    return note.error();
  OpenedNote out{std::move(note->text), {}, {}};
  for (NoteSignature& sig : note->signatures) {
    const VerifierKey* key = find_key(known, sig);
    if (key == nullptr) {
      if (std::find(out.unknown.begin(), out.unknown.end(), sig) == out.unknown.end())
        out.unknown.push_back(std::move(sig));
      continue;
    }
    // A known key's line is verified every time it appears: signed-note
    // says "MUST verify", and a bad repeat rejects the note.
    Expected<std::optional<std::uint64_t>> timestamp =
        verify_note_signature(*key, out.text, sig.signature);
    if (!timestamp)
      return timestamp.error();
    const bool seen = std::any_of(out.verified.begin(), out.verified.end(),
                                  [&](const VerifiedSignature& v) { return v.key == *key; });
    if (!seen)
      out.verified.push_back(VerifiedSignature{*key, std::move(sig), *timestamp});
  }
  if (out.verified.empty()) {
    return make_error(Errc::note_unverified, "note has no signature from a known key (signed by " +
                                                 describe_signers(out.unknown) + ")");
  }
  return out;
}

}  // namespace senim::tlog
