// The senim-verify binary, driven as a person or a script would: exit status
// 0 only when every check passes and the record reaches a verified result,
// 1 when a check failed, 2 when the record cannot be read, 3 when it is
// incomplete (0 with --partial); --json that names the failed check.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "protocol/text_rules.hpp"
#include "tests/run_command.hpp"
#include "tests/verifier/tamper_fixture.hpp"

using Catch::Matchers::Contains;
using senim::v1::Statement;
using namespace senim::tamper;

namespace {

using Run = senim::test::CommandRun;

Run run_verify(const std::string& args) {
  return senim::test::run_command(std::string(SENIM_VERIFY_BINARY) + " " + args + " 2>/dev/null");
}

// Writes the fixture's record and runs the binary on it.
Run run_on(const TamperFixture& f, const std::string& flags) {
  const std::string path = temp_record_path("binary");
  REQUIRE(f.b.write_record(path).ok());
  Run run = run_verify(flags + " '" + path + "'");
  std::filesystem::remove(path);
  return run;
}

std::vector<std::string> failed_ids(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& c : report.at("checks")) {
    if (c.at("verdict") == "failed")
      out.push_back(c.at("id").get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "senim-verify exits 0 on an honest record", "[tamper][binary]") {
  const Run text = run_on(*this, "-q");
  INFO(text.out);
  CHECK(text.status == 0);
  CHECK_THAT(text.out,
             Contains("VERIFIED: 18 passed, 0 failed, 1 not applicable") &&
                 Contains("tree head: size " + std::to_string(leaf::kCount) + ", root ") &&
                 Contains("verified result\n"));

  const Run json = run_on(*this, "-q --json");
  INFO(json.out);
  CHECK(json.status == 0);
  const auto report = nlohmann::json::parse(json.out);
  CHECK(report.at("passed").get<bool>());
  CHECK(report.at("checks").size() == 19);
  CHECK(failed_ids(report).empty());
  CHECK(report.at("entries").get<std::uint64_t>() == leaf::kCount);
  // protobuf's JSON mapping writes 64-bit integers as strings.
  CHECK(report.at("result").at("total").at("ballots_counted") == "5");
  CHECK(report.at("verdict") == "verified");
  CHECK(report.at("checks_passed") == 18);
  CHECK(report.at("checks_not_applicable") == 1);  // check 19: quorum none
  CHECK(report.at("tree_size") == leaf::kCount);
  CHECK(report.at("root").get<std::string>().size() == 64);
  // Every count names its district, contest and option by id and label.
  const auto& counts = report.at("counts");
  REQUIRE(!counts.empty());
  const auto& first = counts.at(0);
  CHECK(first.at("district") == "region-1");
  CHECK(first.at("contest") == "referendum");
  CHECK(first.at("option") == "yes");
  CHECK(first.at("label") == "Yes");
  CHECK(counts.back().at("district") == "total");
  // Each count's share of its district's ballots counted, in percent.
  for (const auto& count : counts) {
    INFO(count.dump());
    REQUIRE(count.contains("percent"));
  }
  // The turnout per district and in total: the credentials listed (the
  // verifier's own table), the ballots counted, and their ratio.
  const auto& turnout = report.at("turnout");
  REQUIRE(turnout.size() == 3);  // two regions and the total
  std::uint64_t credentials = 0;
  std::uint64_t counted = 0;
  for (std::size_t d = 0; d < 2; ++d) {
    credentials += turnout.at(d).at("credentials").get<std::uint64_t>();
    counted += turnout.at(d).at("ballots_counted").get<std::uint64_t>();
  }
  const auto& total = turnout.at(2);
  CHECK(total.at("district") == "total");
  CHECK(total.at("credentials") == credentials);
  CHECK(total.at("ballots_counted") == 5);
  CHECK(counted == 5);
  REQUIRE(credentials > 0);
  CHECK(total.at("percent").get<double>() ==
        Approx(std::round(5000.0 / static_cast<double>(credentials)) / 10).margin(1e-9));
  CHECK_THAT(text.out, Contains("verified result\nturnout\n"));
}

TEST_CASE_METHOD(TamperFixture,
                 "senim-verify calls a record that ends before the result incomplete (exit 3)",
                 "[tamper][binary]") {
  // A validly signed record of the election up to its tally: nothing fails,
  // and nothing shows a result either.
  std::vector<RecordFrame> frames;
  for (std::uint64_t i = 0; i < leaf::kPartial1; ++i)
    frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(i)});
  frames.push_back(checkpoint_frame(checkpoint(leaf::kPartial1)));
  const std::string path = temp_record_path("incomplete");
  write_frames(path, frames);
  const Run text = run_verify("-q '" + path + "'");
  const Run partial = run_verify("-q --partial '" + path + "'");
  const Run json = run_verify("-q --json '" + path + "'");
  std::filesystem::remove(path);
  INFO(text.out);
  CHECK(text.status == 3);
  CHECK_THAT(text.out,
             Contains("17 partial-decryptions   n/a     (no partial decryption was posted)") &&
                 Contains("18 result                n/a     (the record ends before the result)"));
  CHECK_THAT(text.out, Contains("INCOMPLETE: 16 passed, 0 failed, 3 not applicable; the record "
                                "ends before the result, so no result is verified"));
  CHECK(text.out.find("verified result") == std::string::npos);
  CHECK(text.out.find("checks passed") == std::string::npos);
  INFO(partial.out);
  CHECK(partial.status == 0);
  CHECK_THAT(partial.out, Contains("PARTIAL CHECK, no failure so far: 16 passed"));
  INFO(json.out);
  CHECK(json.status == 3);
  const auto report = nlohmann::json::parse(json.out);
  CHECK(report.at("verdict") == "incomplete");
  CHECK_FALSE(report.at("passed").get<bool>());
  CHECK(report.at("incomplete_because") == "the record ends before the result");
  CHECK(report.at("checks").at(17).at("verdict") == "not_applicable");
  CHECK(report.at("checks").at(17).at("reason") == "the record ends before the result");
  CHECK_FALSE(report.contains("counts"));
}

