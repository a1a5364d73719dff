// Receipt to quorum (issue 12 §7; docs/performance.md, "Witnesses"): the real
// senim-server with three real `senim witness serve` processes named in the
// manifest (quorum 2 of 3), all on this machine. Ballots are posted at a
// steady rate; a poller reads GET /checkpoint (the baseline: the board's own
// signed checkpoint, as fast as the poller can see it) and GET
// /v1/witnessed-checkpoint every 20 ms. For each ballot: the time from its
// receipt to the first witnessed checkpoint covering its leaf. Also each
// witness's resident memory before and after the ballots, per ballot.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "bench/bench_board.hpp"
#include "bench/process_stats.hpp"
#include "net/http_client.hpp"
#include "protocol/board_checkpoint.hpp"
#include "tests/server/server_process.hpp"
#include "tests/witness/witness_process.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t note_size(const std::string& note) {
  auto n = senim::tlog::parse_note(note);
  auto c = n ? senim::tlog::parse_checkpoint(n->text)
             : senim::Expected<senim::tlog::Checkpoint>(n.error());
  return c ? c->size : 0;
}

long rss_kib(pid_t pid) {
  return static_cast<long>(senim::bench::rss_bytes(pid) / 1024);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_quorum: receipt to a quorum-cosigned checkpoint, three witnesses"};
  std::uint32_t voters = 2000;
  double rate = 200;
  app.add_option("--voters", voters, "ballots posted (one per voter)");
  app.add_option("--rate", rate, "ballots per second");
  unsigned connections = 1;
  app.add_option("--connections", connections,
                 "connections posting ballots in parallel (one is sequential: a slow answer "
                 "makes the schedule slip)")
      ->check(CLI::Range(1U, 256U));
  unsigned witness_threads = 1;
  app.add_option("--witness-threads", witness_threads,
                 "threads each witness checks ballots on (senim witness serve --threads)")
      ->check(CLI::Range(1U, 64U));
  // Paired runs against other builds (docs/performance.md, "Witnesses").
  std::string server_binary = SENIM_SERVER_BINARY;
  std::string senim_binary = SENIM_BINARY;
  app.add_option("--server-binary", server_binary, "the senim-server to run")
      ->check(CLI::ExistingFile);
  app.add_option("--senim-binary", senim_binary, "the senim whose `witness serve` to run")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  senim::test::ServerProcess::use_binary(server_binary);
  if (sodium_init() < 0)
    return 1;
  const senim::test::TempDir dir;
  // Every voter posts from this one address, as from behind a proxy.
  senim::test::ServerProcess server(dir.path() + "/board", {"--max-connections-per-address", "0"});
  auto admin = senim::net::HttpClient::create(server.url());
  senim::v1::BoardInfo info;
  info.ParseFromString(admin->get("/v1/election")->body);
  senim::protocol::PublicKey board_key{};
  std::copy(info.board_key().begin(), info.board_key().end(), board_key.begin());
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-quorum");
  plan.log_origin = "bench.example/bench-quorum";
  auto vkey = senim::protocol::board_verifier_key(plan.log_origin, board_key);
  std::vector<std::unique_ptr<senim::test::WitnessProcess>> witnesses;
  std::string policy;
  for (const char* name : {"w1", "w2", "w3"}) {
    witnesses.push_back(
        std::make_unique<senim::test::WitnessProcess>(senim_binary, dir.path(), name));
    witnesses.back()->start(senim::tlog::format_vkey(*vkey), server.url(),
                            {"--threads", std::to_string(witness_threads)});
    policy += witnesses.back()->policy_line();
  }
  plan.manifest.set_witness_policy(policy + "group observers 2 w1 w2 w3\nquorum observers\n");
  plan.voters = voters;
  plan.trustees = 2;
  plan.threshold = 2;
  plan.validate = false;
  const auto builder = senim::bench::open_election(*admin, std::move(plan));
  if (!builder)
    return 1;
  const std::size_t opened = builder->entries().size();
  builder->cast_many(senim::sim::referendum_votes(voters),
                     std::max(1U, std::thread::hardware_concurrency()));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the opening witnessed
  std::vector<long> rss_before;
  rss_before.reserve(witnesses.size());
  for (const auto& w : witnesses)
    rss_before.push_back(rss_kib(w->pid()));
  // CPU from here to the end, per ballot: what the board and each witness
  // spend on the ballots (and their pushes), whatever else runs on the machine.
  std::vector<pid_t> pids{server.pid()};
  for (const auto& w : witnesses)
    pids.push_back(w->pid());
  const std::string load_before = senim::bench::load_average();
  std::vector<double> cpu_before;
  cpu_before.reserve(pids.size());
  for (pid_t pid : pids)
    cpu_before.push_back(senim::bench::cpu_seconds(pid));

  // For a profiler to attach to (perf record -p), before the ballots.
  std::fprintf(stderr, "posting: server pid %d, witness pids", static_cast<int>(server.pid()));
  for (const auto& w : witnesses)
    std::fprintf(stderr, " %d", static_cast<int>(w->pid()));
  std::fprintf(stderr, "\n");
  // The poller: (time, size) of each change of /checkpoint and the witnessed one.
  std::mutex mutex;
  std::vector<std::pair<Clock::time_point, std::uint64_t>> signed_seen, witnessed_seen;
  std::atomic<bool> stop{false};
  std::thread poller([&] {
    auto http = senim::net::HttpClient::create(server.url());
    while (!stop) {
      const auto a = http->get("/checkpoint");
      const auto b = http->get("/v1/witnessed-checkpoint");
      const auto now = Clock::now();
      const std::lock_guard lock(mutex);
      if (a && a->status == 200)
        signed_seen.emplace_back(now, note_size(a->body));
      if (b && b->status == 200)
        witnessed_seen.emplace_back(now, note_size(b->body));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  // The voters: one ballot each, at `rate`, over `connections` connections
  // (ballot i on connection i mod connections, at its time in the
  // schedule); the receipt times.
  std::vector<std::pair<Clock::time_point, std::uint64_t>> receipts;
  std::mutex receipts_mutex;
  std::atomic<bool> refused{false};
  const auto start = Clock::now();
  std::vector<std::thread> posters;
  posters.reserve(connections);
  for (unsigned c = 0; c < connections; ++c) {
    posters.emplace_back([&, c] {
      auto http = senim::net::HttpClient::create(server.url());
      for (std::size_t i = opened + c; i < builder->entries().size(); i += connections) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<long>(
                                                  1e6 * static_cast<double>(i - opened) / rate)));
        auto r = http->post("/v1/ballots", senim::bench::view(builder->entries()[i]));
        if (!r || r->status != 200) {
          std::fprintf(stderr, "ballot %zu refused: %s\n", i,
                       r ? (std::to_string(r->status) + " " + r->body.substr(0, 200)).c_str()
                         : r.error().message.c_str());
          refused = true;
          return;
        }
        const std::lock_guard lock(receipts_mutex);
        receipts.emplace_back(Clock::now(), i);
      }
    });
  }
  for (std::thread& t : posters)
    t.join();
  if (refused)
    return 1;
  std::sort(receipts.begin(), receipts.end());
  const std::uint64_t last = builder->entries().size();
  senim::test::eventually(
      [&] {
        const std::lock_guard lock(mutex);
        return !witnessed_seen.empty() && witnessed_seen.back().second >= last;
      },
      120);
  std::vector<double> cpu_used;
  cpu_used.reserve(pids.size());
  for (std::size_t p = 0; p < pids.size(); ++p)
    cpu_used.push_back(senim::bench::cpu_seconds(pids[p]) - cpu_before[p]);
  stop = true;
  poller.join();
  // First time each series covered leaf i (size > i).
  auto delays = [&](const std::vector<std::pair<Clock::time_point, std::uint64_t>>& seen) {
    std::vector<double> out;
    for (const auto& [at, leaf] : receipts) {
      for (const auto& [t, size] : seen) {
        if (t >= at && size > leaf) {
          out.push_back(std::chrono::duration<double>(t - at).count());
          break;
        }
      }
    }
    return out;
  };
  const auto base = delays(signed_seen);
  const auto quorum = delays(witnessed_seen);
  std::printf("%u ballots at %.0f/s over %u connections, 3 witnesses (quorum 2 of 3), %u cores\n",
              voters, rate, connections, std::thread::hardware_concurrency());
  // The rate the board took them at: posting is one connection, so a slow
  // answer makes the schedule slip.
  const double posting =
      receipts.empty() ? 0.0 : std::chrono::duration<double>(receipts.back().first - start).count();
  std::printf("achieved rate %.0f ballots/s (%zu receipts in %.2f s)\n",
              posting > 0 ? static_cast<double>(receipts.size()) / posting : 0.0, receipts.size(),
              posting);
  std::printf("receipt -> board checkpoint seen (baseline)  p50 %.3f s  p99 %.3f s  (%zu)\n",
              percentile(base, 0.5), percentile(base, 0.99), base.size());
  std::printf("receipt -> quorum-cosigned checkpoint        p50 %.3f s  p99 %.3f s  (%zu)\n",
              percentile(quorum, 0.5), percentile(quorum, 0.99), quorum.size());
  std::printf("load average %s at the start, %s at the end\n", load_before.c_str(),
              senim::bench::load_average().c_str());
  std::printf("CPU per ballot, posting to quorum: board %.0f us", 1e6 * cpu_used[0] / voters);
  for (std::size_t w = 0; w < witnesses.size(); ++w)
    std::printf(", %s %.0f us", witnesses[w]->name().c_str(), 1e6 * cpu_used[w + 1] / voters);
  std::printf("\n");
  for (std::size_t w = 0; w < witnesses.size(); ++w) {
    const long after = rss_kib(witnesses[w]->pid());
    std::printf("witness %s RSS %ld KiB -> %ld KiB: %.1f bytes per ballot\n",
                witnesses[w]->name().c_str(), rss_before[w], after,
                1024.0 * static_cast<double>(after - rss_before[w]) / voters);
  }
  return quorum.size() == receipts.size() ? 0 : 1;
}
