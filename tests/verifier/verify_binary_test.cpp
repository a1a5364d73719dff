// The senim-verify binary, driven as a person or a script would: exit status
// 0 only when every check passes, and --json that names the failed check.
#include <catch2/catch.hpp>
#include <filesystem>
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
    if (!c.at("passed").get<bool>())
      out.push_back(c.at("id").get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "senim-verify exits 0 on an honest record", "[tamper][binary]") {
  const Run text = run_on(*this, "-q");
  INFO(text.out);
  CHECK(text.status == 0);
  CHECK_THAT(text.out, Contains("all 18 checks passed"));

  const Run json = run_on(*this, "-q --json");
  INFO(json.out);
  CHECK(json.status == 0);
  const auto report = nlohmann::json::parse(json.out);
  CHECK(report.at("passed").get<bool>());
  CHECK(report.at("checks").size() == 18);
  CHECK(failed_ids(report).empty());
  CHECK(report.at("entries").get<std::uint64_t>() == leaf::kCount);
  // protobuf's JSON mapping writes 64-bit integers as strings.
  CHECK(report.at("result").at("total").at("ballots_counted") == "5");
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
             Contains("18 result                FAILED") && Contains("1 of 18 checks FAILED"));

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
  CHECK_THAT(text.out,
             Contains("senim-verify " + senim::protocol::printable(path) + "\n") &&
                 Contains("esc\\x1b[2K\\u202e") && Contains(", Baurzhan\\x1b[2K\\x0dAigul ") &&
                 Contains("\n  \\u202e1 noigeR\\u009b31m (") && Contains("1 of 18 checks FAILED"));

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
  const std::string path = temp_record_path("missing");
  const Run json = run_verify("-q --json '" + path + "'");
  INFO(json.out);
  CHECK(json.status == 1);
  const auto report = nlohmann::json::parse(json.out);
  CHECK(failed_ids(report) == std::vector<std::string>{"record-format"});
  CHECK(report.at("checks").at(0).at("first_failure").at("entry").is_null());
}