TEST_CASE_METHOD(TamperFixture,
                 "senim-verify exits non-zero on a tampered record and names the check",
                 "[tamper][binary]") {
  edit(leaf::kResult, [](Statement& st) {
    auto* no = st.mutable_result()->mutable_districts(0)->mutable_contests(0);
    no->set_options(1, no->options(1) + 1);
  });
  const Run text = run_on(*this, "-q");
  INFO(text.out);
  CHECK(text.status == 1);
  CHECK_THAT(text.out,
             Contains("18 result                FAILED") &&
                 Contains("1 of 19 checks FAILED (17 passed, 1 failed, 1 not applicable); no "
                          "result is verified"));
  // A record with a failed check shows no "verified result", whatever passed.
  CHECK(text.out.find("verified result") == std::string::npos);

  const Run json = run_on(*this, "-q --json");
  INFO(json.out);
  CHECK(json.status == 1);
  const auto report = nlohmann::json::parse(json.out);
  CHECK_FALSE(report.at("passed").get<bool>());
  CHECK(failed_ids(report) == std::vector<std::string>{"result"});
  const auto& result = report.at("checks").at(17);
  CHECK(result.at("number") == 18);
  CHECK(result.at("failures") == 1);
  CHECK(result.at("first_failure").at("entry") == leaf::kResult);
  CHECK_THAT(result.at("first_failure").at("message").get<std::string>(),
             Contains("published 3, decrypted 2"));
  CHECK_FALSE(report.contains("result"));
}

