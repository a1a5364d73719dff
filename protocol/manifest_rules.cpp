#include "protocol/manifest_rules.hpp"

#include <google/protobuf/util/json_util.h>

#include <map>
#include <set>
#include <string_view>

#include "protocol/entry.hpp"
#include "protocol/entry_sizes.hpp"
#include "protocol/strict_json.hpp"
#include "protocol/text_rules.hpp"
#include "tlog/text.hpp"

namespace senim::protocol {
namespace {

bool is_identifier(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok)
      return false;
  }
  return true;
}

bool is_language_tag(const std::string& tag) {
  if (tag.empty() || tag.size() > 16)
    return false;
  for (char c : tag) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

Error bad(const std::string& what) {
  return make_error(Errc::invalid_argument, "manifest: " + what);
}

// Rule 3: a text in each language, of bounded size, and each entry (its
// language key too) printable as it is (protocol/text_rules.hpp). `field`
// names the text within `where`: "title", "name", "label", or "" for the
// manifest's own title.
Status check_text(const v1::Text& text, const std::vector<std::string>& languages,
                  const std::string& where, const std::string& field) {
  for (const auto& lang : languages) {
    auto it = text.text().find(lang);
    if (it == text.text().end() || it->second.empty()) {
      return bad(where + " has no text in language \"" + lang + "\"");
    }
  }
  // In byte order of the keys, so that the first failure does not depend on
  // how a map happens to iterate.
  const std::map<std::string_view, std::string_view> entries(text.text().begin(),
                                                             text.text().end());
  const std::string what = field.empty() ? where : where + " " + field;
  for (const auto& [lang, value] : entries) {
    if (auto fault = text_fault(lang))
      return bad(what + " has a language key with a " + *fault);
    if (value.size() > kMaxTextBytes)
      return bad(where + " text in \"" + std::string(lang) + "\" is too long");
    if (auto fault = text_fault(value))
      return bad(what + " (" + std::string(lang) + "): " + *fault);
  }
  return Status::success();
}

// §8.1 rule 7: every entry the election implies fits in an entry (§11.1).
Status check_entry_sizes(const ElectionShape& shape) {
  const EntryBounds bounds = entry_bounds(shape);
  const std::pair<const char*, std::size_t> entries[] = {
      {"a challenged ballot", bounds.challenge},
      {"the encrypted tally", bounds.tally},
      {"a partial decryption", bounds.partial},
      {"the result", bounds.result},
  };
  for (const auto& [what, bytes] : entries) {
    if (bytes > kMaxEntryBytes) {
      return bad(std::string(what) + " could take " + std::to_string(bytes) +
                 " bytes, more than the " + std::to_string(kMaxEntryBytes) +
                 " of an entry: use fewer contests, options or districts");
    }
  }
  return Status::success();
}

}  // namespace

std::uint32_t ElectionShape::tally_width() const {
  std::uint32_t width = 0;
  for (const auto& c : contests)
    width += c.tally_width();
  return width;
}

std::optional<std::size_t> ElectionShape::district_index(const std::string& id) const {
  for (std::size_t i = 0; i < districts.size(); ++i) {
    if (districts[i] == id)
      return i;
  }
  return std::nullopt;
}

