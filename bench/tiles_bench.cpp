// bench_tiles: what reading the board as tiles (docs/protocol.md §11.5,
// §13.9) costs, against a baseline from the same run.
//
//   bench_tiles [--voters N] [--runs R] [--connections C] [--seconds S]
//               [--max-leaves M]
//
// 1. Over HTTP, at two log sizes (after N/4 and after N ballots of an open
//    referendum on a real senim-server; the log is exported with `senim
//    export-tiles` and served by `python3 -m http.server` as a mirror):
//    median and p99 latency of R requests, one after the other — the last
//    full entry bundle against GET /v1/entries of the same 256 entries, its
//    hash tile, each from the board and from the mirror; and a random leaf
//    read from the tiles and a consistency proof made from them (as `senim
//    check` checks a receipt, with a fresh reader each time: nothing cached)
//    against the board's GET /v1/proofs/…, all verified.
// 2. Requests per second for a full tile and a full bundle, C connections
//    for S seconds each, senim-server beside the mirror.
// 3. In process, the CPU of a proof from tiles against the board's proof
//    from its tree, for logs of 1,000 … M leaves (tiles_growth.hpp).
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <tuple>

#include "bench/bench_board.hpp"
#include "bench/tiles_growth.hpp"
#include "bench/timing.hpp"
#include "crypto/merkle.hpp"
#include "net/http_client.hpp"
#include "net/log_sources.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "protocol/receipt.hpp"
#include "tests/server/server_process.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/tiles.hpp"

