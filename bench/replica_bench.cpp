// bench_replica: the end of an election — close, tally, three trustees'
// decryptions, result — with replicas that followed the voting (`senim admin
// follow`, `senim trustee follow`, then `--replica`), and cold (each command
// checks the whole board again), in the same run (docs/performance.md,
// "Replicas that keep up").
//
//   bench_replica [--ballots N]... [--runs R]
//
// For each N (not timed): a real senim-server with a referendum in 17
// districts, 5 trustees (3 needed), N credentials and N ballots posted over
// HTTP; the authority's and trustees 1–3's key and state files written as
// the CLI keeps them; each replica followed once to the end of the voting
// (`follow --once`: that time is reported too, as what a follower spends
// during the voting). Then R times, each on two fresh copies of the board's
// data directory (and of the replicas): the six commands of the real
// `senim` binary, with --replica on one board and without on the other,
// timed (wall, and the children's user + system CPU). Both must publish the
// same counts. And a follower started again, with its snapshot and without
// (every entry of its mirror checked again). Medians.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/bench_board.hpp"
#include "bench/child_process.hpp"
#include "bench/election_keys.hpp"
#include "bench/timing.hpp"
#include "tests/run_command.hpp"
#include "tests/server/server_process.hpp"

namespace {

using senim::bench::Clock;
using senim::bench::percentile;
namespace fs = std::filesystem;

constexpr const char* kElection = "bench-replica-2026";
constexpr std::uint32_t kTrustees = 5;
constexpr std::uint32_t kDecrypting = 3;

struct Timed {
  double wall = 0;
  double cpu = 0;
};

// Runs one senim command; throws with its output if it fails.
Timed run_senim(const std::string& args) {
  const senim::test::TempDir out;
  const auto u = senim::bench::run_child_ok(senim::bench::words(SENIM_BINARY, args), "/dev/null",
                                            out.path() + "/err");
  return {u.wall_s, u.cpu_s};
}

struct Steps {
  std::vector<double> close, tally, decrypt, result, total, cpu;
  void add(const std::vector<Timed>& t) {
    close.push_back(t[0].wall);
    tally.push_back(t[1].wall);
    double d = 0;
    for (std::uint32_t i = 0; i < kDecrypting; ++i)
      d += t[2 + i].wall;
    decrypt.push_back(d);
    result.push_back(t.back().wall);
    double sum = 0;
    double cpu_sum = 0;
    for (const Timed& x : t) {
      sum += x.wall;
      cpu_sum += x.cpu;
    }
    total.push_back(sum);
    cpu.push_back(cpu_sum);
  }
  void print(const char* what) const {
    std::printf(
        "  %-9s close %6.2f s  tally %6.2f s  3 decrypts %6.2f s  result %6.2f s  | total "
        "%6.2f s wall, %6.2f s CPU\n",
        what, percentile(close, 0.5), percentile(tally, 0.5), percentile(decrypt, 0.5),
        percentile(result, 0.5), percentile(total, 0.5), percentile(cpu, 0.5));
  }
};

// The six commands, on the board at `url`, in `dir` (key files there);
// with replicas when `replicas`.
std::vector<Timed> end_of_election(const std::string& url, const std::string& dir, bool replicas) {
  const std::string server = " --server " + url + " ";
  auto admin = [&](const std::string& cmd, const std::string& extra = "") {
    return run_senim("admin " + cmd + server + "--key " + dir + "/authority.key" + extra +
                     (replicas ? " --replica " + dir + "/replica-admin" : ""));
  };
  std::vector<Timed> t;
  t.push_back(admin("close"));
  t.push_back(admin("tally"));
  for (std::uint32_t i = 1; i <= kDecrypting; ++i) {
    const std::string base = dir + "/trustee-" + std::to_string(i);
    t.push_back(
        run_senim("trustee decrypt" + server + "--key " + base + ".key --state " + base + ".state" +
                  (replicas ? " --replica " + dir + "/replica-trustee-" + std::to_string(i) : "")));
  }
  t.push_back(admin("result", " --counts " + dir + "/counts.tsv"));
  return t;
}

void run(std::uint32_t ballots, unsigned runs) {
  const senim::test::TempDir tmp;
  const std::string pristine = tmp.path() + "/pristine";
  fs::create_directories(pristine);
  const std::vector<senim::Bytes> seeds = senim::bench::fresh_trustee_seeds(kTrustees);
  double fill_s = 0;
  std::vector<double> follow_s;
  std::vector<double> resume_s;
  std::vector<double> resume_cold_s;
  {
    senim::test::ServerProcess server(pristine + "/board");
    auto client = senim::net::HttpClient::create(server.url());
    senim::sim::ElectionPlan plan;
    plan.manifest = senim::sim::referendum_manifest(kElection, false, 17);
    plan.voters = ballots;
    plan.trustees = kTrustees;
    plan.threshold = kDecrypting;
    plan.validate = false;
    plan.trustee_seeds = seeds;
    const auto filled = Clock::now();
    auto builder = senim::bench::open_election(*client, std::move(plan));
    if (!builder)
      throw std::runtime_error("the board refused the set-up");
    const std::size_t first = builder->entries().size();
    builder->cast_many(senim::sim::referendum_votes(ballots),
                       std::max(1U, std::thread::hardware_concurrency()));
    for (std::size_t i = first; i < builder->entries().size(); ++i) {
      auto r = client->post("/v1/ballots", senim::bench::view(builder->entries()[i]));
      if (!r || r->status != 200)
        throw std::runtime_error("a ballot was refused");
    }
    fill_s = std::chrono::duration<double>(Clock::now() - filled).count();
    senim::bench::write_key_files(*builder, seeds, pristine);
    // What the followers do during the voting, here in one go per replica.
    const std::string server_flag = " --server " + server.url() + " --data " + pristine;
    follow_s.push_back(run_senim("admin follow --once" + server_flag + "/replica-admin").wall);
    for (std::uint32_t t = 1; t <= kDecrypting; ++t) {
      follow_s.push_back(
          run_senim("trustee follow --once" + server_flag + "/replica-trustee-" + std::to_string(t))
              .wall);
    }
    // A follower started again (after kill -9, say): with its snapshot, and
    // without it (the whole mirror checked again).
    for (unsigned r = 0; r < runs; ++r) {
      const std::string copy = tmp.path() + "/resume";
      fs::copy(pristine + "/replica-admin", copy, fs::copy_options::recursive);
      resume_s.push_back(
          run_senim("admin follow --once --server " + server.url() + " --data " + copy).wall);
      fs::remove(copy + "/snapshot.bin");
      resume_cold_s.push_back(
          run_senim("admin follow --once --server " + server.url() + " --data " + copy).wall);
      fs::remove_all(copy);
    }
    server.stop();
  }
  Steps warm;
  Steps cold;
  for (unsigned r = 0; r < runs; ++r) {
    std::vector<std::string> counts;
    for (bool replicas : {true, false}) {
      const std::string dir = tmp.path() + "/run-" + std::to_string(r) + (replicas ? "-w" : "-c");
      fs::copy(pristine, dir, fs::copy_options::recursive);
      senim::test::ServerProcess server(dir + "/board");
      const auto t = end_of_election(server.url(), dir, replicas);
      (replicas ? warm : cold).add(t);
      counts.push_back(senim::bench::file_text(dir + "/counts.tsv"));
      server.stop();
      fs::remove_all(dir);
    }
    if (counts[0] != counts[1] || counts[0].empty())
      throw std::runtime_error("the followed replicas and the cold ones published other counts");
  }
  const auto load = senim::test::run_command("uptime");
  std::printf(
      "%u ballots (17 districts, 5 trustees, 3 decrypt), board filled in %.1f s; one "
      "replica followed from nothing in %.2f s (median of the 4); medians of %u runs; %s",
      ballots, fill_s, percentile(follow_s, 0.5), runs, load.out.c_str());
  std::printf(
      "  a follower started again: %.2f s with its snapshot, %.2f s without (its mirror "
      "checked again)\n",
      percentile(resume_s, 0.5), percentile(resume_cold_s, 0.5));
  warm.print("followed");
  cold.print("cold");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_replica: the end of an election with followed replicas and cold"};
  std::vector<std::uint32_t> ballots{5'000, 20'000};
  unsigned runs = 3;
  app.add_option("--ballots", ballots, "ballots (and credentials) on the board; repeat");
  app.add_option("--runs", runs, "runs per size");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;
  try {
    for (std::uint32_t n : ballots)
      run(n, runs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_replica: %s\n", e.what());
    return 1;
  }
  return 0;
}
