// bench_ingest: ballots per second with durable receipts, through the real
// senim-server on loopback.
//
//   bench_ingest [--voters N] [--connections C] [--seconds S] [--server-threads T]
//                [--server-binary PATH] [--keep-address-limit]
//
// Prepares an open referendum with N voters (ElectionBuilder, ballots
// encrypted before the clock starts), then C client threads, each with one
// keep-alive connection, post the ballots as fast as the server answers. A
// ballot counts once its receipt (checkpoint + inclusion proof, sent only
// after the batch is fsync'ed) is back. Reports ballots/s, p50/p99 latency,
// group-commit batch sizes and the machine's core count.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "bench/bench_board.hpp"
#include "bench/timing.hpp"
#include "net/http_client.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "sim/election_builder.hpp"
#include "tests/server/server_process.hpp"

namespace {

// The size of the checkpoint a receipt is under (docs/protocol.md §11.3):
// the line after the origin, after the proof's blank line.
std::uint64_t checkpoint_size(const std::string& proof) {
  const std::size_t note = proof.find("\n\n");
  if (note == std::string::npos)
    return 0;
  const std::size_t size_line = proof.find('\n', note + 2);
  if (size_line == std::string::npos)
    return 0;
  return std::strtoull(proof.c_str() + size_line + 1, nullptr, 10);
}

using senim::bench::Clock;
using senim::bench::percentile;

double ms(Clock::duration d) {
  return senim::bench::micros(d) / 1000;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_ingest: ballot intake of the real senim-server on loopback"};
  std::uint32_t voters = 10000;
  unsigned connections = 32;
  double seconds = 60;
  unsigned server_threads = 0;
  app.add_option("--voters", voters, "ballots to prepare and post (one per voter)");
  app.add_option("--connections", connections, "concurrent keep-alive client connections");
  app.add_option("--seconds", seconds, "stop posting after this long");
  app.add_option("--server-threads", server_threads, "senim-server --threads (0: its default)");
  std::string server_binary;
  app.add_option("--server-binary", server_binary, "another senim-server to measure instead");
  bool keep_address_limit = false;
  app.add_flag("--keep-address-limit", keep_address_limit,
               "do not pass --max-connections-per-address 0 (a server without the option)");
  CLI11_PARSE(app, argc, argv);
  if (!server_binary.empty())
    senim::test::ServerProcess::use_binary(server_binary);
  if (sodium_init() < 0)
    return 1;

  const senim::test::TempDir dir;
  // All the clients come from one address: no per-address limit (also for
  // another server measured, e.g. main's build as the baseline; one older
  // than the option is measured with --keep-address-limit).
  std::vector<std::string> extra;
  if (!keep_address_limit)
    extra = {"--max-connections-per-address", "0"};
  if (server_threads != 0) {
    extra.emplace_back("--threads");
    extra.emplace_back(std::to_string(server_threads));
  }
  senim::test::ServerProcess server(dir.path() + "/board", extra);
  auto admin = senim::net::HttpClient::create(server.url());

  // An open referendum, and every ballot encrypted before timing starts.
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-2026");
  plan.voters = voters;
  plan.trustees = 2;
  plan.threshold = 2;
  plan.validate = false;
  const auto built = senim::bench::open_election(*admin, std::move(plan));
  if (!built)
    return 1;
  senim::sim::ElectionBuilder& builder = *built;
  const std::size_t first = builder.entries().size();
  const auto votes = senim::sim::referendum_votes(voters);
  const auto encrypt_start = Clock::now();
  builder.cast_many(votes, std::max(1U, std::thread::hardware_concurrency()));
  const double encrypt_ms = ms(Clock::now() - encrypt_start);
  const std::vector<senim::Bytes> ballots(
      builder.entries().begin() + static_cast<std::ptrdiff_t>(first), builder.entries().end());

  // The run.
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::vector<double> latencies;
  std::map<std::uint64_t, std::size_t> batches;  // checkpoint size → receipts under it
  std::size_t failures = 0;
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> clients;
  for (unsigned c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      auto client = senim::net::HttpClient::create(server.url());
      std::vector<double> mine;
      std::map<std::uint64_t, std::size_t> heads;
      std::size_t failed = 0;
      for (std::size_t i; (i = next++) < ballots.size() && Clock::now() < deadline;) {
        const auto t0 = Clock::now();
        auto r = client->post("/v1/ballots", senim::bench::view(ballots[i]));
        senim::v1::Receipt receipt;
        if (!r || r->status != 200 || !receipt.ParseFromString(r->body)) {
          ++failed;
          continue;
        }
        mine.push_back(ms(Clock::now() - t0));
        ++heads[checkpoint_size(receipt.tlog_proof())];
      }
      const std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (const auto& [size, n] : heads)
        batches[size] += n;
      failures += failed;
    });
  }
  for (auto& t : clients)
    t.join();
  const double elapsed = ms(Clock::now() - start) / 1000;

  std::size_t largest = 0;
  for (const auto& [size, n] : batches)
    largest = std::max(largest, n);
  std::printf("cores                 %u\n", std::thread::hardware_concurrency());
  std::printf("ballots prepared      %u (encrypted in %.1f s, not timed)\n", voters,
              encrypt_ms / 1000);
  std::printf("connections           %u\n", connections);
  std::printf("receipts              %zu in %.2f s, %zu failures\n", latencies.size(), elapsed,
              failures);
  std::printf("throughput            %.0f ballots/s with durable receipts\n",
              static_cast<double>(latencies.size()) / elapsed);
  std::printf("latency               p50 %.1f ms, p99 %.1f ms\n", percentile(latencies, 0.50),
              percentile(latencies, 0.99));
  std::printf(
      "group commits         %zu checkpoints, %.1f receipts per checkpoint on average, "
      "largest %zu\n",
      batches.size(),
      batches.empty() ? 0.0
                      : static_cast<double>(latencies.size()) / static_cast<double>(batches.size()),
      largest);
  return failures == 0 ? 0 : 1;
}
