#include "verifier/report.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <sstream>

#include "protocol/result_table.hpp"
#include "protocol/text_rules.hpp"

namespace senim::verifier {
namespace {

// A JSON string literal (RFC 8259). Besides the quote, the backslash and C0,
// every code point printable() would escape (DEL, C1, line separators, bidi
// controls) is written as \uNNNN, so that a script that prints a value
// cannot be steered by it; the text is otherwise kept exactly. A byte that is
// not valid UTF-8 cannot be carried by JSON and becomes U+FFFD.
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t at = 0; at < s.size();) {
    const protocol::Utf8Step step = protocol::decode_utf8(s, at);
    if (!step.valid) {
      out += "\\ufffd";
    } else if (step.code_point == U'"') {
      out += "\\\"";
    } else if (step.code_point == U'\\') {
      out += "\\\\";
    } else if (protocol::is_unsafe_code_point(step.code_point)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(step.code_point));
      out += buf;
    } else {
      out.append(s.substr(at, step.length));
    }
    at += step.length;
  }
  return out + "\"";
}

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// part/whole in percent with one decimal, as a JSON number (null for 0/0).
std::string json_percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0)
    return "null";
  std::string text = protocol::percent(part, whole, ".");
  text.pop_back();  // the "%"
  return text;
}

}  // namespace

std::optional<std::pair<std::uint64_t, Check>> Report::first_failed_entry() const {
  std::optional<std::pair<std::uint64_t, Check>> first;
  for (const CheckInfo& c : kChecks) {
    const CheckResult& r = result(c.check);
    if (r.failures > 0 && r.first_entry && (!first || *r.first_entry < first->first))
      first = std::pair{*r.first_entry, c.check};
  }
  return first;
}

void Report::fail(Check c, std::optional<std::uint64_t> entry, const std::string& message) {
  CheckResult& r = results_[index(c)];
  if (r.failures == 0) {
    r.first_entry = entry;
    r.first_message = message;
  }
  ++r.failures;
}

void Report::skip(Check c, const std::string& why) {
  CheckResult& r = results_[index(c)];
  if (r.items == 0 && r.failures == 0 && r.skipped.empty())
    r.skipped = why;
}

bool Report::passed() const {
  return failed_checks() == 0;
}

std::size_t Report::failed_checks() const {
  return count(Verdict::failed);
}

std::size_t Report::count(Verdict v) const {
  std::size_t n = 0;
  for (const auto& r : results_)
    n += r.verdict() == v ? 1 : 0;
  return n;
}

Outcome Report::outcome() const {
  if (unreadable || !passed())
    return Outcome::failed;
  // Complete means a result entry was checked (check 18 had an item).
  return result(Check::result).items == 0 ? Outcome::incomplete : Outcome::verified;
}

std::string Report::incomplete_because() const {
  if (outcome() != Outcome::incomplete)
    return "";
  const std::string& why = result(Check::result).skipped;
  return why.empty() ? "the record has no result" : why;
}

int Report::exit_status() const {
  if (unreadable)
    return 2;
  switch (outcome()) {
    case Outcome::verified:
      return 0;
    case Outcome::failed:
      return 1;
    case Outcome::incomplete:
      return partial ? 0 : 3;
  }
  return 1;
}

namespace {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::passed:
      return "passed";
    case Verdict::failed:
      return "failed";
    case Verdict::not_applicable:
      return "not_applicable";
  }
  return "failed";
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::verified:
      return "verified";
    case Outcome::failed:
      return "failed";
    case Outcome::incomplete:
      return "incomplete";
  }
  return "failed";
}

}  // namespace

