// A whole election through the protocol state machine, in one process.
#include <catch2/catch.hpp>

#include "protocol/tracking_code.hpp"
#include "sim/election_builder.hpp"

using senim::protocol::BallotChoices;
using senim::protocol::Phase;
using senim::sim::demo_choices;
using senim::sim::ElectionBuilder;
using senim::sim::ElectionPlan;

namespace {
BallotChoices referendum(bool yes) {
  return BallotChoices{{{yes ? 1U : 0U, yes ? 0U : 1U}}};
}
}  // namespace

TEST_CASE("a referendum runs from set-up to result and counts the last ballot per credential",
          "[protocol][election]") {
  ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("ref-2026");
  plan.voters = 6;
  ElectionBuilder b(std::move(plan));
  b.prepare();
  CHECK(b.state().phase() == Phase::voting);
  b.cast(0, referendum(true));
  b.cast(1, referendum(false));
  b.cast(2, referendum(true));
  b.cast(2, referendum(false));  // re-vote: this one counts
  b.cast(3, referendum(true));
  b.challenge(4, referendum(true));  // challenged: never counted
  b.finish({2, 3});                  // trustee 1 absent
  REQUIRE(b.state().phase() == Phase::finished);
  const auto& result = *b.state().result();
  REQUIRE(result.districts_size() == 1);
  CHECK(result.total().ballots_counted() == 4);
  CHECK(result.total().contests(0).options(0) == 2);  // yes: voters 0, 3
  CHECK(result.total().contests(0).options(1) == 2);  // no: voters 1, 2
  CHECK(b.state().superseded().size() == 1);
}

TEST_CASE("districts are tallied separately and in total, with blank votes",
          "[protocol][election]") {
  ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("demo-2026", 2);
  plan.voters = 6;
  plan.trustees = 3;
  plan.threshold = 2;
  ElectionBuilder b(std::move(plan));
  b.prepare();
  // Voters alternate districts: 0, 2, 4 in region-1; 1, 3, 5 in region-2.
  b.cast(0, demo_choices(0, {1, 1, 0, 0, 0}));
  b.cast(1, demo_choices(1, {0, 0, 0, 1, 1}));
  b.cast(2, demo_choices(2, {0, 0, 0, 0, 0}));  // blank in both contests
  b.cast(3, demo_choices(0, {1, 0, 0, 0, 0}));  // one of two
  b.cast(4, demo_choices(1, {0, 1, 1, 0, 0}));
  b.finish();
  const auto& r = *b.state().result();
  REQUIRE(r.districts_size() == 2);
  const auto& d1 = r.districts(0);
  const auto& d2 = r.districts(1);
  CHECK(d1.ballots_counted() == 3);
  CHECK(d2.ballots_counted() == 2);
  CHECK(d1.contests(0).options(0) == 1);
  CHECK(d1.contests(0).options(1) == 1);
  CHECK(d1.contests(0).blank() == 1);
  CHECK(d2.contests(0).options(0) == 1);
  CHECK(d2.contests(0).options(1) == 1);
  CHECK(d2.contests(0).blank() == 0);
  CHECK(d1.contests(1).blank() == 1);
  CHECK(d1.contests(1).options(0) == 1);
  CHECK(d1.contests(1).options(1) == 2);
  CHECK(d1.contests(1).options(2) == 1);
  CHECK(r.total().ballots_counted() == 5);
  CHECK(r.total().contests(1).options(0) == 2);
  CHECK(r.total().contests(1).options(3) == 1);
  CHECK(r.total().contests(0).blank() == 1);
}
