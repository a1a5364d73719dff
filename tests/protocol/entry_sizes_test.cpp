// docs/protocol.md §8.1 rule 7 and §11.1: every entry fits in 65,535 bytes.
// The largest manifests the rule allows are run as whole elections, and every
// entry they make is measured against the limit and against its bound.
#include "protocol/entry_sizes.hpp"

#include <catch2/catch.hpp>

#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/manifest_rules.hpp"
#include "sim/election_builder.hpp"

using senim::protocol::check_manifest;
using senim::protocol::entry_bounds;
using senim::protocol::kMaxEntryBytes;
namespace v1 = senim::v1;

namespace {

v1::Text text(const std::string& s) {
  v1::Text t;
  (*t.mutable_text())["en"] = s;
  return t;
}

v1::Manifest base(const std::string& id) {
  v1::Manifest m;
  m.set_election_id(id);
  *m.mutable_title() = text("Largest");
  m.add_languages("en");
  m.set_max_ballots_per_credential(1);
  return m;
}

void add_contest(v1::Manifest& m, std::uint32_t options, std::uint32_t min, std::uint32_t max) {
  auto* c = m.add_contests();
  c->set_id("c" + std::to_string(m.contests_size()));
  *c->mutable_title() = text("Contest");
  c->set_min_selections(min);
  c->set_max_selections(max);
  for (std::uint32_t i = 1; i <= options; ++i) {
    auto* o = c->add_options();
    o->set_id("o" + std::to_string(i));
    *o->mutable_label() = text("Option");
  }
}

void add_districts(v1::Manifest& m, std::uint32_t n) {
  for (std::uint32_t d = 1; d <= n; ++d) {
    auto* district = m.add_districts();
    district->set_id("district-" + std::to_string(d));
    *district->mutable_name() = text("District");
  }
}

// Grows `m` by `grow` until check_manifest refuses; returns the last accepted.
template <class Grow>
std::pair<v1::Manifest, senim::Error> largest(v1::Manifest m, Grow grow) {
  REQUIRE(check_manifest(m).ok());
  for (;;) {
    v1::Manifest bigger = m;
    grow(bigger);
    auto shape = check_manifest(bigger);
    if (!shape)
      return {m, shape.error()};
    m = std::move(bigger);
  }
}

// Runs a whole election under `m`: every voter casts the largest ballot it
// allows, one challenges one first; every entry is within the limit and its bound.
void run_and_measure(const v1::Manifest& m, std::uint32_t voters) {
  senim::sim::ElectionPlan plan;
  plan.manifest = m;
  plan.voters = voters;
  senim::sim::ElectionBuilder b(plan);
  b.prepare();
  senim::protocol::BallotChoices most;
  for (const auto& c : m.contests()) {
    senim::protocol::ChoiceRow picks(static_cast<std::size_t>(c.options_size()), 0);
    std::fill_n(picks.begin(), c.max_selections(), 1U);
    most.contests.push_back(picks);
  }
  b.challenge(0, most);
  for (std::uint32_t v = 0; v < voters; ++v)
    b.cast(v, most);
  b.finish();
  const auto bounds = entry_bounds(*check_manifest(m));
  for (const senim::Bytes& e : b.entries()) {
    const auto parsed = senim::protocol::parse_entry(e);
    REQUIRE(parsed.ok());
    const auto& st = parsed->statement;
    INFO(senim::protocol::body_name(st) << ": " << e.size() << " bytes");
    CHECK(e.size() <= kMaxEntryBytes);
    if (st.has_challenge() || st.has_ballot())
      CHECK(e.size() <= bounds.challenge);
    if (st.has_tally())
      CHECK(e.size() <= bounds.tally);
    if (st.has_partial())
      CHECK(e.size() <= bounds.partial);
    if (st.has_result())
      CHECK(e.size() <= bounds.result);
  }
}

}  // namespace

TEST_CASE("the entry bounds hold for every entry of the demo's election, and are close",
          "[protocol][entry-size]") {
  const v1::Manifest m = senim::sim::demo_manifest("demo-2026", 2);
  senim::sim::ElectionPlan plan;
  plan.manifest = m;
  plan.voters = 3;
  senim::sim::ElectionBuilder b(plan);
  b.prepare();
  b.challenge(0, senim::sim::demo_choices(0, {1, 1, 0, 0, 0}));
  b.cast(1, senim::sim::demo_choices(1, {0, 0, 1, 1, 0}));
  b.finish();
  const auto bounds = entry_bounds(*check_manifest(m));
  // The values docs/protocol.md §8.1 quotes, for 2 and for 17 districts.
  CHECK(bounds.challenge == 3865);
  CHECK(bounds.tally == 1411);
  CHECK(bounds.partial == 2500);
  CHECK(bounds.result == 477);
  const auto regions = entry_bounds(*check_manifest(senim::sim::demo_manifest("demo-2026", 17)));
  CHECK(regions.challenge == 3865);
  CHECK(regions.tally == 10779);
  CHECK(regions.partial == 20322);
  CHECK(regions.result == 2330);
  const auto size_of = [&](v1::Statement::BodyCase kind) {
    return b.entries().at(*b.find(kind)).size();
  };
  // A bound counts every varint at its widest: a few bytes per field over.
  CHECK(size_of(v1::Statement::kChallenge) <= bounds.challenge);
  CHECK(bounds.challenge < size_of(v1::Statement::kChallenge) + 64);
  CHECK(size_of(v1::Statement::kTally) <= bounds.tally);
  CHECK(bounds.tally < size_of(v1::Statement::kTally) + 64);
  CHECK(size_of(v1::Statement::kPartial) <= bounds.partial);
  CHECK(bounds.partial < size_of(v1::Statement::kPartial) + 64);
  CHECK(size_of(v1::Statement::kResult) <= bounds.result);
  CHECK(bounds.result < size_of(v1::Statement::kResult) + 400);
}

