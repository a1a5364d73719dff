// bench_credentials: issuing credentials in bulk (docs/performance.md,
// "Credentials in bulk"), beside its floor and the old way in the same run.
//
//   bench_credentials [--count N] [--baseline M] [--runs R]
//
// Each run, on a fresh real senim-server holding a 17-district referendum
// with 5 trustees up to the ready messages (the ceremony phase, when
// credentials are issued):
//   floor     Ed25519 key pairs from seeds alone (crypto_sign_seed_keypair),
//             N of them on two threads, in this process: what no way of
//             issuing can beat;
//   making    client::issue_credential_lines in this process with a post
//             that does nothing: keys, lines, files and flushes, no board;
//   bulk      the real `senim admin credentials --lines --count N` against
//             the board: everything, posting included (wall time from the
//             command's start, its user + system CPU from wait4);
//   files     the real `senim admin credentials --count M` (one flushed file
//             per credential, as before), on the same board.
// Medians of R runs, each way's rate and its ratio to the floor.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

#include "bench/bench_board.hpp"
#include "bench/child_process.hpp"
#include "bench/timing.hpp"
#include "client/credential_lines.hpp"
#include "client/key_files.hpp"
#include "proto/files.pb.h"
#include "tests/server/server_process.hpp"

namespace {

using senim::bench::Clock;
using senim::bench::percentile;

constexpr const char* kElection = "bench-credentials-2026";

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// N key pairs on two threads; seconds.
double floor_seconds(std::uint64_t n) {
  const auto start = Clock::now();
  auto half = [](std::uint64_t count) {
    std::uint8_t seed[crypto_sign_SEEDBYTES];
    std::uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
    for (std::uint64_t i = 0; i < count; ++i) {
      randombytes_buf(seed, sizeof seed);
      crypto_sign_seed_keypair(pk, sk, seed);
    }
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(seed, sizeof seed);
  };
  std::thread other(half, n / 2);
  half(n - n / 2);
  other.join();
  return since(start);
}

senim::client::CredentialLinesPlan plan_for(std::uint64_t n, const std::string& dir) {
  senim::client::CredentialLinesPlan plan;
  plan.election_id = kElection;
  plan.server = "http://127.0.0.1:1";
  for (int d = 1; d <= 17; ++d)
    plan.districts.push_back("d" + std::to_string(d));
  plan.count = n;
  plan.out_dir = dir;
  return plan;
}

// The lines and files alone; seconds.
double making_seconds(std::uint64_t n, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ostringstream progress;
  const auto start = Clock::now();
  auto issued = senim::client::issue_credential_lines(
      plan_for(n, dir),
      [](const std::vector<const senim::v1::CredentialList*>& lists) {
        return std::vector<senim::Status>(lists.size());
      },
      progress);
  const double s = since(start);
  if (!issued || issued->posted != n)
    throw std::runtime_error("issuing lines failed");
  std::filesystem::remove_all(dir);
  return s;
}

struct Run {
  double seconds = 0;
  double cpu_seconds = 0;
};

// The real senim with `args`; its wall time and CPU.
Run run_senim(const std::string& args) {
  const auto u = senim::bench::run_child_ok(senim::bench::words(SENIM_BINARY, args));
  return {u.wall_s, u.cpu_s};
}

// A fresh board in the ceremony phase; the authority's key file in `dir`.
void prepare_board(senim::net::HttpClient& client, const std::string& dir) {
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest(kElection, false, 17);
  plan.voters = 1;
  plan.trustees = 5;
  plan.threshold = 3;
  plan.validate = false;
  senim::bench::use_board_key(client, plan);
  senim::sim::ElectionBuilder builder(std::move(plan));
  builder.setup();
  builder.ceremony();
  if (!senim::bench::post_entries(client, builder, 0, builder.entries().size()))
    throw std::runtime_error("the board refused the set-up");
  senim::v1::AuthorityKeyFile key;
  key.set_seed(senim::to_string(builder.authority_key().seed()));
  if (!senim::client::write_message_file(dir + "/authority.key", key,
                                         senim::client::Secrecy::secret_file, true))
    throw std::runtime_error("cannot write the authority's key");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_credentials: credentials issued in bulk, beside their floor and the old way"};
  std::uint64_t count = 100'000;
  std::uint64_t baseline = 2'000;
  unsigned runs = 3;
  app.add_option("--count", count, "credentials issued in bulk per run");
  app.add_option("--baseline", baseline, "credentials issued one file each per run");
  app.add_option("--runs", runs, "runs (medians are printed)");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;
  std::vector<double> floor, making, bulk, bulk_cpu, files;
  try {
    for (unsigned r = 0; r < runs; ++r) {
      senim::test::TempDir dir;
      floor.push_back(floor_seconds(count));
      making.push_back(making_seconds(count, dir.path() + "/making"));
      senim::test::ServerProcess server(dir.path() + "/board");
      auto client = senim::net::HttpClient::create(server.url());
      prepare_board(*client, dir.path());
      const std::string common =
          "admin credentials --server " + server.url() + " --key " + dir.path() + "/authority.key";
      const Run lines = run_senim(common + " --lines --count " + std::to_string(count) + " --out " +
                                  dir.path() + "/bulk");
      bulk.push_back(lines.seconds);
      bulk_cpu.push_back(lines.cpu_seconds);
      files.push_back(run_senim(common + " --count " + std::to_string(baseline) + " --out " +
                                dir.path() + "/files")
                          .seconds);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_credentials: %s\n", e.what());
    return 1;
  }
  const double n = static_cast<double>(count);
  const double f = n / percentile(floor, 0.5);
  auto row = [&](const char* what, double rate) {
    std::printf("  %-44s %10.0f credentials/s  %6.2f× the floor\n", what, rate, rate / f);
  };
  std::printf("%llu credentials in 17 districts, medians of %u runs:\n",
              static_cast<unsigned long long>(count), runs);
  row("floor: key pairs alone, 2 threads", f);
  row("making: keys, lines, files, flushes", n / percentile(making, 0.5));
  row("bulk: senim admin credentials --lines", n / percentile(bulk, 0.5));
  std::printf("  %-44s %10.1f µs CPU per credential (the command's)\n", "",
              percentile(bulk_cpu, 0.5) / n * 1e6);
  row("files (before): one flushed file each",
      static_cast<double>(baseline) / percentile(files, 0.5));
  return 0;
}
