// bench_vote: what one vote costs the voter as the board grows
// (docs/performance.md, "One vote"), with the old way as the baseline in
// the same run.
//
//   bench_vote [--voters N]... [--ballots B] [--runs R]
//
// For each N: a real senim-server with a referendum of N credentials in 17
// districts, 5 trustees (3 needed), the builder's lists of 500 posted over
// HTTP, then B ballots. Then R times, for a random listed voter, in this
// process:
//   view       what senim vote checks now: GET /v1/election, then the
//              voter's view (docs/protocol.md §11.6) checked by
//              protocol::check_voter_view;
//   replica    the baseline, what senim vote did before: Replica::sync up
//              to the open (every entry before it, every credential list)
//              and GET /v1/credentials/{key};
// each with the bytes downloaded (every answer's bytes, headers included,
// counted by net::HttpClient) and the process CPU time; and the real `senim
// vote --show-download` end to end (set-up check, encryption, cast, receipt
// check) with the bytes it reports and its user + system CPU (wait4). Medians.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <random>
#include <regex>
#include <thread>

#include "bench/bench_board.hpp"
#include "bench/child_process.hpp"
#include "bench/timing.hpp"
#include "client/board_client.hpp"
#include "client/key_files.hpp"
#include "client/replica.hpp"
#include "proto/files.pb.h"
#include "protocol/voter_view.hpp"
#include "tests/server/server_process.hpp"

namespace {

using senim::bench::percentile;

constexpr const char* kElection = "bench-vote-2026";

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Cost {
  double bytes = 0;
  double cpu_ms = 0;
};

// One way of getting what a vote needs, measured from a fresh connection.
template <class Steps>
Cost measure(const std::string& url, Steps&& steps) {
  auto board = senim::client::BoardClient::connect(url);
  if (!board)
    throw std::runtime_error(board.error().message);
  const double before = process_cpu_seconds();
  steps(*board);
  return {static_cast<double>(board->bytes_received()), (process_cpu_seconds() - before) * 1e3};
}

void view_path(senim::client::BoardClient& board, const senim::protocol::PublicKey& key) {
  auto info = board.info();
  auto view = board.voter_view(key);
  if (!info || !view)
    throw std::runtime_error("the board refused the voter view");
  auto checked = senim::protocol::check_voter_view(*view, kElection, key);
  if (!checked)
    throw std::runtime_error("the voter view does not check: " + checked.error().message);
}

void replica_path(senim::client::BoardClient& board, const senim::protocol::PublicKey& key) {
  senim::client::Replica replica;
  auto synced = replica.sync(
      board, [](const senim::protocol::ParsedEntry& e) { return e.statement.has_open(); });
  if (!synced || !replica.state().district_of(key))
    throw std::runtime_error("the replica does not check");
  if (!board.credential_status(key))
    throw std::runtime_error("no credential status");
}

// The real senim vote: the bytes it reports and its CPU.
Cost real_vote(const std::string& url, const std::string& dir,
               const senim::protocol::CredentialKey& key, std::uint32_t v) {
  senim::v1::VoterCredentialFile file;
  file.set_election_id(kElection);
  file.set_server(url);
  file.set_seed(senim::to_string(key.seed()));
  const std::string cred = dir + "/voter-" + std::to_string(v) + ".cred";
  const std::string out = cred + ".out";
  if (!senim::client::write_message_file(cred, file, senim::client::Secrecy::secret_file, true))
    throw std::runtime_error("cannot write " + cred);
  const auto u = senim::bench::run_child(
      senim::bench::words(SENIM_BINARY, "vote --yes --show-download --credential " + cred +
                                            " --choose referendum=yes"),
      out, out);
  const std::string text = senim::bench::file_text(out);
  std::smatch m;
  if (u.status != 0 || !std::regex_search(text, m, std::regex("downloaded ([0-9]+) bytes")))
    throw std::runtime_error("senim vote failed: " + text);
  const double cpu = u.cpu_s * 1e3;
  return {std::stod(m[1].str()), cpu};
}

struct Medians {
  std::vector<double> bytes, cpu;
  void add(const Cost& c) {
    bytes.push_back(c.bytes);
    cpu.push_back(c.cpu_ms);
  }
  void print(const char* what) const {
    std::printf("  %-28s %12.0f bytes  %9.2f ms CPU\n", what, percentile(bytes, 0.5),
                percentile(cpu, 0.5));
  }
};

void run(std::uint32_t voters, std::uint32_t ballots, unsigned runs) {
  senim::test::TempDir dir;
  senim::test::ServerProcess server(dir.path() + "/board");
  auto client = senim::net::HttpClient::create(server.url());
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest(kElection, false, 17);
  plan.voters = voters;
  plan.trustees = 5;
  plan.threshold = 3;
  plan.validate = false;
  const auto filled = senim::bench::Clock::now();
  auto builder = senim::bench::open_election(*client, std::move(plan));
  if (!builder)
    throw std::runtime_error("the board refused the set-up");
  if (ballots > 0) {
    const std::size_t first = builder->entries().size();
    builder->cast_many(senim::sim::referendum_votes(ballots),
                       std::max(1U, std::thread::hardware_concurrency()));
    for (std::size_t i = first; i < builder->entries().size(); ++i) {
      auto r = client->post("/v1/ballots", senim::bench::view(builder->entries()[i]));
      if (!r || r->status != 200)
        throw std::runtime_error("a ballot was refused");
    }
  }
  const double fill_s = std::chrono::duration<double>(senim::bench::Clock::now() - filled).count();
  std::mt19937 pick(voters);
  Medians view, replica, real;
  for (unsigned r = 0; r < runs; ++r) {
    const auto v = static_cast<std::uint32_t>(pick() % voters);
    const senim::protocol::PublicKey key = builder->voter_public_key(v);
    view.add(measure(server.url(), [&](auto& b) { view_path(b, key); }));
    replica.add(measure(server.url(), [&](auto& b) { replica_path(b, key); }));
    real.add(real_vote(server.url(), dir.path(), builder->voter_key(v), v));
  }
  std::printf("%u credentials (%u lists), %u ballots, board filled in %.1f s; medians of %u:\n",
              voters, (voters + 499) / 500, ballots, fill_s, runs);
  view.print("view (now)");
  replica.print("replica to the open (before)");
  real.print("senim vote, end to end");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_vote: one vote's download and CPU as the board grows"};
  std::vector<std::uint32_t> voters{10'000, 100'000};
  std::uint32_t ballots = 0;
  unsigned runs = 5;
  app.add_option("--voters", voters, "credentials on the board (repeat for several sizes)");
  app.add_option("--ballots", ballots, "ballots cast before the measured votes");
  app.add_option("--runs", runs, "votes measured per size");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;
  try {
    for (std::uint32_t n : voters)
      run(n, ballots, runs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_vote: %s\n", e.what());
    return 1;
  }
  return 0;
}
