// What senim-verify found: one line per check, or JSON for machines.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/tally.pb.h"
#include "verifier/checks.hpp"

namespace senim::verifier {

// Each check's verdict (docs/verifier-checks.md, "Output"): a check that
// had nothing to check says so, with the reason, and is never "passed".
enum class Verdict { passed, failed, not_applicable };

// The record's: every check passed and the record reaches a checked result;
// some check failed; or nothing failed but the record ends before the
// result (a live board, or a record cut short), so no result is verified.
enum class Outcome { verified, failed, incomplete };

struct CheckResult {
  std::uint64_t items = 0;
  std::uint64_t failures = 0;
  std::optional<std::uint64_t> first_entry;  // leaf index of the first failure, if any
  std::string first_message;
  std::string skipped;  // why nothing was checked (the record ends earlier)

  bool passed() const { return failures == 0; }
  Verdict verdict() const {
    if (failures > 0)
      return Verdict::failed;
    return items == 0 ? Verdict::not_applicable : Verdict::passed;
  }
};

class Report {
 public:
  void item(Check c, std::uint64_t n = 1) { results_[index(c)].items += n; }
  // Records a failure; `entry` is the leaf index (or nullopt for the record as a whole).
  void fail(Check c, std::optional<std::uint64_t> entry, const std::string& message);
  // Says why `c` had nothing to check; ignored once it has items, failures
  // or a reason already.
  void skip(Check c, const std::string& why);
  const CheckResult& result(Check c) const { return results_[index(c)]; }
  // Puts back a result saved earlier (a verifier resuming, verifier/snapshot.hpp).
  void restore_result(Check c, CheckResult r) { results_[index(c)] = std::move(r); }
  // The failure that comes first in the log, over every check: the leaf
  // index and the check, or nullopt if no failure names an entry.
  std::optional<std::pair<std::uint64_t, Check>> first_failed_entry() const;
  // No check failed (some may not have applied).
  bool passed() const;
  std::size_t failed_checks() const;
  std::size_t count(Verdict v) const;
  Outcome outcome() const;
  // Why the record is incomplete (check 18's reason), or "".
  std::string incomplete_because() const;

  std::string record;
  std::string election_id;
  std::string board_key_hex;
  // Check 19: the election's quorum, for people, and the witnesses whose
  // cosignatures on the final checkpoint verified (policy names).
  std::string quorum;
  std::vector<std::string> cosigners;
  std::uint64_t entries = 0;
  std::uint64_t ballots = 0;
  double seconds = 0;
  std::optional<v1::Result> verified_result;  // when check 18 passed
  std::vector<std::string> district_names;
  std::vector<std::string> district_ids;
  // Credentials listed per district (the result's order), filled at the end
  // when the result is verified: the turnout's denominator.
  std::vector<std::uint64_t> district_credentials;
  std::vector<std::string> contest_ids;
  std::vector<std::vector<std::string>> option_names;  // per contest
  std::vector<std::vector<std::string>> option_ids;    // per contest
  // The tree the verifier recomputed from every entry, when the record's
  // last signed head matches it (checks 2–3): what people compare.
  std::optional<std::uint64_t> tree_size;
  std::string root_hex;
  // The record could not be opened at all: nothing was checked.
  std::optional<std::string> unreadable;
  // --partial: an incomplete record is the expected outcome (a live board).
  bool partial = false;

  // The report for people. Every string taken from the record (names,
  // messages, ids) is shown through protocol::printable(), so a hostile
  // record cannot put a control or bidi character on the terminal.
  std::string to_text() const;
  // The report for machines. Strings are JSON-escaped, with every code point
  // printable() would escape written as \uNNNN (lossless for valid UTF-8).
  std::string to_json() const;
  // The verified counts (every check passed), a line per district and the total.
  std::string result_text() const;
  // Check 19 for people: who cosigned the final checkpoint, against the quorum.
  std::string witnessed_text() const;
  // The exit status of senim-verify for this report (docs/verifier-checks.md).
  int exit_status() const;

 private:
  std::string counts_json() const;
  std::string turnout_json() const;
  static std::size_t index(Check c) { return static_cast<std::size_t>(c) - 1; }
  std::array<CheckResult, kCheckCount> results_{};
};

}  // namespace senim::verifier
