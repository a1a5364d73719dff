// The numbered checks of senim-verify (docs/verifier-checks.md). The numbers
// are part of the interface: people cite them, tests assert them.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace senim::verifier {

enum class Check : std::size_t {
  record_format = 1,
  log_root,
  checkpoint_signatures,
  entry_signatures,
  setup,
  roles_and_phases,
  trustee_ceremony,
  joint_key,
  credential_list,
  eligibility,
  ballot_form,
  ballot_proofs,
  no_duplicate_ballot,
  revote_rule,
  challenges,
  aggregate,
  partial_decryptions,
  result,
  witness_quorum,
};

inline constexpr std::size_t kCheckCount = 19;

struct CheckInfo {
  Check check;
  std::string_view id;     // stable machine name
  std::string_view title;  // what a person reads
  std::string_view items;  // what it counts
  std::string_view item;   // one of them
};

inline constexpr std::array<CheckInfo, kCheckCount> kChecks{{
    {Check::record_format, "record-format", "the record is well formed", "frames", "frame"},
    {Check::log_root, "log-root", "every entry is a leaf of the signed tree", "checkpoints",
     "checkpoint"},
    {Check::checkpoint_signatures, "checkpoint-signatures",
     "checkpoints are the board's, for this election's log", "checkpoints", "checkpoint"},
    {Check::entry_signatures, "entry-signatures", "every entry is signed by its signer", "entries",
     "entry"},
    {Check::setup, "setup", "the set-up and manifest are well formed", "set-ups", "set-up"},
    {Check::roles_and_phases, "roles-and-phases",
     "every message is from someone allowed to send it, at a time it is allowed", "entries",
     "entry"},
    {Check::trustee_ceremony, "trustee-ceremony",
     "every trustee's commitments and proofs are valid", "trustee messages", "trustee message"},
    {Check::joint_key, "joint-key", "the joint key and base hash follow from the ceremony", "keys",
     "key"},
    {Check::credential_list, "credential-list", "the credential list has no duplicates",
     "credentials", "credential"},
    {Check::eligibility, "eligibility", "every ballot and challenge is under a listed credential",
     "ballots and challenges", "ballot or challenge"},
    {Check::ballot_form, "ballot-form",
     "every ballot is well formed and bound to this election and its credential", "ballots",
     "ballot"},
    {Check::ballot_proofs, "ballot-proofs", "every option, blank and count proof is valid",
     "ballots", "ballot"},
    {Check::no_duplicate_ballot, "no-duplicate-ballot",
     "no ballot is repeated or replayed, and none is beyond the re-vote limit", "ballots",
     "ballot"},
    {Check::revote_rule, "revote-rule", "only the last ballot of each credential is counted",
     "superseded ballots", "superseded ballot"},
    {Check::challenges, "challenges",
     "every challenged ballot opens to its stated choices and is never cast", "challenges",
     "challenge"},
    {Check::aggregate, "aggregate", "the encrypted tally is the product of the counted ballots",
     "tally ciphertexts", "tally ciphertext"},
    {Check::partial_decryptions, "partial-decryptions",
     "every partial decryption is proven correct", "partial decryptions", "partial decryption"},
    {Check::result, "result", "the published counts are the decryption of the tally", "counts",
     "count"},
    {Check::witness_quorum, "witness-quorum",
     "the witnesses' cosignatures verify, and the final checkpoint meets the quorum", "checkpoints",
     "checkpoint"},
}};

inline const CheckInfo& info(Check c) {
  return kChecks[static_cast<std::size_t>(c) - 1];
}
inline std::size_t number(Check c) {
  return static_cast<std::size_t>(c);
}

}  // namespace senim::verifier