TEST_CASE_METHOD(TamperFixture, "senim-verify prints a hostile label escaped, in text and in JSON",
                 "[tamper][binary][text]") {
  // A set-up that breaks only the display-text rule is still usable: the
  // verifier reports check 5 (the district, checked first) and prints the
  // result, labels and all.
  Statement st = statement(leaf::kSetup);
  auto* manifest = st.mutable_setup()->mutable_manifest();
  (*manifest->mutable_contests(1)->mutable_options(1)->mutable_label()->mutable_text())["en"] =
      "Baurzhan\x1b[2K\rAigul";
  (*manifest->mutable_districts(0)->mutable_name()->mutable_text())["en"] =
      "\xE2\x80\xAE"
      "1 noigeR\xC2\x9B"
      "31m";
  rebuild_under(st);
  // The record's own path, shown in both reports, is hostile too.
  const std::string path = temp_record_path("esc\x1b[2K\xE2\x80\xAE");
  REQUIRE(b.write_record(path).ok());
  const auto no_raw_controls = [](const std::string& out) {
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    CHECK(out.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(out.find("\xC2\x9B") == std::string::npos);
  };

  const Run text = run_verify("-q '" + path + "'");
  INFO(text.out);
  CHECK(text.status == 1);
  no_raw_controls(text.out);
  CHECK_THAT(text.out,
             Contains(" 5 setup                 FAILED") &&
                 Contains("district region-1 name (en): bidirectional control U+202E at byte 0"));
  CHECK_THAT(text.out, Contains("senim-verify " + senim::protocol::printable(path) + "\n") &&
                           Contains("esc\\x1b[2K\\u202e") && Contains("1 of 19 checks FAILED"));
  // A failed record shows no result block, so its labels are not printed;
  // how the block escapes them is the next test's.
  CHECK(text.out.find("verified result") == std::string::npos);

  const Run json = run_verify("-q --json '" + path + "'");
  std::filesystem::remove(path);
  INFO(json.out);
  CHECK(json.status == 1);
  no_raw_controls(json.out);
  CHECK_THAT(json.out, Contains("esc\\u001b[2K\\u202e"));
  const auto report = nlohmann::json::parse(json.out);
  CHECK(report.at("record") == path);  // lossless: the escapes decode to the path
  CHECK(failed_ids(report) == std::vector<std::string>{"setup"});
  CHECK(report.at("checks").at(4).at("first_failure").at("message") ==
        "manifest: district region-1 name (en): bidirectional control U+202E at byte 0");
}

TEST_CASE("senim-verify exits non-zero on a file that is not a record", "[tamper][binary]") {
  const std::string path = temp_record_path("not-a-record");
  { std::ofstream(path) << "hello, not a record"; }
  const Run json = run_verify("-q --json '" + path + "'");
  std::filesystem::remove(path);
  INFO(json.out);
  CHECK(json.status == 1);
  const auto report = nlohmann::json::parse(json.out);
  CHECK(failed_ids(report) == std::vector<std::string>{"record-format"});
  CHECK(report.at("checks").at(0).at("first_failure").at("entry").is_null());
  CHECK(report.at("checks_not_applicable") == 18);
  CHECK(report.at("checks_passed") == 0);
}

TEST_CASE("senim-verify says once that a missing file cannot be read (exit 2)",
          "[tamper][binary]") {
  const std::string path = temp_record_path("missing");
  const Run text =
      senim::test::run_command(std::string(SENIM_VERIFY_BINARY) + " -q '" + path + "' 2>&1");
  INFO(text.out);
  CHECK(text.status == 2);
  CHECK(text.out == "senim-verify: cannot read " + path + ": cannot open record " + path +
                        ": No such file or directory\n");
}

TEST_CASE("the verified-result block and the JSON counts escape hostile labels",
          "[verifier][text]") {
  // A report in which every check passed, with labels no set-up could
  // carry (check 5 refuses them): the printing alone is under test.
  senim::verifier::Report report;
  for (const auto& c : senim::verifier::kChecks)
    report.item(c.check);
  report.district_names = {
      "\xE2\x80\xAE"
      "1 noigeR\xC2\x9B"
      "31m"};
  report.district_ids = {"region-1"};
  report.contest_ids = {"council"};
  report.option_names = {{"Baurzhan\x1b[2K\rAigul"}};
  report.option_ids = {{"candidate-1"}};
  senim::v1::Result result;
  for (auto* d : {result.add_districts(), result.mutable_total()}) {
    d->set_ballots_counted(1);
    d->add_contests()->add_options(1);
  }
  result.add_districts()->CopyFrom(result.districts(0));  // two districts: both lines shown
  report.district_names.push_back("Region 2");
  report.district_ids.push_back("region-2");
  report.verified_result = result;
  const std::string text = report.to_text();
  INFO(text);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("\xE2\x80\xAE") == std::string::npos);
  // A row per district (protocol/result_table.hpp), its name escaped.
  CHECK_THAT(text, Contains("verified result\ncouncil\n") &&
                       Contains("\n  \\u202e1 noigeR\\u009b31m   ") &&
                       Contains("   Baurzhan\\x1b[2K\\x0dAigul\n") && Contains("\n  total   ") &&
                       Contains("   1  100.0%\n") && Contains("VERIFIED: all 19 checks passed"));
  const auto json = nlohmann::json::parse(report.to_json());
  CHECK(json.at("counts").at(0).at("label") == "Baurzhan\x1b[2K\rAigul");  // lossless
  CHECK(report.to_json().find('\x1b') == std::string::npos);
}

