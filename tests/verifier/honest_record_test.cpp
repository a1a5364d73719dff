// senim-verify accepts honest records, with every check doing work.
#include <catch2/catch.hpp>
#include <filesystem>

#include "sim/election_builder.hpp"
#include "verifier/record_verifier.hpp"

using senim::sim::demo_choices;
using senim::sim::ElectionBuilder;
using senim::sim::ElectionPlan;
using senim::verifier::kChecks;

namespace {

std::string temp_record(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("senim-test-" + name + ".rec")).string();
}

}  // namespace

TEST_CASE("an honest record with districts, re-votes, challenges and an absent trustee passes",
          "[verifier]") {
  ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("verify-2026", 2);
  plan.voters = 8;
  ElectionBuilder b(std::move(plan));
  b.prepare();
  b.cast(0, demo_choices(0, {1, 1, 0, 0, 0}));
  b.cast(1, demo_choices(1, {0, 0, 1, 0, 0}));
  b.challenge(2, demo_choices(0, {0, 1, 1, 0, 0}));
  b.cast(2, demo_choices(2, {0, 0, 0, 0, 0}));
  b.cast(3, demo_choices(0, {0, 0, 0, 1, 1}));
  b.cast(0, demo_choices(1, {1, 0, 0, 0, 1}));  // re-vote
  b.cast(5, demo_choices(1, {0, 1, 0, 0, 0}));
  b.finish({1, 3});
  const std::string path = temp_record("honest");
  REQUIRE(b.write_record(path).ok());

  const auto report = senim::verifier::verify_record(path);
  INFO(report.to_text());
  CHECK(report.outcome() == senim::verifier::Outcome::verified);
  for (const auto& c : kChecks) {
    INFO(c.id);
    CHECK(report.result(c.check).passed());
    // Check 19 has nothing to check in an election without witnesses.
    CHECK((report.result(c.check).items > 0) ==
          (c.check != senim::verifier::Check::witness_quorum));
  }
  CHECK(report.ballots == 6);
  REQUIRE(report.verified_result.has_value());
  CHECK(report.verified_result->total().ballots_counted() == 5);
  std::filesystem::remove(path);
}
