#include "tlog/policy.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

using Tokens = std::vector<std::string_view>;

// Items are separated by runs of spaces and tabs, and only those.
Tokens split_items(std::string_view line) {
  Tokens out;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t start = line.find_first_not_of(" \t", i);
    if (start == std::string_view::npos)
      break;
    const std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
    out.push_back(line.substr(start, end - start));
    i = end;
  }
  return out;
}

// The octets a policy file may hold: tab, newline, 0x20–0x7E, 0x80–0xFF.
bool is_allowed_octet(unsigned char c) {
  return c == 0x09 || c == 0x0A || (c >= 0x20 && c <= 0x7E) || c >= 0x80;
}

// The names defined so far, and what each one is.
enum class NameKind { none, witness, group };

class PolicyParser {
 public:
  Expected<Policy> parse(std::string_view text);

 private:
  Status line(const Tokens& items);
  Status log(const Tokens& items);
  Status witness(const Tokens& items);
  Status group(const Tokens& items);
  Status quorum(const Tokens& items);
  Status define(std::string_view name, NameKind kind);
  Expected<VerifierKey> key(std::string_view vkey, std::uint8_t type, const std::string& role);
  template <class Entry>
  Expected<VerifierKey> new_key(std::string_view vkey, std::uint8_t type, const std::string& role,
                                const std::vector<Entry>& existing);

  Error at_line(Errc code, const std::string& why) const {
    return make_error(code, "policy line " + std::to_string(line_number_) + ": " + why);
  }

  Policy policy_;
  std::map<std::string, NameKind, std::less<>> names_{{std::string(kQuorumNone), NameKind::none}};
  std::set<std::string, std::less<>> members_;  // every name listed as a group member so far
  bool have_quorum_ = false;
  std::size_t line_number_ = 0;
};

Expected<Policy> PolicyParser::parse(std::string_view text) {
  if (text.size() > kMaxPolicyBytes) {
    return make_error(Errc::invalid_length, "policy of " + std::to_string(text.size()) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(kMaxPolicyBytes));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_allowed_octet(static_cast<unsigned char>(text[i]))) {
      return make_error(Errc::invalid_encoding, "policy: octet " + quote(text.substr(i, 1)) +
                                                    " at byte " + std::to_string(i) +
                                                    " is not allowed");
    }
  }
  if (!text.empty() && text.back() != '\n')
    return make_error(Errc::invalid_encoding, "policy: the last line does not end with a newline");
  LineReader lines(text);
  while (std::optional<std::string_view> text_line = lines.next()) {
    line_number_ = lines.line_number();
    const Tokens items = split_items(*text_line);
    if (items.empty() || items[0].front() == '#')
      continue;  // blank or comment
    if (Status s = line(items); !s)
      return s.error();
  }
  if (!have_quorum_)
    return make_error(Errc::invalid_encoding, "policy has no quorum line");
  return std::move(policy_);
}

Status PolicyParser::line(const Tokens& items) {
  const std::string_view keyword = items[0];
  if (keyword == "log")
    return log(items);
  if (keyword == "witness")
    return witness(items);
  if (keyword == "group")
    return group(items);
  if (keyword == "quorum")
    return quorum(items);
  return at_line(Errc::invalid_encoding, "unknown keyword " + quote(keyword));
}

Expected<VerifierKey> PolicyParser::key(std::string_view vkey, std::uint8_t type,
                                        const std::string& role) {
  Expected<VerifierKey> parsed = parse_vkey(vkey);
  if (!parsed)
    return at_line(parsed.error().code, parsed.error().message);
  if (parsed->type != type) {
    return at_line(Errc::invalid_argument, "a " + role + " key must have signature type " +
                                               std::to_string(type) + ", " + quote(vkey) + " has " +
                                               std::to_string(parsed->type));
  }
  return parsed;
}

Status PolicyParser::define(std::string_view name, NameKind kind) {
  if (names_.count(name) != 0)
    return at_line(Errc::duplicate, "name " + quote(name) + " is already defined");
  names_.emplace(std::string(name), kind);
  return Status::success();
}