namespace {

// A fresh directory for evidence files, removed at the end.
struct EvidenceDir {
  std::string path = temp_record_path("evidence");
  EvidenceDir() { std::filesystem::create_directories(path); }
  ~EvidenceDir() { std::filesystem::remove_all(path); }
  EvidenceDir(const EvidenceDir&) = delete;
  EvidenceDir& operator=(const EvidenceDir&) = delete;
};

Run run_verify_all(const std::string& args) {
  return senim::test::run_command(std::string(SENIM_VERIFY_BINARY) + " " + args + " 2>&1");
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE_METHOD(TamperFixture,
                 "senim-verify writes fork evidence when a record's checkpoint is contradicted by "
                 "a later one, and --evidence proves it",
                 "[tamper][binary][evidence]") {
  // m = 12, and m = 16: a power of two, whose proof begins with the larger
  // tree's own hash of its first m entries, read from the record's entries.
  const std::uint64_t m = GENERATE(std::uint64_t{12}, std::uint64_t{16});
  const std::string signed_before = checkpoint(m);
  // Then the board changed entry 11 and signed the whole log again.
  b.replace_entry(leaf::kChallengeV2,
                  challenge(2, 1, senim::sim::demo_choices(1, {1, 0, 0, 0, 0})));
  std::vector<RecordFrame> frames;
  for (std::uint64_t i = 0; i < leaf::kCount; ++i) {
    frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(i)});
    if (i + 1 == m)
      frames.push_back(checkpoint_frame(signed_before));
  }
  frames.push_back(checkpoint_frame(checkpoint(leaf::kCount)));
  const std::string path = temp_record_path("forked");
  write_frames(path, frames);
  EvidenceDir out;
  const Run run = run_verify_all("-q --evidence-out " + out.path + " '" + path + "'");
  INFO(run.out);
  CHECK(run.status == 1);
  CHECK_THAT(run.out, Contains("2 log-root              FAILED"));
  const std::string n = std::to_string(leaf::kCount);
  const std::string name = "fork-" + std::to_string(m) + "-" + n + ".evidence";
  CHECK_THAT(run.out,
             Contains("FORK: the board's tree of size " + n + " begins with a tree of size " +
                      std::to_string(m) + " whose root is "));
  CHECK_THAT(run.out, Contains("fork evidence written to " + out.path + "/" + name +
                               ": anyone can check it offline with `senim-verify --evidence "));
  CHECK(files_in(out.path) == std::vector<std::string>{name});
  const Run proven = run_verify_all("--evidence " + out.path + "/" + name);
  INFO(proven.out);
  CHECK(proven.status == 0);
  CHECK_THAT(proven.out, Contains("PROVEN: the board's tree of size " + n));
  // Without --evidence-out the file goes beside the record, named after it.
  const Run beside = run_verify_all("-q '" + path + "'");
  CHECK(beside.status == 1);
  CHECK(std::filesystem::exists(path + "." + name));
  std::filesystem::remove(path + "." + name);
  std::filesystem::remove(path);
}