namespace {

using senim::Expected;
using senim::Hash32;
using senim::bench::Clock;
using senim::bench::time_each;
using senim::bench::Timings;
namespace merkle = senim::crypto::merkle;

struct Servers {
  std::string board;   // senim-server
  std::string mirror;  // python3 -m http.server on the exported directory
};

// ---- the log as the benchmark knows it ------------------------------------

// The board's latest checkpoint (parsed, not verified: the board is ours).
Expected<senim::tlog::Checkpoint> latest_checkpoint(senim::net::HttpClient& http) {
  auto r = http.get("/checkpoint");
  if (!r || r->status != 200)
    return senim::make_error(senim::Errc::io_error, "GET /checkpoint failed");
  auto note = senim::tlog::parse_note(r->body);
  if (!note)
    return note.error();
  return senim::tlog::parse_checkpoint(note->text);
}

// Every leaf hash of the first `size` leaves, read with GET /v1/entries.
std::vector<Hash32> leaf_hashes(senim::net::HttpClient& http, std::uint64_t size) {
  std::vector<Hash32> out;
  while (out.size() < size) {
    auto r = http.get("/v1/entries?start=" + std::to_string(out.size()) + "&count=1000");
    senim::v1::EntryList list;
    if (!r || r->status != 200 || !list.ParseFromString(r->body) || list.entries().empty())
      throw std::runtime_error("GET /v1/entries failed");
    for (const std::string& e : list.entries())
      out.push_back(merkle::leaf_hash(senim::as_bytes(e)));
  }
  out.resize(size);
  return out;
}

std::vector<Hash32> hashes_of(const google::protobuf::RepeatedPtrField<std::string>& field) {
  std::vector<Hash32> out;
  out.reserve(static_cast<std::size_t>(field.size()));
  for (const std::string& h : field)
    out.push_back(senim::to_hash32(h));
  return out;
}

// ---- printing -----------------------------------------------------------

void print_header(const char* title) {
  std::printf("\n%s\n%-52s %9s %9s %8s %9s %6s\n", title, "", "p50 ms", "p99 ms", "x base", "bytes",
              "failed");
}

void print_row(const std::string& what, const Timings& t, double baseline_us, double bytes) {
  std::printf("%-52s %9.3f %9.3f %8.2f %9.0f %6zu\n", what.c_str(), t.p50_us / 1000,
              t.p99_us / 1000, t.p50_us / baseline_us, bytes, t.failures);
}

// ---- 1. requests, one after the other -----------------------------------

// GET `path` `runs` times on one client (keep-alive where the server
// allows; python's http.server closes every connection).
Timings time_gets(const std::string& url, const std::string& path, std::size_t runs,
                  std::size_t* bytes) {
  auto http = senim::net::HttpClient::create(url);
  return time_each(runs, [&](std::size_t) {
    auto r = http->get(path);
    if (!r || r->status != 200)
      return false;
    *bytes = r->body.size();
    return true;
  });
}

// The last full bundle of a log of `size` ≥ 256 entries: past the set-up,
// ballots only once the log is large enough.
std::uint64_t last_full_bundle(std::uint64_t size) {
  return size / senim::tlog::kFullTileWidth - 1;
}

void print_reads(const Servers& s, std::uint64_t size, std::size_t runs) {
  const std::uint64_t n = last_full_bundle(size);
  const std::string bundle = "/tile/entries/" + senim::tlog::tile_index_path(n);
  const std::string tile = "/tile/0/" + senim::tlog::tile_index_path(n);
  const std::string page = "/v1/entries?start=" + std::to_string(n * senim::tlog::kFullTileWidth) +
                           "&count=" + std::to_string(senim::tlog::kFullTileWidth);
  print_header("Reads of the log's last 256 full entries, one after the other:");
  std::size_t bytes = 0;
  const Timings baseline = time_gets(s.board, page, runs, &bytes);
  print_row("GET " + page + " (baseline)", baseline, baseline.p50_us, static_cast<double>(bytes));
  const std::tuple<std::string, std::string, std::string> reads[] = {
      {bundle, "senim-server", s.board},
      {bundle, "mirror", s.mirror},
      {tile, "senim-server", s.board},
      {tile, "mirror", s.mirror},
  };
  for (const auto& [path, name, url] : reads) {
    const Timings t = time_gets(url, path, runs, &bytes);
    print_row("GET " + path + ", " + name, t, baseline.p50_us, static_cast<double>(bytes));
  }
}

// A LogSource that counts the bytes it fetches from another.
class CountingSource final : public senim::protocol::LogSource {
 public:
  explicit CountingSource(std::unique_ptr<senim::protocol::LogSource> inner)
      : inner_(std::move(inner)) {}
  Expected<std::string> fetch(const std::string& path, std::size_t max_bytes) override {
    auto data = inner_->fetch(path, max_bytes);
    if (data)
      bytes_ += data->size();
    return data;
  }
  std::string where() const override { return inner_->where(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::unique_ptr<senim::protocol::LogSource> inner_;
  std::size_t bytes_ = 0;
};

// Runs `check(source)` `runs` times, each with a fresh source on `url`
// (nothing cached, as one `senim check` run); the mean bytes fetched.
template <class Check>
Timings time_from_tiles(const std::string& url, std::size_t runs, Check check, double* bytes) {
  std::size_t total = 0;
  const Timings t = time_each(runs, [&](std::size_t r) {
    auto http = senim::net::HttpLogSource::open(url);
    if (!http)
      return false;
    CountingSource source(std::move(*http));
    const bool ok = check(r, source);
    total += source.bytes();
    return ok;
  });
  *bytes = static_cast<double>(total) / static_cast<double>(runs);
  return t;
}

void print_inclusion(const Servers& s, const senim::tlog::Checkpoint& latest,
                     const std::vector<Hash32>& leaves, std::size_t runs) {
  print_header(
      "A random leaf checked against the checkpoint: the board's inclusion proof, or the "
      "tiles\n(read with a fresh reader each time, authenticated to the root, as senim check "
      "does):");
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> index(runs);
  for (auto& i : index)
    i = random() % latest.size;
  auto http = senim::net::HttpClient::create(s.board);
  std::size_t answer_bytes = 0;
  const Timings board = time_each(runs, [&](std::size_t r) {
    auto a = http->get("/v1/proofs/inclusion?index=" + std::to_string(index[r]) +
                       "&size=" + std::to_string(latest.size));
    senim::v1::InclusionProof proof;
    if (!a || a->status != 200 || !proof.ParseFromString(a->body))
      return false;
    answer_bytes = a->body.size();
    return merkle::verify_inclusion(index[r], latest.size, leaves[index[r]],
                                    hashes_of(proof.hashes()), latest.root)
        .ok();
  });
  print_row("GET /v1/proofs/inclusion + verify (baseline)", board, board.p50_us,
            static_cast<double>(answer_bytes));
  auto from_tiles = [&](std::size_t r, senim::protocol::LogSource& source) {
    return senim::protocol::verify_leaf(index[r], leaves[index[r]], latest, source).ok();
  };
  for (const auto& [what, url] :
       {std::pair<const char*, std::string>{"senim-server", s.board}, {"mirror", s.mirror}}) {
    double bytes = 0;
    const Timings t = time_from_tiles(url, runs, from_tiles, &bytes);
    print_row(std::string("leaf from tiles, ") + what, t, board.p50_us, bytes);
  }
}

void print_consistency(const Servers& s, const senim::tlog::Checkpoint& earlier,
                       const senim::tlog::Checkpoint& latest, std::size_t runs) {
  print_header(("A consistency proof from size " + std::to_string(earlier.size) + " to " +
                std::to_string(latest.size) + ", verified:")
                   .c_str());
  auto http = senim::net::HttpClient::create(s.board);
  const std::string query = "/v1/proofs/consistency?old=" + std::to_string(earlier.size) +
                            "&new=" + std::to_string(latest.size);
  std::size_t answer_bytes = 0;
  const Timings board = time_each(runs, [&](std::size_t) {
    auto a = http->get(query);
    senim::v1::ConsistencyProof proof;
    if (!a || a->status != 200 || !proof.ParseFromString(a->body))
      return false;
    answer_bytes = a->body.size();
    return merkle::verify_consistency(earlier.size, latest.size, earlier.root, latest.root,
                                      hashes_of(proof.hashes()))
        .ok();
  });
  print_row("GET /v1/proofs/consistency + verify (baseline)", board, board.p50_us,
            static_cast<double>(answer_bytes));
  auto from_tiles = [&](std::size_t, senim::protocol::LogSource& source) {
    return senim::protocol::verify_extends(earlier, latest, source).ok();
  };
  for (const auto& [what, url] :
       {std::pair<const char*, std::string>{"senim-server", s.board}, {"mirror", s.mirror}}) {
    double bytes = 0;
    const Timings t = time_from_tiles(url, runs, from_tiles, &bytes);
    print_row(std::string("proof from tiles, ") + what, t, board.p50_us, bytes);
  }
}

// ---- 2. requests per second ---------------------------------------------

// `connections` threads GET `path` from `url` for `seconds`; requests/s of
// answers equal to `expected`, and the failures.
std::pair<double, std::size_t> throughput(const std::string& url, const std::string& path,
                                          unsigned connections, double seconds,
                                          const std::string& expected) {
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> failed{0};
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> clients;
  for (unsigned c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      auto http = senim::net::HttpClient::create(url);
      while (Clock::now() < deadline) {
        auto r = http->get(path);
        if (r && r->status == 200 && r->body == expected)
          ++done;
        else
          ++failed;
      }
    });
  }
  for (auto& t : clients)
    t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return {static_cast<double>(done) / elapsed, failed.load()};
}

bool print_throughput(const Servers& s, std::uint64_t size, unsigned connections, double seconds) {
  std::printf("\nRequests per second, %u connections, %.1f s each:\n%-22s %-14s %12s %7s\n",
              connections, seconds, "path", "server", "requests/s", "failed");
  auto http = senim::net::HttpClient::create(s.board);
  bool ok = true;
  const std::string n = senim::tlog::tile_index_path(last_full_bundle(size));
  for (const std::string& path : {"/tile/0/" + n, "/tile/entries/" + n}) {
    auto expected = http->get(path);
    if (!expected || expected->status != 200)
      return false;
    for (const auto& [name, url] :
         {std::pair<const char*, std::string>{"senim-server", s.board}, {"mirror", s.mirror}}) {
      const auto [per_second, failures] =
          throughput(url, path, connections, seconds, expected->body);
      std::printf("%-22s %-14s %12.0f %7zu\n", path.c_str(), name, per_second, failures);
      ok = ok && failures == 0;
    }
  }
  return ok;
}

// ---- the board and its mirror -------------------------------------------

// Posts ballots [from, to) of `ballots` with 8 connections.
void post_ballots(const std::string& url, const std::vector<senim::Bytes>& ballots,
                  std::size_t from, std::size_t to) {
  std::atomic<std::size_t> next{from};
  std::vector<std::thread> posters;
  for (unsigned c = 0; c < 8; ++c) {
    posters.emplace_back([&] {
      auto client = senim::net::HttpClient::create(url);
      for (std::size_t i; (i = next++) < to;)
        (void)client->post("/v1/ballots", senim::bench::view(ballots[i]));
    });
  }
  for (auto& t : posters)
    t.join();
}

bool export_tiles(const std::string& board, const std::string& dir) {
  const std::string command =
      std::string(SENIM_BINARY) + " export-tiles --from " + board + " --out " + dir + " >/dev/null";
  return std::system(command.c_str()) == 0;
}

// python3 -m http.server on `dir`, on a free port; its URL (waits for it).
pid_t static_server(const std::string& dir, const std::string& log, std::string& url) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    ::execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 100 && url.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find(" port ");
      if (at != std::string::npos)
        url = "http://127.0.0.1:" + line.substr(at + 6, line.find(' ', at + 6) - at - 6);
    }
  }
  return pid;
}

