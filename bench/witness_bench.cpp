// bench_witness: how fast a senim witness checks a board, beside senim-verify
// in the same run, and how long it takes to start again.
//
// Makes (once per run, not timed) a referendum election of N ballots in
// process, writes its record and its tiles and entry bundles into a
// directory (as `senim export-tiles` would), then, each the median of
// several runs:
//   - senim-verify --threads 1 on the record (the baseline);
//   - a fresh `senim witness serve --threads 1` reading the directory, timed
//     from the add-checkpoint request for the whole log to its cosignature:
//     fetching, proving every entry against the root, checking, fsync;
//   - restarting that witness: with its snapshot (taken at the cosignature),
//     and without one (every mirror entry checked again);
//   - a fresh witness fed as a board feeds it, a checkpoint every --step
//     entries from the open to the end: the time of each add-checkpoint,
//     so that the first quarter of the steps can be compared with the last
//     (a witness that re-read the board would slow down as it grows).
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.hpp"
#include "sim/election_builder.hpp"
#include "tests/run_command.hpp"
#include "tests/server/server_process.hpp"
#include "tests/witness/board_files.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int run(unsigned ballots, unsigned runs, unsigned step) {
  if (sodium_init() < 0)
    return 2;
  const senim::test::TempDir tmp;

  std::printf("making a referendum of %u ballots (not timed)\n", ballots);
  std::fflush(stdout);
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-witness");
  plan.voters = ballots;
  plan.validate = false;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  const std::uint64_t opened = b.entries().size();
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> votes;
  for (std::uint32_t v = 0; v < ballots; ++v) {
    senim::protocol::BallotChoices c;
    c.contests.push_back({v % 2, 1 - v % 2});
    votes.emplace_back(v, std::move(c));
  }
  b.cast_many(votes, std::max(1U, std::thread::hardware_concurrency()));
  b.finish();
  const std::string record = tmp.path() + "/record.senim";
  if (!b.write_record(record).ok())
    return 1;
  senim::test::BoardFiles board(tmp.path() + "/tiles", b.board_key(), b.log_origin());
  board.set_entries(b.entries());
  const std::uint64_t size = b.entries().size();
  board.publish(size);
  const std::string request = board.request(0, size);
  const std::string key = tmp.path() + "/w.key";
  if (senim::test::run_command(std::string(SENIM_BINARY) +
                               " witness keygen --name bench.witness --out " + key +
                               " >/dev/null 2>&1")
          .status != 0) {
    return 1;
  }

  std::vector<double> verify;
  std::vector<double> witness;
  std::vector<double> restart_snapshot;
  std::vector<double> restart_full;
  std::vector<double> early_steps;  // medians per run: the first quarter of the steps
  std::vector<double> late_steps;   // the last quarter (without the final step: the tally)
  std::uintmax_t snapshot_bytes = 0;
  for (unsigned r = 0; r < runs; ++r) {
    auto start = Clock::now();
    const auto verified = senim::test::run_command(std::string(SENIM_VERIFY_BINARY) +
                                                   " -q --threads 1 " + record + " >/dev/null");
    verify.push_back(seconds_since(start));
    if (verified.status != 0) {
      std::fprintf(stderr, "senim-verify failed\n");
      return 1;
    }
    const std::string data = tmp.path() + "/witness-" + std::to_string(r);
    auto serve = [&] {
      return std::make_unique<senim::test::ServerProcess>(
          SENIM_BINARY,
          std::vector<std::string>{"witness", "serve", "--key", key, "--data", data, "--listen",
                                   "127.0.0.1:0", "--log", board.vkey(), "--board", board.dir(),
                                   "--threads", "1", "--snapshot-every", "1",
                                   // the whole catch-up timed within one request
                                   "--background-after", "1000000000"},
          data + ".log");
    };
    auto process = serve();
    auto http = senim::net::HttpClient::create(process->url(),
                                               {std::chrono::milliseconds(600'000), 1 << 20});
    start = Clock::now();
    auto answer = http->post("/add-checkpoint", request, "text/plain");
    witness.push_back(seconds_since(start));
    if (!answer || answer->status != 200) {
      std::fprintf(stderr, "the witness did not cosign: %s\n",
                   answer ? answer->body.c_str() : answer.error().message.c_str());
      return 1;
    }
    process->stop();
    start = Clock::now();
    process = serve();  // returns once it listens: snapshot restored
    restart_snapshot.push_back(seconds_since(start));
    process->stop();
    snapshot_bytes = std::filesystem::file_size(data + "/snapshot.bin");
    std::filesystem::remove(data + "/snapshot.bin");
    start = Clock::now();
    process = serve();  // every entry of the mirror checked again
    restart_full.push_back(seconds_since(start));
    process->stop();

    // Fed as it goes: the checkpoints the board would push, one per step.
    const std::string fed = tmp.path() + "/witness-fed-" + std::to_string(r);
    std::filesystem::remove_all(board.dir());
    board.publish(opened);
    std::vector<std::uint64_t> sizes{opened};
    for (std::uint64_t s = opened + step; s < size; s += step)
      sizes.push_back(s);
    sizes.push_back(size);
    process = std::make_unique<senim::test::ServerProcess>(
        SENIM_BINARY,
        std::vector<std::string>{"witness", "serve", "--key", key, "--data", fed, "--listen",
                                 "127.0.0.1:0", "--log", board.vkey(), "--board", board.dir(),
                                 "--threads", "1"},
        fed + ".log");
    http = senim::net::HttpClient::create(process->url(),
                                          {std::chrono::milliseconds(600'000), 1 << 20});
    std::vector<double> steps;
    std::uint64_t old_size = 0;
    for (std::uint64_t s : sizes) {
      board.publish(old_size, s);
      const std::string body = board.request(old_size, s);
      start = Clock::now();
      auto cosigned = http->post("/add-checkpoint", body, "text/plain");
      steps.push_back(seconds_since(start));
      if (!cosigned || cosigned->status != 200) {
        std::fprintf(stderr, "the witness did not cosign size %llu\n",
                     static_cast<unsigned long long>(s));
        return 1;
      }
      old_size = s;
    }
    process->stop();
    // steps[0] is the ceremony, the last one the end of voting and the tally.
    const std::vector<double> voting(steps.begin() + 1, steps.end() - 1);
    if (voting.size() >= 4) {
      const auto quarter = static_cast<std::ptrdiff_t>(voting.size() / 4);
      early_steps.push_back(median({voting.begin(), voting.begin() + quarter}));
      late_steps.push_back(median({voting.end() - quarter, voting.end()}));
    }
  }
  const double v = median(verify);
  const double w = median(witness);
  std::printf("log                   %llu entries, %u ballots, %.1f MB record\n",
              static_cast<unsigned long long>(size), ballots,
              static_cast<double>(std::filesystem::file_size(record)) / 1e6);
  std::printf("senim-verify -t 1     median %.2f s   %.0f ballots/s per core (baseline)\n", v,
              ballots / v);
  std::printf(
      "senim witness -t 1    median %.2f s   %.0f ballots/s per core (%.2fx the verifier's "
      "time: tiles, proofs, mirror)\n",
      w, ballots / w, w / v);
  std::printf(
      "witness restart       median %.2f s with its snapshot, %.2f s without (re-checks "
      "the mirror)\n",
      median(restart_snapshot), median(restart_full));
  std::printf(
      "snapshot              %.2f MB for %u credentials (%.1f bytes each, all else included)\n",
      static_cast<double>(snapshot_bytes) / 1e6, ballots,
      static_cast<double>(snapshot_bytes) / ballots);
  if (!early_steps.empty()) {
    const double early = median(early_steps);
    const double late = median(late_steps);
    std::printf(
        "fed every %u entries  median step %.3f s in the first quarter of the voting, %.3f s in "
        "the last (%.2fx): %.0f and %.0f entries/s\n",
        step, early, late, late / early, step / early, step / late);
  }
  std::printf("(medians of %u runs)\n", runs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_witness: senim witness and senim-verify on one referendum, one core each"};
  unsigned ballots = 20'000;
  unsigned runs = 3;
  unsigned step = 1000;
  app.add_option("--ballots", ballots, "ballots (one per voter)");
  app.add_option("--step", step, "entries per checkpoint when the witness is fed as it goes")
      ->check(CLI::Range(1U, 1U << 20));
  app.add_option("--runs", runs, "timed runs per measurement (the median is reported)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(ballots, runs, step);
  } catch (const std::exception& e) {  // a witness that did not start in time, say
    std::fprintf(stderr, "bench_witness: %s\n", e.what());
    return 1;
  }
}
