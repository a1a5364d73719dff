// The board's checkpoints (docs/protocol.md §11.2): a C2SP checkpoint of the
// log in a signed note, signed with the set-up's board key under the
// set-up's log origin; and the election's witness policy, against which the
// witnesses' cosignatures on it are judged (§11.4).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/signing.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/policy.hpp"
#include "tlog/vkey.hpp"

namespace senim::protocol {

inline constexpr std::size_t kMaxOriginBytes = 255;

// §8.2: 1–255 bytes, each printable ASCII other than space and '+'.
// Errors: invalid_argument naming the rule (and the byte).
Status check_log_origin(std::string_view origin);

// §11.2: the board's verifier key: name = origin, type 0x01, the board key.
// Errors: invalid_argument if the origin is not a valid key name.
Expected<tlog::VerifierKey> board_verifier_key(std::string_view origin, const PublicKey& board_key);

// §11.2: "origin\nsize\nbase64(root)\n" signed by `board_key` under the
// key name `origin`: the note's exact bytes, with one signature line.
Expected<std::string> sign_board_checkpoint(const SigningKey& board_key, std::string_view origin,
                                            std::uint64_t size, const Hash32& root);

// A checkpoint of the election: the note as given (with any cosignature
// lines), its text, and the parsed checkpoint.
struct BoardCheckpoint {
  std::string note;
  std::string text;
  tlog::Checkpoint checkpoint;
};

// §11.2 steps 1–4: parses, requires the origin to be the board vkey's name
// and no extension lines, and verifies the board's signature. Lines of
// other keys (cosignatures) are ignored here. Errors: those of
// tlog::parse_note and tlog::parse_checkpoint; invalid_argument (another
// origin, extension lines); signature_invalid; note_unverified.
Expected<BoardCheckpoint> verify_board_checkpoint(std::string_view note,
                                                  const tlog::VerifierKey& board_vkey);

// The size a checkpoint note states, parsed but not verified (for notes
// the board itself made); 0 if it does not parse.
std::uint64_t checkpoint_note_size(std::string_view note);

// A checkpoint note split into the note with the board's signature only
// (what the board stores and pushes, §11.4) and its other signature lines
// (cosignatures, to be checked against the policy). Errors: parse_note's.
struct SplitCheckpoint {
  std::string board_note;
  std::vector<tlog::NoteSignature> others;
};
Expected<SplitCheckpoint> split_checkpoint(std::string_view note,
                                           const tlog::VerifierKey& board_vkey);

// §11.4: the election's policy: `log <board vkey>` followed by the
// manifest's witnesses, groups and quorum.
tlog::Policy election_policy(const tlog::VerifierKey& board_vkey, const tlog::Policy& witnesses);

// §11.4: the checkpoint checked against the election's policy: a checkpoint
// of the election (verify_board_checkpoint) whose policy witnesses'
// cosignatures all verify; which of them cosigned, and whether they meet the
// quorum (reported, not enforced). Errors: those of verify_board_checkpoint;
// signature_invalid (a policy witness's cosignature fails).
Expected<tlog::CheckpointVerification> verify_witnessed_checkpoint(std::string_view note,
                                                                   const tlog::Policy& policy);

}  // namespace senim::protocol
