#include "protocol/witness_quorum.hpp"

#include "protocol/board_checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"

namespace senim::protocol {
namespace {

std::string joined(const auto& names) {
  std::string out;
  for (const std::string& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool known_key(const tlog::NoteSignature& s, const tlog::Policy& policy) {
  for (const tlog::PolicyLog& l : policy.logs) {
    if (l.key.name == s.name && l.key.key_id == s.key_id)
      return true;
  }
  for (const tlog::PolicyWitness& w : policy.witnesses) {
    if (w.key.name == s.name && w.key.key_id == s.key_id)
      return true;
  }
  return false;
}

}  // namespace

Expected<Witnessing> witnessing(std::string_view note, const tlog::Policy& policy) {
  auto verified = verify_witnessed_checkpoint(note, policy);
  if (!verified)
    return verified.error();
  auto parsed = tlog::parse_note(note);  // parsed already: cannot fail here
  if (!parsed)
    return parsed.error();
  Witnessing out;
  out.size = verified->checkpoint.size;
  out.witnesses = verified->witnesses;
  out.quorum_met = verified->quorum_met;
  for (const tlog::NoteSignature& s : parsed->signatures) {
    if (!known_key(s, policy))
      out.ignored.push_back(tlog::key_label(s.name, s.key_id));
  }
  return out;
}

std::string describe_quorum(const tlog::Policy& policy) {
  if (policy.quorum == tlog::kQuorumNone)
    return "quorum none (no witnesses)";
  for (const tlog::PolicyGroup& g : policy.groups) {
    if (g.name != policy.quorum)
      continue;
    return "quorum " + g.name + ": " + std::to_string(g.k) + " of " + joined(g.members);
  }
  return "quorum " + policy.quorum + " (one witness)";
}

Status require_quorum(const Witnessing& w, const tlog::Policy& policy) {
  if (w.quorum_met)
    return Status::success();
  std::string message =
      "the checkpoint of size " + std::to_string(w.size) + " is cosigned by " +
      (w.witnesses.empty() ? "no witness of the election" : "{" + joined(w.witnesses) + "}");
  if (!w.ignored.empty())
    message += " (ignored, not keys of the policy: " + joined(w.ignored) + ")";
  return make_error(Errc::quorum_not_met,
                    message + "; the election needs " + describe_quorum(policy));
}

}  // namespace senim::protocol
