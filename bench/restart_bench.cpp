// bench_restart: how long the real senim-server takes to serve again after a
// kill -9, with its restart snapshot and with a full re-verification
// (--reverify), on the same board in the same run (docs/performance.md,
// "Restart after a crash").
//
//   bench_restart [--ballots N] [--tail T] [--runs R]
//
// Makes (once, not timed) a referendum of N ballots, one per voter: the first
// N − T are written as an election record and put into a fresh data
// directory with `senim-server --restore-from`; a server started on it is
// stopped cleanly (its snapshot then covers them), started again, sent the
// last T ballots over HTTP (durable receipts) and killed with SIGKILL, so
// that the snapshot is T ballots behind the log, as after a crash between
// two snapshots. Then, R times each, alternating: a start that uses the
// snapshot, and a start with --reverify, each timed from fork to the
// "listening on" line and killed with SIGKILL once it listens; the peak RSS
// (VmHWM) of each. Medians and their ratio.
#include <sodium.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/process_stats.hpp"
#include "net/http_client.hpp"
#include "sim/election_builder.hpp"
#include "tests/run_command.hpp"
#include "tests/server/server_process.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Start {
  double seconds = 0;
  double peak_mb = 0;
};

Start timed_start(const std::string& dir, std::vector<std::string> args) {
  const auto t0 = Clock::now();
  senim::test::ServerProcess server(dir, std::move(args));
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const double peak = static_cast<double>(senim::bench::peak_rss_bytes(server.pid())) / 1e6;
  server.kill9();
  return {seconds, peak};
}

int run(unsigned ballots, unsigned tail, unsigned runs) {
  if (sodium_init() < 0 || tail > ballots)
    return 2;
  const senim::test::TempDir tmp;
  senim::test::ServerProcess::use_start_timeout(std::chrono::hours(2));
  std::printf("making a referendum of %u ballots (not timed)\n", ballots);
  std::fflush(stdout);
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-restart");
  plan.voters = ballots;
  plan.validate = false;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  auto votes = [](std::uint32_t from, std::uint32_t to) {
    std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> out;
    for (std::uint32_t v = from; v < to; ++v) {
      senim::protocol::BallotChoices c;
      c.contests.push_back({v % 2, 1 - v % 2});
      out.emplace_back(v, std::move(c));
    }
    return out;
  };
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  b.cast_many(votes(0, ballots - tail), threads);
  const std::string record = tmp.path() + "/record.senim";
  if (!b.write_record(record).ok())
    return 1;
  const std::size_t snapshot_size = b.entries().size();
  b.cast_many(votes(ballots - tail, ballots), threads);

  // The board: the builder's key, the record restored into it.
  const std::string dir = tmp.path() + "/board";
  std::filesystem::create_directory(dir);
  ::chmod(dir.c_str(), 0700);
  {
    const senim::Bytes seed = b.board_key().seed();
    std::ofstream(dir + "/board.key", std::ios::binary)
        .write(reinterpret_cast<const char*>(seed.data()),
               static_cast<std::streamsize>(seed.size()));
    ::chmod((dir + "/board.key").c_str(), 0600);
  }
  const auto restored = senim::test::run_command(std::string(SENIM_SERVER_BINARY) + " --data " +
                                                 dir + " --restore-from " + record + " 2>&1");
  if (restored.status != 0) {
    std::fprintf(stderr, "restore failed: %s\n", restored.out.c_str());
    return 1;
  }
  const std::vector<std::string> only_at_stop{"--snapshot-interval", "0"};
  {
    senim::test::ServerProcess first(dir, only_at_stop);  // a full start; then a snapshot
    if (first.stop() != 0)
      return 1;
  }
  {
    senim::test::ServerProcess server(dir, only_at_stop);
    auto client = senim::net::HttpClient::create(server.url());
    for (std::size_t i = snapshot_size; i < b.entries().size(); ++i) {
      const senim::Bytes& e = b.entries()[i];
      auto r = client->post("/v1/ballots",
                            std::string_view(reinterpret_cast<const char*>(e.data()), e.size()));
      if (!r || r->status != 200) {
        std::fprintf(stderr, "ballot %zu refused\n", i);
        return 1;
      }
    }
    server.kill9();
  }
  const auto snapshot_bytes = std::filesystem::file_size(dir + "/board.snapshot");
  const auto db_bytes = std::filesystem::file_size(dir + "/board.sqlite");
  std::printf(
      "board: %zu entries (%u ballots), board.sqlite %.1f MB; snapshot of %zu entries, "
      "%.2f MB (%.1f bytes per ballot); load %s\n",
      b.entries().size(), ballots, static_cast<double>(db_bytes) / 1e6, snapshot_size,
      static_cast<double>(snapshot_bytes) / 1e6,
      static_cast<double>(snapshot_bytes) / std::max(1U, ballots - tail),
      senim::bench::load_average().c_str());
  std::vector<double> with, without, with_rss, without_rss;
  for (unsigned r = 0; r < runs; ++r) {
    const Start a = timed_start(dir, only_at_stop);
    const Start c = timed_start(dir, {"--reverify", "--snapshot-interval", "0"});
    std::printf("run %u: with the snapshot %.3f s (%.0f MB peak), --reverify %.3f s (%.0f MB)\n",
                r + 1, a.seconds, a.peak_mb, c.seconds, c.peak_mb);
    std::fflush(stdout);
    with.push_back(a.seconds);
    with_rss.push_back(a.peak_mb);
    without.push_back(c.seconds);
    without_rss.push_back(c.peak_mb);
  }
  const double w = median(with);
  const double f = median(without);
  std::printf(
      "median of %u: with the snapshot (%u ballots after it) %.3f s, %.0f MB peak RSS; "
      "--reverify %.3f s, %.0f MB; ratio %.3f (%.1fx faster); load %s\n",
      runs, tail, w, median(with_rss), f, median(without_rss), w / f, f / w,
      senim::bench::load_average().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_restart: senim-server's start after kill -9, with its snapshot and without"};
  unsigned ballots = 10000;
  unsigned tail = 1000;
  unsigned runs = 3;
  app.add_option("--ballots", ballots, "ballots on the board")->capture_default_str();
  app.add_option("--tail", tail, "of which after the snapshot")->capture_default_str();
  app.add_option("--runs", runs, "timed starts of each kind")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return run(ballots, tail, std::max(1U, runs));
}
