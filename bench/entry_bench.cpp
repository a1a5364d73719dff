// What decoding an entry costs (docs/performance.md, "Decoding entries"):
// parse_entry with the canonical encoding (docs/protocol.md §11.1.1: the
// scan, libprotobuf's parse, the deterministic re-serialisation compared)
// against libprotobuf's parse alone, the baseline, on the same bytes: a
// ballot and a challenge of the demo's manifest, and the largest challenge
// the manifest rules allow (tests/protocol/entry_sizes_test.cpp).
#include <benchmark/benchmark.h>

#include <memory>

#include "protocol/entry.hpp"
#include "sim/election_builder.hpp"

namespace {

using senim::Bytes;
namespace v1 = senim::v1;

v1::Text text(const std::string& s) {
  v1::Text t;
  (*t.mutable_text())["en"] = s;
  return t;
}

// Two contests of 63 options, "choose any number", and one of 5: 134
// ciphertexts, a challenge of about 65 KiB.
v1::Manifest largest_manifest() {
  v1::Manifest m;
  m.set_election_id("largest-ballot");
  *m.mutable_title() = text("Largest");
  m.add_languages("en");
  m.set_max_ballots_per_credential(1);
  for (int options : {63, 63, 5}) {
    auto* c = m.add_contests();
    c->set_id("c" + std::to_string(m.contests_size()));
    *c->mutable_title() = text("Contest");
    c->set_max_selections(static_cast<std::uint32_t>(options));
    for (int i = 1; i <= options; ++i) {
      auto* o = c->add_options();
      o->set_id("o" + std::to_string(i));
      *o->mutable_label() = text("Option");
    }
  }
  return m;
}

struct Entries {
  Bytes demo_ballot;
  Bytes demo_challenge;
  Bytes largest_challenge;
};

senim::protocol::BallotChoices first_of_each(const v1::Manifest& m) {
  senim::protocol::BallotChoices choices;
  for (const auto& c : m.contests()) {
    senim::protocol::ChoiceRow picks(static_cast<std::size_t>(c.options_size()), 0);
    picks[0] = 1;
    choices.contests.push_back(picks);
  }
  return choices;
}

const Entries& entries() {
  static const Entries made = [] {
    Entries e;
    for (const v1::Manifest& m : {senim::sim::demo_manifest("demo-2026", 2), largest_manifest()}) {
      senim::sim::ElectionPlan plan;
      plan.manifest = m;
      plan.voters = 1;
      plan.validate = false;
      senim::sim::ElectionBuilder b(plan);
      b.prepare();
      b.challenge(0, first_of_each(m));
      const Bytes challenge = b.entries().back();
      b.cast(0, first_of_each(m));
      if (m.election_id() == "demo-2026") {
        e.demo_ballot = b.entries().back();
        e.demo_challenge = challenge;
      } else {
        e.largest_challenge = challenge;
      }
    }
    return e;
  }();
  return made;
}

const Bytes& pick(std::int64_t which) {
  const Entries& e = entries();
  return which == 0 ? e.demo_ballot : which == 1 ? e.demo_challenge : e.largest_challenge;
}

void label(benchmark::State& state) {
  static const char* kNames[] = {"demo ballot", "demo challenge", "largest challenge"};
  state.SetLabel(std::string(kNames[state.range(0)]) + ", " +
                 std::to_string(pick(state.range(0)).size()) + " bytes");
}

// parse_entry: size, canonical Entry and Statement, lengths, a body; for a
// challenge also the opened statement (as check_challenge parses it).
void BM_ParseEntryCanonical(benchmark::State& state) {
  const Bytes& entry = pick(state.range(0));
  for (auto _ : state) {
    auto parsed = senim::protocol::parse_entry(entry);
    if (!parsed)
      state.SkipWithError("entry does not parse");
    if (parsed && parsed->statement.has_challenge()) {
      auto inner = senim::protocol::parse_statement(
          senim::as_bytes(parsed->statement.challenge().ballot_statement()));
      benchmark::DoNotOptimize(inner);
    }
    benchmark::DoNotOptimize(parsed);
  }
  label(state);
}
BENCHMARK(BM_ParseEntryCanonical)->Arg(0)->Arg(1)->Arg(2);

// The baseline: libprotobuf's parse of the Entry and its Statement alone.
void BM_ParseEntryLibprotobufOnly(benchmark::State& state) {
  const Bytes& entry = pick(state.range(0));
  for (auto _ : state) {
    v1::Entry e;
    v1::Statement st;
    const bool ok = e.ParseFromArray(entry.data(), static_cast<int>(entry.size())) &&
                    st.ParseFromString(e.statement());
    if (!ok)
      state.SkipWithError("entry does not parse");
    if (st.has_challenge()) {
      v1::Statement inner;
      benchmark::DoNotOptimize(inner.ParseFromString(st.challenge().ballot_statement()));
    }
    benchmark::DoNotOptimize(st);
  }
  label(state);
}
BENCHMARK(BM_ParseEntryLibprotobufOnly)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
