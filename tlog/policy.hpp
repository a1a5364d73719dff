// Transparency-log trust policies (c2sp.org/tlog-policy; docs/protocol.md
// §13.7): which logs are accepted, which witnesses are known, and the quorum
// of witnesses whose cosignatures make a checkpoint trusted.
//
//   log <vkey> [<url>]
//   witness <name> <vkey> [<url>]
//   group <name> all|any|<k> <name>...
//   quorum <name>                     (exactly one; "none" needs no cosignature)
//
// Items are separated by spaces and tabs; blank lines and lines whose first
// non-blank character is '#' are ignored; every line ends with a newline.
// A group or the quorum may only name witnesses and groups defined on
// earlier lines; witnesses and groups share one namespace, in which "none"
// is predefined; each name may be a group member at most once in the whole
// file; no two logs and no two witnesses may wrap the same public key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/error.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"

namespace senim::tlog {

inline constexpr std::string_view kQuorumNone = "none";
// The spec recommends supporting at least 32 logs, 32 witnesses and 32
// groups; senim bounds each at 256 and the file at 1 MiB.
inline constexpr std::size_t kMaxPolicyItems = 256;
inline constexpr std::size_t kMaxPolicyBytes = 1 << 20;

struct PolicyLog {
  VerifierKey key;  // type 0x01; its name is the log's origin
  std::string url;  // empty if absent
  friend bool operator==(const PolicyLog&, const PolicyLog&) = default;
};

struct PolicyWitness {
  std::string name;
  VerifierKey key;  // type 0x04 (cosignature/v1)
  std::string url;
  friend bool operator==(const PolicyWitness&, const PolicyWitness&) = default;
};

struct PolicyGroup {
  enum class Threshold { all, any, count };
  std::string name;
  Threshold threshold = Threshold::all;
  std::size_t k = 0;  // the number of members that must witness (k for all = n, any = 1)
  std::vector<std::string> members;
  friend bool operator==(const PolicyGroup&, const PolicyGroup&) = default;
};

struct Policy {
  std::vector<PolicyLog> logs;
  std::vector<PolicyWitness> witnesses;
  std::vector<PolicyGroup> groups;  // each only names earlier groups and witnesses
  std::string quorum;               // a witness, a group, or "none"
  friend bool operator==(const Policy&, const Policy&) = default;
};

// Errors, each naming the line: invalid_encoding (a forbidden octet, an
// unterminated last line, an unknown keyword, a wrong number of items, a
// bad vkey or threshold), invalid_argument (a key of the wrong type for its
// role, k out of 1..n, "none" as a member), not_found (a name not defined
// on an earlier line), duplicate (a name defined twice, a member listed
// twice, two logs or two witnesses with the same public key, a second
// quorum line), invalid_length (too large). A file with no quorum line is
// invalid_encoding.
Expected<Policy> parse_policy(std::string_view text);

// The file form: logs, witnesses, groups in order, then the quorum. The
// caller passes a valid policy (as parse_policy returns one).
std::string format_policy(const Policy& policy);

// Does the set of witnesses (by policy name) whose cosignatures verified
// satisfy the quorum? Names not in the policy count for nothing.
bool quorum_satisfied(const Policy& policy, const std::set<std::string>& witnessed);

// A checkpoint checked against a policy.
struct CheckpointVerification {
  Checkpoint checkpoint;
  std::vector<VerifiedSignature> log_signatures;  // from the logs for its origin
  std::vector<VerifiedSignature> cosignatures;    // from policy witnesses
  std::set<std::string> witnesses;                // their policy names
  bool quorum_met = false;
};

// Opens `note` with the log keys whose name equals the checkpoint's origin
// and with every policy witness's key; requires a log signature. The quorum
// is reported, not enforced: a fresh receipt has no cosignatures yet (use
// require_quorum). `log_keys` are the accepted logs; pass policy.logs' keys
// (log_keys_of) or keys known from elsewhere.
// Errors: those of parse_note, parse_checkpoint and open_note (a witness
// cosignature that fails to verify rejects the note, as signed-note says);
// unknown_log (no accepted log key for the origin); note_unverified (no log
// signature).
Expected<CheckpointVerification> verify_checkpoint(std::string_view note,
                                                   std::span<const VerifierKey> log_keys,
                                                   const Policy& policy);
std::vector<VerifierKey> log_keys_of(const Policy& policy);

// Errors: quorum_not_met, naming the quorum and the witnesses that cosigned.
Status require_quorum(const CheckpointVerification& verification, const Policy& policy);

}  // namespace senim::tlog
