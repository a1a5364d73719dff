// bench_snapshot_pause: what a restart snapshot costs the board's commits
// (docs/performance.md, "Writing restart snapshots"), before and after the
// snapshot chain, in the same run:
//
//   bench_snapshot_pause [--credentials N] [--voted V] [--changes C] [--rounds R]
//
// An ElectionState with N credentials (the real credential lists, set-up and
// ceremony of a simulated referendum, admitted with every check), of whom V
// have voted (restored as a snapshot restores them), then R rounds of C real
// ballots admitted by new voters (what a snapshot interval brings). Timed in
// each round, medians printed:
// - "whole": ElectionState::voting_state(), the copy the board made under
//   its shared lock for every snapshot before the chain (and now once, for a
//   base), a walk of every credential;
// - "delta": ElectionState::take_voting_changes(), the copy it makes now
//   for each delta;
// and, with no lock held, writing each as a file (a base of every voter, a
// delta of the round's changes): bytes and time.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "bench/process_stats.hpp"
#include "server/board_snapshot_chain.hpp"
#include "sim/election_builder.hpp"
#include "tests/server/server_process.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int run(std::uint32_t credentials, std::uint32_t voted, std::uint32_t changes, unsigned rounds) {
  if (sodium_init() < 0 || voted + changes * rounds > credentials)
    return 2;
  std::printf("making %u credentials and %u ballots (not timed); load %s\n", credentials,
              changes * rounds, senim::bench::load_average().c_str());
  std::fflush(stdout);
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-snapshot-pause");
  plan.voters = credentials;
  plan.validate = false;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  const std::size_t prepared = b.entries().size();
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> ballots;
  for (std::uint32_t v = voted; v < voted + changes * rounds; ++v)
    ballots.push_back({v, senim::protocol::BallotChoices{{{v % 2, 1 - v % 2}}}});
  b.cast_many(ballots, threads);

  // The state: every entry up to the open admitted, then V voters restored.
  const std::vector<senim::Bytes>& entries = b.entries();
  senim::protocol::ElectionState state(
      [&](std::uint64_t leaf) -> senim::Expected<senim::Bytes> { return entries.at(leaf); },
      nullptr);
  for (std::size_t i = 0; i < prepared; ++i) {
    if (auto s = state.apply(entries[i], i); !s) {
      std::fprintf(stderr, "entry %zu: %s\n", i, s.error().message.c_str());
      return 1;
    }
  }
  auto saved = state.voting_state();
  if (!saved)
    return 1;
  const std::uint64_t first_leaf =
      prepared + std::uint64_t{changes} * rounds;  // leaves the restored voters name
  for (std::uint32_t v = 0; v < voted; ++v)
    saved->voters.push_back({b.voter_public_key(v), 1, first_leaf + v});
  saved->ballots_cast = voted;
  if (auto s = state.restore_voting_state(*saved); !s) {
    std::fprintf(stderr, "restore: %s\n", s.error().message.c_str());
    return 1;
  }
  state.keep_voting_changes();

  const senim::test::TempDir tmp;
  const std::string base = tmp.path() + "/board.snapshot";
  senim::server::SnapshotChain chain;
  std::vector<double> whole_ms, delta_ms, base_write_ms, delta_write_ms;
  std::uint64_t base_bytes = 0, delta_bytes = 0;
  std::size_t next = prepared;
  for (unsigned r = 0; r < rounds; ++r) {
    for (std::uint32_t i = 0; i < changes; ++i, ++next) {
      if (auto s = state.apply(entries[next], next); !s) {
        std::fprintf(stderr, "ballot %zu: %s\n", next, s.error().message.c_str());
        return 1;
      }
    }
    const senim::server::StoredCheckpoint at{next, {}, "bench\n"};
    auto t0 = Clock::now();
    auto whole = state.voting_state();
    whole_ms.push_back(ms_since(t0));
    t0 = Clock::now();
    auto delta = state.take_voting_changes();
    delta_ms.push_back(ms_since(t0));
    if (!whole || !delta)
      return 1;
    t0 = Clock::now();
    if (!senim::server::start_board_snapshot_chain(base, {at, {}, std::move(*whole)}, chain).ok())
      return 1;
    base_write_ms.push_back(ms_since(t0));
    base_bytes = std::filesystem::file_size(base);
    t0 = Clock::now();
    const senim::server::StoredCheckpoint later{next + 1, {}, "bench\n"};
    if (!senim::server::append_board_snapshot_delta(base, {later, {}, std::move(*delta)}, chain)
             .ok())
      return 1;
    delta_write_ms.push_back(ms_since(t0));
    delta_bytes = chain.delta_bytes;
    std::printf(
        "round %u: copy under the lock: whole %.3f ms, delta %.3f ms; write: base %.1f ms "
        "(%.2f MB), delta %.2f ms (%.1f KB)\n",
        r + 1, whole_ms.back(), delta_ms.back(), base_write_ms.back(),
        static_cast<double>(base_bytes) / 1e6, delta_write_ms.back(),
        static_cast<double>(delta_bytes) / 1e3);
    std::fflush(stdout);
  }
  std::printf(
      "median of %u, %u credentials, %u voted + %u a round: copy under the lock: whole %.3f ms, "
      "delta %.3f ms (%.0fx less); write: base %.1f ms (%.2f MB), delta %.2f ms (%.1f KB); "
      "load %s\n",
      rounds, credentials, voted, changes, median(whole_ms), median(delta_ms),
      median(whole_ms) / std::max(1e-6, median(delta_ms)), median(base_write_ms),
      static_cast<double>(base_bytes) / 1e6, median(delta_write_ms),
      static_cast<double>(delta_bytes) / 1e3, senim::bench::load_average().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_snapshot_pause: the restart snapshot's copy under the board's lock"};
  std::uint32_t credentials = 100000;
  std::uint32_t voted = 50000;
  std::uint32_t changes = 1000;
  unsigned rounds = 5;
  app.add_option("--credentials", credentials, "credentials on the lists")->capture_default_str();
  app.add_option("--voted", voted, "of whom voted before the first round")->capture_default_str();
  app.add_option("--changes", changes, "ballots a round (a snapshot interval's intake)")
      ->capture_default_str();
  app.add_option("--rounds", rounds, "rounds")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return run(credentials, voted, changes, std::max(1U, rounds));
}