template <class Entry>
Expected<VerifierKey> PolicyParser::new_key(std::string_view vkey, std::uint8_t type,
                                            const std::string& role,
                                            const std::vector<Entry>& existing) {
  Expected<VerifierKey> parsed = key(vkey, type, role);
  if (!parsed)
    return parsed;
  for (const Entry& other : existing) {
    if (other.key.public_key == parsed->public_key) {
      return at_line(Errc::duplicate, "this " + role + "'s public key is also that of " +
                                          key_label(other.key.name, other.key.key_id));
    }
  }
  if (existing.size() == kMaxPolicyItems)
    return at_line(Errc::invalid_length,
                   "more than " + std::to_string(kMaxPolicyItems) + " " + role + "s");
  return parsed;
}

Status PolicyParser::log(const Tokens& items) {
  if (items.size() != 2 && items.size() != 3)
    return at_line(Errc::invalid_encoding, "expected \"log <vkey> [<url>]\"");
  Expected<VerifierKey> vkey = new_key(items[1], kSignatureTypeEd25519, "log", policy_.logs);
  if (!vkey)
    return vkey.error();
  policy_.logs.push_back({std::move(*vkey), items.size() == 3 ? std::string(items[2]) : ""});
  return Status::success();
}

Status PolicyParser::witness(const Tokens& items) {
  if (items.size() != 3 && items.size() != 4)
    return at_line(Errc::invalid_encoding, "expected \"witness <name> <vkey> [<url>]\"");
  Expected<VerifierKey> vkey =
      new_key(items[2], kSignatureTypeCosignatureV1, "witness", policy_.witnesses);
  if (!vkey)
    return vkey.error();
  if (Status s = define(items[1], NameKind::witness); !s)
    return s;
  policy_.witnesses.push_back(
      {std::string(items[1]), std::move(*vkey), items.size() == 4 ? std::string(items[3]) : ""});
  return Status::success();
}

Status PolicyParser::group(const Tokens& items) {
  if (items.size() < 4)
    return at_line(Errc::invalid_encoding, "expected \"group <name> all|any|<k> <name>...\"");
  PolicyGroup g;
  g.name = std::string(items[1]);
  const std::size_t n = items.size() - 3;
  if (items[2] == "all") {
    g.threshold = PolicyGroup::Threshold::all;
    g.k = n;
  } else if (items[2] == "any") {
    g.threshold = PolicyGroup::Threshold::any;
    g.k = 1;
  } else {
    const std::optional<std::uint64_t> k = parse_decimal(items[2]);
    if (!k) {
      return at_line(Errc::invalid_encoding,
                     "threshold " + quote(items[2]) + " is not all, any or a decimal");
    }
    if (*k < 1 || *k > n) {
      return at_line(Errc::invalid_argument,
                     "threshold " + std::to_string(*k) + " is not in 1.." + std::to_string(n));
    }
    g.threshold = PolicyGroup::Threshold::count;
    g.k = static_cast<std::size_t>(*k);
  }
  for (std::size_t i = 3; i < items.size(); ++i) {
    const std::string_view member = items[i];
    const auto found = names_.find(member);
    if (found == names_.end())
      return at_line(Errc::not_found, "member " + quote(member) + " is not defined above");
    if (found->second == NameKind::none)
      return at_line(Errc::invalid_argument, "\"none\" cannot be a group member");
    if (!members_.emplace(member).second) {
      return at_line(Errc::duplicate, "member " + quote(member) + " is already listed in a group");
    }
    g.members.emplace_back(member);
  }
  if (policy_.groups.size() == kMaxPolicyItems)
    return at_line(Errc::invalid_length, "too many groups");
  if (Status s = define(g.name, NameKind::group); !s)
    return s;
  policy_.groups.push_back(std::move(g));
  return Status::success();
}

Status PolicyParser::quorum(const Tokens& items) {
  if (items.size() != 2)
    return at_line(Errc::invalid_encoding, "expected \"quorum <name>\"");
  if (have_quorum_)
    return at_line(Errc::duplicate, "a second quorum line");
  if (names_.count(items[1]) == 0)
    return at_line(Errc::not_found, "quorum " + quote(items[1]) + " is not defined above");
  policy_.quorum = std::string(items[1]);
  have_quorum_ = true;
  return Status::success();
}