struct Options {
  std::uint32_t voters = 4000;
  std::size_t runs = 200;
  unsigned connections = 8;
  double seconds = 2;
  std::uint64_t max_leaves = 1'000'000;
};

void print_growth(const Options& o) {
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t n = 1000; n <= o.max_leaves; n *= 10)
    sizes.push_back(n);
  senim::bench::print_proof_growth(sizes, o.runs);
}

// Parts 1 and 2; the exit status.
int run_http(const Options& o) {
  const senim::test::TempDir dir;
  senim::test::ServerProcess server(dir.path() + "/board");
  auto admin = senim::net::HttpClient::create(server.url());
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-2026");
  plan.voters = o.voters;
  plan.trustees = 2;
  plan.threshold = 2;
  plan.validate = false;
  const auto builder = senim::bench::open_election(*admin, std::move(plan));
  if (!builder)
    return 1;
  std::size_t posted = builder->entries().size();
  builder->cast_many(senim::sim::referendum_votes(o.voters),
                     std::max(1U, std::thread::hardware_concurrency()));
  const auto& entries = builder->entries();
  const std::string mirror = dir.path() + "/mirror";
  std::filesystem::create_directories(mirror);
  std::string mirror_url;
  const pid_t python = static_server(mirror, dir.path() + "/static.log", mirror_url);
  if (mirror_url.empty()) {
    std::fprintf(stderr, "python3 -m http.server did not start\n");
    return 1;
  }
  const Servers servers{server.url(), mirror_url};
  std::printf("cores %u, %zu runs per measurement\n", std::thread::hardware_concurrency(), o.runs);
  auto earlier = latest_checkpoint(*admin);
  int status = earlier ? 0 : 1;
  for (const std::size_t stage_end : {posted + o.voters / 4, entries.size()}) {
    if (status != 0)
      break;
    post_ballots(server.url(), entries, posted, stage_end);
    posted = stage_end;
    auto latest = latest_checkpoint(*admin);
    if (!latest || !export_tiles(server.url(), mirror)) {
      std::fprintf(stderr, "reading the checkpoint or senim export-tiles failed\n");
      status = 1;
      break;
    }
    std::printf("\n== log of %llu entries ==\n", static_cast<unsigned long long>(latest->size));
    print_reads(servers, latest->size, o.runs);
    print_inclusion(servers, *latest, leaf_hashes(*admin, latest->size), o.runs);
    print_consistency(servers, *earlier, *latest, o.runs);
    earlier = std::move(latest);
  }
  if (status == 0 && !print_throughput(servers, earlier->size, o.connections, o.seconds))
    status = 1;
  ::kill(python, SIGTERM);
  ::waitpid(python, nullptr, 0);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_tiles: reading the board as tiles, against its API, in the same run"};
  Options o;
  app.add_option("--voters", o.voters,
                 "ballots on the board, posted in two stages (1/4, 3/4); 0: in process only");
  app.add_option("--runs", o.runs, "requests or proofs per measurement");
  app.add_option("--connections", o.connections, "concurrent clients for requests per second");
  app.add_option("--seconds", o.seconds, "per server and path, for requests per second");
  app.add_option("--max-leaves", o.max_leaves, "largest in-process log (1,000 × 10^k up to it)");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;
  const int status = o.voters == 0 ? 0 : run_http(o);
  print_growth(o);
  return status;
}