TEST_CASE_METHOD(TamperFixture,
                 "senim-verify --checkpoint: a checkpoint the user saw is judged against the "
                 "record, and one from another history is fork evidence",
                 "[tamper][binary][evidence]") {
  const std::string path = temp_record_path("honest");
  REQUIRE(b.write_record(path).ok());
  EvidenceDir out;
  // The honest board's checkpoint of size 12: consistent with the record.
  const std::string honest = out.path + "/honest.checkpoint";
  std::ofstream(honest) << checkpoint(12);
  Run run = run_verify_all("-q --evidence-out " + out.path + " --checkpoint " + honest + " '" +
                           path + "'");
  INFO(run.out);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("your checkpoint " + honest +
                               ": size 12, consistent with the record's checkpoint of size " +
                               std::to_string(leaf::kCount)));
  // What the board showed someone else: entry 11 replaced, signed at size 12.
  b.replace_entry(leaf::kChallengeV2,
                  challenge(2, 1, senim::sim::demo_choices(1, {1, 0, 0, 0, 0})));
  const std::string other = out.path + "/other.checkpoint";
  std::ofstream(other) << checkpoint(12);
  run = run_verify_all("-q --evidence-out " + out.path + " --checkpoint " + other + " '" + path +
                       "'");
  INFO(run.out);
  CHECK(run.status == 1);
  CHECK_THAT(run.out, Contains("VERIFIED"));  // the record itself passes every check
  CHECK_THAT(run.out, Contains("your checkpoint " + other +
                               ": size 12, NOT CONSISTENT with the record's checkpoint of size " +
                               std::to_string(leaf::kCount)));
  const std::string evidence = out.path + "/fork-12-" + std::to_string(leaf::kCount) + ".evidence";
  REQUIRE(std::filesystem::exists(evidence));
  CHECK(run_verify_all("--evidence " + evidence).status == 0);
  std::filesystem::remove(path);
}

TEST_CASE_METHOD(TamperFixture,
                 "senim-verify --checkpoint: a checkpoint beyond the record cannot be judged by it "
                 "(exit 3), and one that is not a note cannot be read (exit 2)",
                 "[tamper][binary][evidence]") {
  EvidenceDir out;
  const std::string full = out.path + "/full.checkpoint";
  std::ofstream(full) << checkpoint(leaf::kCount);
  // The record up to the tally, read with --partial: nothing fails.
  std::vector<RecordFrame> frames;
  for (std::uint64_t i = 0; i < leaf::kPartial1; ++i)
    frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(i)});
  frames.push_back(checkpoint_frame(checkpoint(leaf::kPartial1)));
  const std::string path = temp_record_path("partial");
  write_frames(path, frames);
  Run run = run_verify_all("-q --partial --evidence-out " + out.path + " --checkpoint " + full +
                           " '" + path + "'");
  INFO(run.out);
  CHECK(run.status == 3);
  CHECK_THAT(run.out,
             Contains("your checkpoint " + full + ": size " + std::to_string(leaf::kCount) +
                      " is beyond the record's signed tree (" + std::to_string(leaf::kPartial1) +
                      " entries): this record cannot show whether it is consistent"));
  CHECK(files_in(out.path) == std::vector<std::string>{"full.checkpoint"});
  // Not a note at all.
  const std::string junk = out.path + "/junk.checkpoint";
  std::ofstream(junk) << "not a note";
  run = run_verify_all("-q --checkpoint " + junk + " '" + path + "'");
  CHECK(run.status == 2);
  CHECK_THAT(run.out, Contains("senim-verify: --checkpoint " + junk + ": " + junk + ": "));
  std::filesystem::remove(path);
}
