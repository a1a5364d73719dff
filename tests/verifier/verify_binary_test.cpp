// The senim-verify binary, driven as a person or a script would: exit status
// 0 only when every check passes, and --json that names the failed check.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/test_data.hpp"
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
  INFO(text.output);
  CHECK(text.status == 0);
  CHECK_THAT(text.output, Contains("all 18 checks passed"));

  const Run json = run_on(*this, "-q --json");
  INFO(json.output);
  CHECK(json.status == 0);
  const auto report = nlohmann::json::parse(json.output);
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
  INFO(text.output);
  CHECK(text.status == 1);
  CHECK_THAT(text.output,
             Contains("18 result                FAILED") && Contains("1 of 18 checks FAILED"));

  const Run json = run_on(*this, "-q --json");
  INFO(json.output);
  CHECK(json.status == 1);
  const auto report = nlohmann::json::parse(json.output);
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

TEST_CASE("senim-verify exits non-zero on a file that is not a record", "[tamper][binary]") {
  const std::string path = temp_record_path("missing");
  const Run json = run_verify("-q --json '" + path + "'");
  INFO(json.output);
  CHECK(json.status == 1);
  const auto report = nlohmann::json::parse(json.output);
  CHECK(failed_ids(report) == std::vector<std::string>{"record-format"});
  CHECK(report.at("checks").at(0).at("first_failure").at("entry").is_null());
}