TEST_CASE("the largest ballot the manifest rules allow fits, and one option more is refused",
          "[protocol][entry-size]") {
  // Contests of 63 options, "choose any number" (a blank vote and the
  // widest count proof), then options one at a time.
  v1::Manifest m = base("largest-ballot");
  add_contest(m, 63, 0, 63);
  auto [accepted, refusal] = largest(m, [](v1::Manifest& grown) {
    auto* last = grown.mutable_contests(grown.contests_size() - 1);
    if (last->options_size() == 63) {
      add_contest(grown, 1, 0, 1);
      return;
    }
    auto* o = last->add_options();
    o->set_id("o" + std::to_string(last->options_size()));
    *o->mutable_label() = text("Option");
    last->set_max_selections(static_cast<std::uint32_t>(last->options_size()));
  });
  CHECK(refusal.code == senim::Errc::invalid_argument);
  CHECK_THAT(refusal.message, Catch::Matchers::Contains("a challenged ballot could take") &&
                                  Catch::Matchers::Contains("more than the 65535 of an entry"));
  const auto bounds = entry_bounds(*check_manifest(accepted));
  CHECK(bounds.challenge <= kMaxEntryBytes);
  CHECK(bounds.challenge > kMaxEntryBytes - 400);  // one option more would not fit
  run_and_measure(accepted, 2);
}

TEST_CASE(
    "the most districts the manifest rules allow fit a partial decryption, and one more does not",
    "[protocol][entry-size]") {
  // The demo's two contests (8 tally ciphertexts per district), districts
  // added until a partial decryption (a share and a proof each) would not fit.
  v1::Manifest m = base("largest-tally");
  add_contest(m, 2, 0, 1);
  add_contest(m, 5, 0, 2);
  add_districts(m, 1);
  auto [accepted, refusal] = largest(m, [](v1::Manifest& grown) {
    auto* district = grown.add_districts();
    district->set_id("district-" + std::to_string(grown.districts_size()));
    *district->mutable_name() = text("District");
  });
  CHECK_THAT(refusal.message, Catch::Matchers::Contains("a partial decryption could take"));
  // A share and a proof are 34 + 98 bytes per tally ciphertext: 9 per district.
  const auto districts = static_cast<std::size_t>(accepted.districts_size());
  INFO(districts << " districts");
  CHECK(districts * 9 * 132 <= kMaxEntryBytes);
  CHECK((districts + 1) * 9 * 132 > kMaxEntryBytes - 200);
  run_and_measure(accepted, 3);
}

TEST_CASE("max_ballots_per_credential is required, from 1 to 100", "[protocol][revote]") {
  for (std::uint32_t max : {0U, 101U, UINT32_MAX}) {
    v1::Manifest m = base("limits");
    add_contest(m, 2, 1, 1);
    m.set_max_ballots_per_credential(max);
    auto shape = check_manifest(m);
    INFO(max);
    REQUIRE(!shape);
    CHECK(shape.error().code == senim::Errc::invalid_argument);
    CHECK_THAT(
        shape.error().message,
        Catch::Matchers::Contains("max_ballots_per_credential must be between 1 and 100, not " +
                                  std::to_string(max)));
  }
  for (std::uint32_t max : {1U, 100U}) {
    v1::Manifest m = base("limits");
    add_contest(m, 2, 1, 1);
    m.set_max_ballots_per_credential(max);
    auto shape = check_manifest(m);
    REQUIRE(shape.ok());
    CHECK(shape->max_ballots == max);
  }
}

TEST_CASE("credentials go to the board in lists of at most 500, each of which fits an entry",
          "[protocol][entry-size]") {
  // docs/protocol.md §8.5: 102 bytes per credential at most, so 500 of them
  // with 64-byte district ids and election id make an entry of 51,174 bytes.
  v1::Statement st;
  st.set_election_id(std::string(64, 'e'));
  for (std::size_t i = 0; i < senim::protocol::kCredentialsPerList; ++i) {
    auto* c = st.mutable_credentials()->add_credentials();
    c->set_key(std::string(32, static_cast<char>(i)));
    c->set_district(std::string(64, 'd'));
  }
  const auto key = senim::protocol::SigningKey::generate();
  const senim::Bytes largest = senim::protocol::make_entry(key, st);
  CHECK(largest.size() == 51'174);
  CHECK(largest.size() <= kMaxEntryBytes);
  // The simulator (and senim admin credentials/register) chunk their lists.
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("chunks-2026");
  plan.voters = 1001;
  plan.trustees = 1;
  plan.threshold = 1;
  senim::sim::ElectionBuilder b(plan);
  b.prepare();
  std::vector<int> lists;
  for (const senim::Bytes& e : b.entries()) {
    const auto parsed = senim::protocol::parse_entry(e);
    if (parsed->statement.has_credentials())
      lists.push_back(parsed->statement.credentials().credentials_size());
  }
  CHECK(lists == std::vector<int>{500, 500, 1});
  CHECK(b.state().credential_count() == 1001);
}