Expected<ElectionShape> check_manifest(const v1::Manifest& m) {
  ElectionShape shape;
  if (!is_identifier(m.election_id())) {
    return bad("election_id " + quoted(m.election_id()) + " must match [a-z0-9._-]{1,64}");
  }
  shape.election_id = m.election_id();

  std::vector<std::string> languages(m.languages().begin(), m.languages().end());
  if (languages.empty() || languages.size() > kMaxLanguages) {
    return bad("languages must list 1 to 16 language tags");
  }
  if (std::set<std::string>(languages.begin(), languages.end()).size() != languages.size()) {
    return bad("languages has a duplicate");
  }
  for (const auto& lang : languages) {
    if (!is_language_tag(lang))
      return bad("language tag " + quoted(lang) + " is not valid");
  }
  if (auto s = check_text(m.title(), languages, "title", ""); !s)
    return s.error();

  if (m.districts_size() > static_cast<int>(kMaxDistricts))
    return bad("too many districts");
  std::set<std::string> district_ids;
  for (const auto& d : m.districts()) {
    if (!is_identifier(d.id()))
      return bad("district id " + quoted(d.id()) + " is not valid");
    if (!district_ids.insert(d.id()).second)
      return bad("district id \"" + d.id() + "\" repeats");
    if (auto s = check_text(d.name(), languages, "district " + d.id(), "name"); !s)
      return s.error();
    shape.districts.push_back(d.id());
  }
  if (shape.districts.empty())
    shape.districts.emplace_back();

  if (m.contests().empty() || m.contests_size() > static_cast<int>(kMaxContests)) {
    return bad("must have 1 to 64 contests");
  }
  std::set<std::string> contest_ids;
  for (const auto& c : m.contests()) {
    const std::string where = "contest " + c.id();
    if (!is_identifier(c.id()))
      return bad("contest id " + quoted(c.id()) + " is not valid");
    if (!contest_ids.insert(c.id()).second)
      return bad("contest id \"" + c.id() + "\" repeats");
    if (auto s = check_text(c.title(), languages, where, "title"); !s)
      return s.error();
    if (c.options().empty() || c.options_size() > static_cast<int>(kMaxOptions)) {
      return bad(where + " must have 1 to 63 options");
    }
    const auto n = static_cast<std::uint32_t>(c.options_size());
    if (c.max_selections() < 1 || c.max_selections() > n) {
      return bad(where + " max_selections must be between 1 and " + std::to_string(n));
    }
    if (c.min_selections() > c.max_selections()) {
      return bad(where + " min_selections exceeds max_selections");
    }
    std::set<std::string> option_ids;
    for (const auto& o : c.options()) {
      if (!is_identifier(o.id()))
        return bad(where + " option id " + quoted(o.id()) + " is not valid");
      if (o.id() == kBlankWord)
        return bad(where + " option id \"blank\" is reserved for the blank vote");
      if (!option_ids.insert(o.id()).second)
        return bad(where + " option \"" + o.id() + "\" repeats");
      if (auto s = check_text(o.label(), languages, where + " option " + o.id(), "label"); !s) {
        return s.error();
      }
    }
    shape.contests.push_back(ContestShape{c.id(), n, c.min_selections(), c.max_selections()});
  }
  if (m.max_ballots_per_credential() < 1 ||
      m.max_ballots_per_credential() > kMaxBallotsPerCredential) {
    return bad("max_ballots_per_credential must be between 1 and " +
               std::to_string(kMaxBallotsPerCredential) + ", not " +
               std::to_string(m.max_ballots_per_credential()));
  }
  shape.max_ballots = m.max_ballots_per_credential();
  if (auto s = check_entry_sizes(shape); !s)
    return s.error();
  if (auto policy = parse_witness_policy(m.witness_policy()); !policy)
    return policy.error();
  return shape;
}

Expected<tlog::Policy> parse_witness_policy(const std::string& text) {
  // §8.1 rule 8. Empty: no witnesses.
  if (text.empty()) {
    tlog::Policy none;
    none.quorum = std::string(tlog::kQuorumNone);
    return none;
  }
  auto policy = tlog::parse_policy(text);
  if (!policy) {
    return make_error(policy.error().code, "manifest: witness policy: " + policy.error().message);
  }
  if (!policy->logs.empty()) {
    // The policy says which keys; the line number is found here.
    tlog::LineReader lines(text);
    while (auto line = lines.next()) {
      const auto first = line->find_first_not_of(" \t");
      if (first != std::string_view::npos && line->substr(first).starts_with("log") &&
          (line->size() == first + 3 || (*line)[first + 3] == ' ' || (*line)[first + 3] == '\t')) {
        break;
      }
    }
    return bad("witness policy: line " + std::to_string(lines.line_number()) +
               " names a log; the log is the set-up's board (§11.4)");
  }
  return policy;
}

Expected<v1::Manifest> manifest_from_json(const std::string& json) {
  // Types first, named in words (protocol/strict_json.hpp); then protobuf's
  // own reading, which cannot fail on anything the first accepts but keeps
  // its message in case.
  if (auto shape = check_json_shape(json, *v1::Manifest::descriptor()); !shape)
    return make_error(Errc::invalid_argument, "manifest JSON: " + shape.error().message);
  v1::Manifest m;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &m, options);
  if (!status.ok()) {
    return make_error(Errc::invalid_argument, "manifest JSON: " + std::string(status.message()));
  }
  return m;
}

std::string manifest_to_json(const v1::Manifest& manifest) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(manifest, &out, options);
  return out;
}

}  // namespace senim::protocol
