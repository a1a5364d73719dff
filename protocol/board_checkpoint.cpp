#include "protocol/board_checkpoint.hpp"

#include <array>
#include <vector>

#include "tlog/note.hpp"
#include "tlog/text.hpp"

namespace senim::protocol {
namespace {

std::string hex_byte(std::uint8_t b) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  return {'0', 'x', kDigits[b >> 4], kDigits[b & 0xf]};
}

}  // namespace

Status check_log_origin(std::string_view origin) {
  // docs/protocol.md §8.2.
  if (origin.empty() || origin.size() > kMaxOriginBytes) {
    return make_error(Errc::invalid_argument,
                      "log origin must be 1 to 255 bytes, not " + std::to_string(origin.size()));
  }
  for (std::size_t i = 0; i < origin.size(); ++i) {
    const auto c = static_cast<std::uint8_t>(origin[i]);
    if (c < 0x21 || c > 0x7e || c == '+') {
      return make_error(Errc::invalid_argument,
                        "log origin byte " + std::to_string(i) + " is " + hex_byte(c) +
                            "; an origin is printable ASCII without space or '+'");
    }
  }
  return Status::success();
}

Expected<tlog::VerifierKey> board_verifier_key(std::string_view origin,
                                               const PublicKey& board_key) {
  return tlog::make_verifier_key(origin, tlog::kSignatureTypeEd25519, board_key);
}

Expected<std::string> sign_board_checkpoint(const SigningKey& board_key, std::string_view origin,
                                            std::uint64_t size, const Hash32& root) {
  // §11.2: the checkpoint text with no extension lines, one Ed25519
  // signature line under the key name `origin`.
  auto text = tlog::format_checkpoint(tlog::Checkpoint{std::string(origin), size, root, {}});
  if (!text)
    return text.error();
  auto vkey = board_verifier_key(origin, board_key.public_key());
  if (!vkey)
    return vkey.error();
  auto signer = tlog::ed25519_note_signer(
      *vkey, [&board_key](ByteView message) { return board_key.sign(message); });
  if (!signer)
    return signer.error();
  const std::array<tlog::NoteSigner, 1> signers{std::move(*signer)};
  return tlog::sign_note(*text, signers);
}

Expected<BoardCheckpoint> verify_board_checkpoint(std::string_view note,
                                                  const tlog::VerifierKey& board_vkey) {
  // Step 1: the syntax of the note and of its text.
  auto parsed = tlog::parse_note(note);
  if (!parsed)
    return parsed.error();
  auto checkpoint = tlog::parse_checkpoint(parsed->text);
  if (!checkpoint)
    return checkpoint.error();
  // Steps 2 and 3: senim's form of it.
  if (checkpoint->origin != board_vkey.name) {
    return make_error(Errc::invalid_argument,
                      "the checkpoint is for origin " + tlog::quote(checkpoint->origin) +
                          "; the election's log is " + tlog::quote(board_vkey.name));
  }
  if (!checkpoint->extensions.empty()) {
    return make_error(Errc::invalid_argument,
                      "the checkpoint of size " + std::to_string(checkpoint->size) + " has " +
                          std::to_string(checkpoint->extensions.size()) +
                          " extension lines; the board's checkpoints have none (§11.2)");
  }
  // Step 4: the board's signature; other keys' lines are not known here.
  const std::array<tlog::VerifierKey, 1> known{board_vkey};
  auto opened = tlog::open_note(note, known);
  if (!opened)
    return opened.error();
  return BoardCheckpoint{std::string(note), std::move(parsed->text), std::move(*checkpoint)};
}

Expected<SplitCheckpoint> split_checkpoint(std::string_view note,
                                           const tlog::VerifierKey& board_vkey) {
  auto parsed = tlog::parse_note(note);
  if (!parsed)
    return parsed.error();
  SplitCheckpoint out;
  tlog::Note board = *parsed;
  board.signatures.clear();
  for (tlog::NoteSignature& sig : parsed->signatures) {
    if (sig.name == board_vkey.name && sig.key_id == board_vkey.key_id)
      board.signatures.push_back(std::move(sig));
    else
      out.others.push_back(std::move(sig));
  }
  out.board_note = tlog::format_note(board);
  return out;
}

tlog::Policy election_policy(const tlog::VerifierKey& board_vkey, const tlog::Policy& witnesses) {
  tlog::Policy policy = witnesses;
  policy.logs = {tlog::PolicyLog{board_vkey, {}}};
  return policy;
}

Expected<tlog::CheckpointVerification> verify_witnessed_checkpoint(std::string_view note,
                                                                   const tlog::Policy& policy) {
  if (policy.logs.size() != 1) {
    return make_error(Errc::invalid_argument,
                      "an election's policy names exactly one log, the board (§11.4)");
  }
  if (auto board = verify_board_checkpoint(note, policy.logs[0].key); !board)
    return board.error();
  const std::vector<tlog::VerifierKey> log_keys = tlog::log_keys_of(policy);
  return tlog::verify_checkpoint(note, log_keys, policy);
}

std::uint64_t checkpoint_note_size(std::string_view note) {
  auto parsed = tlog::parse_note(note);
  if (!parsed)
    return 0;
  auto checkpoint = tlog::parse_checkpoint(parsed->text);
  return checkpoint ? checkpoint->size : 0;
}

}  // namespace senim::protocol
