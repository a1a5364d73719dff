// bench_replay: what a refused entry costs the real senim-server on loopback.
//
//   bench_replay [--replays N] [--rounds R] [--honest H] [--flood C]
//
// Prepares an open election with the demo's manifest (a referendum and a
// "choose two of five", 8 ciphertexts a ballot) on a fresh server, then makes one *valid*
// ballot (proofs and signature correct) under a credential that is not on
// the list: the cheapest attack that reaches the proofs if the board checks
// proofs before eligibility. Each round posts it N times from one keep-alive
// connection (every answer must be 403 not_authorized) and reads the
// server's CPU time (utime + stime of /proc/PID/stat) before and after; the
// same for N bodies of junk, the baseline from the same run. Then C clients
// flood replays while another casts H honest ballots one at a time, and the
// honest latency is reported. Medians over the rounds.
#include <sodium.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "bench/bench_board.hpp"
#include "net/http_client.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "protocol/entry.hpp"
#include "sim/election_builder.hpp"
#include "tests/server/server_process.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// utime + stime of every thread of `pid`, in seconds (proc(5): fields 14, 15).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces: count fields after its ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14)
      utime = std::stoull(field);
    if (i == 15)
      stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Posts `body` `n` times; the server's CPU seconds per request. Every answer
// must have status `expected`.
double cpu_per_post(const senim::test::ServerProcess& server, senim::net::HttpClient& client,
                    const senim::Bytes& body, std::size_t n, unsigned expected) {
  const double before = cpu_seconds(server.pid());
  for (std::size_t i = 0; i < n; ++i) {
    auto r = client.post("/v1/ballots", senim::bench::view(body));
    if (!r || r->status != expected) {
      std::fprintf(stderr, "unexpected answer %u (wanted %u)\n", r ? r->status : 0, expected);
      std::exit(1);
    }
  }
  return (cpu_seconds(server.pid()) - before) / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_replay: server CPU per refused replay, real senim-server on loopback"};
  std::size_t replays = 1000;
  unsigned rounds = 3;
  std::uint32_t honest = 100;
  unsigned flooders = 4;
  app.add_option("--replays", replays, "posts per round");
  app.add_option("--rounds", rounds, "rounds (the median is reported)");
  app.add_option("--honest", honest, "honest ballots cast during the flood");
  app.add_option("--flood", flooders, "connections flooding replays meanwhile");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;

  const senim::test::TempDir dir;
  senim::test::ServerProcess server(dir.path() + "/board");
  auto client = senim::net::HttpClient::create(server.url());
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("replay-2026");
  plan.voters = honest;
  plan.trustees = 2;
  plan.threshold = 2;
  plan.validate = false;
  const auto built = senim::bench::open_election(*client, std::move(plan));
  if (!built)
    return 1;
  senim::sim::ElectionBuilder& builder = *built;
  // A valid ballot under a credential the list does not hold.
  const auto stranger = senim::protocol::CredentialKey::generate();
  auto made = senim::protocol::encrypt_ballot(*builder.state().parameters(), stranger.public_key(),
                                              1, senim::sim::demo_choices(0, {1, 1, 0, 0, 0}));
  if (!made)
    return 1;
  senim::v1::Statement st = builder.statement();
  *st.mutable_ballot() = made->ballot;
  const senim::Bytes replay = senim::protocol::make_entry(stranger, st);
  const senim::Bytes junk(replay.size(), 0xff);

  std::vector<double> replay_cpu;
  std::vector<double> junk_cpu;
  for (unsigned r = 0; r < rounds; ++r) {
    replay_cpu.push_back(cpu_per_post(server, *client, replay, replays, 403));
    junk_cpu.push_back(cpu_per_post(server, *client, junk, replays, 400));
  }

  // An honest voter while one client floods replays.
  const std::size_t first = builder.entries().size();
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> votes;
  for (std::uint32_t v = 0; v < honest; ++v)
    votes.emplace_back(v, senim::sim::demo_choices(v % 3, {v % 2, 1 - v % 2, 0, 0, 0}));
  builder.cast_many(votes, 2);
  std::atomic<bool> stop{false};
  std::vector<std::thread> flood;
  for (unsigned f = 0; f < flooders; ++f) {
    flood.emplace_back([&] {
      auto c = senim::net::HttpClient::create(server.url());
      while (!stop)
        (void)c->post("/v1/ballots", senim::bench::view(replay));
    });
  }
  std::vector<double> latency_ms;
  for (std::size_t i = first; i < builder.entries().size(); ++i) {
    const auto t0 = Clock::now();
    auto r = client->post("/v1/ballots", senim::bench::view(builder.entries()[i]));
    if (!r || r->status != 200) {
      std::fprintf(stderr, "an honest ballot was refused\n");
      return 1;
    }
    latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  stop = true;
  for (auto& t : flood)
    t.join();

  std::printf("cores                      %u\n", std::thread::hardware_concurrency());
  std::printf("entry size                 %zu bytes (a ballot of the demo's manifest)\n",
              replay.size());
  std::printf("rounds                     %u × %zu posts\n", rounds, replays);
  std::printf("server CPU per replay      %.3f ms (valid ballot, unlisted credential: 403)\n",
              1000 * median(replay_cpu));
  std::printf("server CPU per junk body   %.3f ms (baseline: 400 invalid_encoding)\n",
              1000 * median(junk_cpu));
  std::printf("honest ballot latency      p50 %.1f ms, max %.1f ms, under a flood of %u\n",
              median(latency_ms), *std::max_element(latency_ms.begin(), latency_ms.end()),
              flooders);
  return 0;
}