std::string Report::to_text() const {
  std::ostringstream out;
  // Everything taken from the record (or from its path) goes through
  // printable(): a hostile record must not reach the terminal (report.hpp).
  using protocol::printable;
  out << "senim-verify " << printable(record) << "\n";
  if (unreadable) {
    out << "the record cannot be read: " << printable(*unreadable) << "\nnothing was checked\n";
    return out.str();
  }
  out << "election " << protocol::quoted(election_id) << ", " << with_commas(entries)
      << " entries, " << with_commas(ballots) << " ballots, board key "
      << board_key_hex.substr(0, 16) << "…\n\n";
  for (const CheckInfo& c : kChecks) {
    const CheckResult& r = result(c.check);
    char head[160];
    std::snprintf(head, sizeof head, "%2zu %-22s", number(c.check), std::string(c.id).c_str());
    out << head;
    switch (r.verdict()) {
      case Verdict::failed:
        out << "FAILED  " << with_commas(r.failures) << " of " << with_commas(r.items) << " "
            << (r.items == 1 ? c.item : c.items) << "; first at ";
        if (r.first_entry) {
          out << "entry " << *r.first_entry;
        } else {
          out << "record";
        }
        out << ": " << printable(r.first_message) << "\n";
        break;
      case Verdict::not_applicable:
        out << "n/a     (" << printable(r.skipped.empty() ? "nothing to check" : r.skipped)
            << ")\n";
        break;
      case Verdict::passed:
        out << "passed  " << with_commas(r.items) << " " << (r.items == 1 ? c.item : c.items)
            << " — " << c.title << "\n";
        break;
    }
  }
  out << "\n";
  if (tree_size) {
    out << "tree head: size " << with_commas(*tree_size) << ", root " << root_hex << "\n";
    if (!quorum.empty())
      out << "witnessed: " << witnessed_text() << "\n";
    out << "\n";
  }
  const Outcome o = outcome();
  if (o == Outcome::verified && verified_result)
    out << result_text();
  const std::string counts = std::to_string(count(Verdict::passed)) + " passed, " +
                             std::to_string(count(Verdict::failed)) + " failed, " +
                             std::to_string(count(Verdict::not_applicable)) + " not applicable";
  switch (o) {
    case Outcome::verified:
      out << (count(Verdict::passed) == kCheckCount
                  ? "VERIFIED: all " + std::to_string(kCheckCount) + " checks passed"
                  : "VERIFIED: " + counts);
      break;
    case Outcome::failed:
      out << failed_checks() << " of " << kCheckCount << " checks FAILED (" << counts
          << "); no result is verified";
      break;
    case Outcome::incomplete:
      out << (partial ? "PARTIAL CHECK, no failure so far: " : "INCOMPLETE: ") << counts << "; "
          << printable(incomplete_because()) << ", so no result is verified";
      break;
  }
  char timing[64];
  std::snprintf(timing, sizeof timing, " (%.2f s)\n", seconds);
  out << timing;
  return out.str();
}

std::string Report::result_text() const {
  // The counts check 18 verified, as a table (protocol/result_table.hpp).
  protocol::ResultLabels labels;
  for (std::size_t c = 0; c < option_names.size(); ++c) {
    protocol::ResultLabels::Contest contest;
    contest.title = c < contest_ids.size() ? protocol::printable(contest_ids[c]) : "";
    for (const std::string& name : option_names[c])
      contest.options.push_back(protocol::printable(name));
    // The record's counts say whether anyone voted blank; the column is
    // shown when someone did.
    const auto& total = verified_result->total();
    contest.blank_allowed = static_cast<int>(c) < total.contests_size() &&
                            total.contests(static_cast<int>(c)).blank() > 0;
    labels.contests.push_back(std::move(contest));
  }
  for (const std::string& name : district_names)
    labels.districts.push_back(protocol::printable(name));
  labels.credentials = district_credentials;
  return "verified result\n" +
         protocol::format_result_table(labels, *verified_result, protocol::ResultWords{}) + "\n";
}

std::string Report::witnessed_text() const {
  const CheckResult& r = result(Check::witness_quorum);
  std::string names;
  for (const std::string& n : cosigners)
    names += (names.empty() ? "" : ", ") + n;
  if (r.verdict() == Verdict::not_applicable)
    return protocol::printable(quorum);
  return (cosigners.empty() ? std::string("no witness")
                            : "cosigned by " + protocol::printable(names)) +
         " (" + protocol::printable(quorum) +
         (r.verdict() == Verdict::passed ? ": met" : ": NOT met") + ")";
}