// Whether `name` has witnessed, by the group rules; recursion follows group
// definitions, which only point to earlier lines, so it ends.
bool witnessed_by(const Policy& policy, std::string_view name,
                  const std::set<std::string>& witnessed) {
  if (name == kQuorumNone)
    return true;
  for (const PolicyWitness& w : policy.witnesses) {
    if (w.name == name)
      return witnessed.count(w.name) != 0;
  }
  for (const PolicyGroup& g : policy.groups) {
    if (g.name != name)
      continue;
    const auto count = std::count_if(
        g.members.begin(), g.members.end(),
        [&](const std::string& member) { return witnessed_by(policy, member, witnessed); });
    return static_cast<std::size_t>(count) >= g.k;
  }
  return false;
}

std::string threshold_text(const PolicyGroup& g) {
  switch (g.threshold) {
    case PolicyGroup::Threshold::all:
      return "all";
    case PolicyGroup::Threshold::any:
      return "any";
    case PolicyGroup::Threshold::count:
      break;
  }
  return std::to_string(g.k);
}

}  // namespace

Expected<Policy> parse_policy(std::string_view text) {
  PolicyParser parser;
  return parser.parse(text);
}

std::string format_policy(const Policy& policy) {
  std::string out;
  for (const PolicyLog& log : policy.logs)
    out += "log " + format_vkey(log.key) + (log.url.empty() ? "" : " " + log.url) + "\n";
  for (const PolicyWitness& w : policy.witnesses) {
    out +=
        "witness " + w.name + " " + format_vkey(w.key) + (w.url.empty() ? "" : " " + w.url) + "\n";
  }
  for (const PolicyGroup& g : policy.groups) {
    out += "group " + g.name + " " + threshold_text(g);
    for (const std::string& member : g.members)
      out += " " + member;
    out += "\n";
  }
  out += "quorum " + policy.quorum + "\n";
  return out;
}

bool quorum_satisfied(const Policy& policy, const std::set<std::string>& witnessed) {
  return witnessed_by(policy, policy.quorum, witnessed);
}

std::vector<VerifierKey> log_keys_of(const Policy& policy) {
  std::vector<VerifierKey> out;
  for (const PolicyLog& log : policy.logs)
    out.push_back(log.key);
  return out;
}

Expected<CheckpointVerification> verify_checkpoint(std::string_view note,
                                                   std::span<const VerifierKey> log_keys,
                                                   const Policy& policy) {
  Expected<Note> parsed = parse_note(note);
  if (!parsed)
    return parsed.error();
  Expected<Checkpoint> checkpoint = parse_checkpoint(parsed->text);
  if (!checkpoint)
    return checkpoint.error();
  std::vector<VerifierKey> origin_keys;
  for (const VerifierKey& key : log_keys) {
    if (key.name == checkpoint->origin)
      origin_keys.push_back(key);
  }
  if (origin_keys.empty())
    return make_error(Errc::unknown_log, "no accepted log for origin " + quote(checkpoint->origin));
  std::vector<VerifierKey> known = origin_keys;
  for (const PolicyWitness& w : policy.witnesses)
    known.push_back(w.key);
  Expected<OpenedNote> opened = open_note(note, known);
  if (!opened)
    return opened.error();
  CheckpointVerification out;
  out.checkpoint = std::move(*checkpoint);
  const auto is_log_key = [&](const VerifierKey& key) {
    return std::find(origin_keys.begin(), origin_keys.end(), key) != origin_keys.end();
  };
  for (VerifiedSignature& v : opened->verified) {
    if (is_log_key(v.key)) {
      out.log_signatures.push_back(std::move(v));
      continue;
    }
    for (const PolicyWitness& w : policy.witnesses) {
      if (w.key == v.key)
        out.witnesses.insert(w.name);
    }
    out.cosignatures.push_back(std::move(v));
  }
  if (out.log_signatures.empty()) {
    return make_error(Errc::note_unverified, "checkpoint for " + quote(out.checkpoint.origin) +
                                                 " carries no valid signature from its log");
  }
  out.quorum_met = quorum_satisfied(policy, out.witnesses);
  return out;
}

Status require_quorum(const CheckpointVerification& verification, const Policy& policy) {
  if (verification.quorum_met)
    return Status::success();
  std::string names;
  for (const std::string& name : verification.witnesses)
    names += (names.empty() ? "" : ", ") + name;
  return make_error(Errc::quorum_not_met,
                    "quorum " + quote(policy.quorum) + " not met by the cosigners {" + names + "}");
}

}  // namespace senim::tlog