std::string Report::to_json() const {
  std::ostringstream out;
  out << "{\"record\":" << json_string(record);
  if (unreadable) {
    out << ",\"verdict\":\"unreadable\",\"passed\":false,\"error\":" << json_string(*unreadable)
        << "}\n";
    return out.str();
  }
  const Outcome o = outcome();
  out << ",\"election_id\":" << json_string(election_id)
      << ",\"board_key\":" << json_string(board_key_hex) << ",\"entries\":" << entries
      << ",\"ballots\":" << ballots << ",\"seconds\":" << seconds << ",\"verdict\":\""
      << outcome_name(o) << "\",\"passed\":" << (o == Outcome::verified ? "true" : "false")
      << ",\"checks_passed\":" << count(Verdict::passed)
      << ",\"checks_failed\":" << count(Verdict::failed)
      << ",\"checks_not_applicable\":" << count(Verdict::not_applicable);
  if (o == Outcome::incomplete)
    out << ",\"incomplete_because\":" << json_string(incomplete_because());
  if (tree_size)
    out << ",\"tree_size\":" << *tree_size << ",\"root\":" << json_string(root_hex);
  if (!quorum.empty()) {
    out << ",\"quorum\":" << json_string(quorum) << ",\"cosigners\":[";
    for (std::size_t i = 0; i < cosigners.size(); ++i)
      out << (i == 0 ? "" : ",") << json_string(cosigners[i]);
    out << "]";
  }
  out << ",\"checks\":[";
  bool first = true;
  for (const CheckInfo& c : kChecks) {
    const CheckResult& r = result(c.check);
    out << (first ? "" : ",") << "{\"number\":" << number(c.check)
        << ",\"id\":" << json_string(std::string(c.id))
        << ",\"title\":" << json_string(std::string(c.title)) << ",\"verdict\":\""
        << verdict_name(r.verdict()) << "\",\"items\":" << r.items
        << ",\"failures\":" << r.failures;
    if (r.verdict() == Verdict::failed) {
      out << ",\"first_failure\":{\"entry\":"
          << (r.first_entry ? std::to_string(*r.first_entry) : std::string("null"))
          << ",\"message\":" << json_string(r.first_message) << "}";
    }
    if (r.verdict() == Verdict::not_applicable)
      out << ",\"reason\":" << json_string(r.skipped.empty() ? "nothing to check" : r.skipped);
    out << "}";
    first = false;
  }
  out << "]";
  if (o == Outcome::verified && verified_result) {
    std::string result_json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    (void)google::protobuf::util::MessageToJsonString(*verified_result, &result_json, options);
    out << ",\"result\":" << result_json << ",\"counts\":" << counts_json();
    if (district_credentials.size() == static_cast<std::size_t>(verified_result->districts_size()))
      out << ",\"turnout\":" << turnout_json();
  }
  out << "}\n";
  return out.str();
}

// Every verified count with the ids and labels that name it: one object per
// (district or "total", contest, option or "blank").
std::string Report::counts_json() const {
  std::ostringstream out;
  out << "[";
  bool first = true;
  auto district = [&](const std::string& id, const std::string& name, const v1::DistrictResult& d) {
    for (int c = 0; c < d.contests_size(); ++c) {
      const auto cs = static_cast<std::size_t>(c);
      const auto& contest = d.contests(c);
      for (int i = 0; i < contest.options_size(); ++i) {
        const auto oi = static_cast<std::size_t>(i);
        out << (first ? "" : ",") << "{\"district\":" << json_string(id)
            << ",\"district_name\":" << json_string(name)
            << ",\"contest\":" << json_string(contest_ids.at(cs))
            << ",\"option\":" << json_string(option_ids.at(cs).at(oi))
            << ",\"label\":" << json_string(option_names.at(cs).at(oi))
            << ",\"count\":" << contest.options(i)
            << ",\"percent\":" << json_percent(contest.options(i), d.ballots_counted()) << "}";
        first = false;
      }
      out << (first ? "" : ",") << "{\"district\":" << json_string(id)
          << ",\"district_name\":" << json_string(name)
          << ",\"contest\":" << json_string(contest_ids.at(cs))
          << ",\"option\":\"blank\",\"label\":\"blank\",\"count\":" << contest.blank()
          << ",\"percent\":" << json_percent(contest.blank(), d.ballots_counted()) << "}";
      first = false;
    }
  };
  for (int d = 0; d < verified_result->districts_size(); ++d) {
    const auto di = static_cast<std::size_t>(d);
    district(di < district_ids.size() ? district_ids[di] : "",
             di < district_names.size() ? district_names[di] : "", verified_result->districts(d));
  }
  district("total", "total", verified_result->total());
  out << "]";
  return out.str();
}

// Credentials and ballots counted per district and in total, with the
// turnout in percent.
std::string Report::turnout_json() const {
  std::ostringstream out;
  std::uint64_t credentials = 0;
  out << "[";
  auto row = [&](const std::string& id, std::uint64_t issued, const v1::DistrictResult& d) {
    out << "{\"district\":" << json_string(id) << ",\"credentials\":" << issued
        << ",\"ballots_counted\":" << d.ballots_counted()
        << ",\"percent\":" << json_percent(d.ballots_counted(), issued) << "},";
  };
  for (int d = 0; d < verified_result->districts_size(); ++d) {
    const auto di = static_cast<std::size_t>(d);
    row(di < district_ids.size() ? district_ids[di] : "", district_credentials[di],
        verified_result->districts(d));
    credentials += district_credentials[di];
  }
  row("total", credentials, verified_result->total());
  std::string text = out.str();
  text.back() = ']';
  return text;
}

}  // namespace senim::verifier
