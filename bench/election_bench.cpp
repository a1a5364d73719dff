// bench_election: a whole election at N voters through the real binaries
// (issue 8, "How it is checked"; docs/performance.md, "The whole election").
//
//   bench_election [--voters N]... [--connections C] [--votes R] [--no-cold]
//                  [--snapshot-every E] [--keep DIR] [--check]
//   bench_election --restart DIR [--runs R] [--server-binary PATH]
//
// For each N, on a fresh real senim-server (loopback, its SQLite file):
//   set-up        a referendum in 17 districts (kk/ru/en), 5 trustees of whom
//                 3 decrypt: set-up, deals and ready messages made by the
//                 ElectionBuilder and posted over HTTP (not the CLI's
//                 ceremony, which is not what grows with N);
//   credentials   the real `senim admin credentials --lines --count N`;
//   open          the real `senim admin open`;
//   (encrypt)     the bench reads the N credential lines and encrypts one
//                 ballot for each on both cores BEFORE intake is timed:
//                 intake measures the board, not the voters' encryption;
//   intake        C keep-alive connections post the N ballots, each waiting
//                 for its durable receipt (signed head + inclusion proof,
//                 sent after the batch's fsync);
//   vote          R runs of the real `senim vote --show-download` with a
//                 credential line, on the board holding N ballots: the bytes
//                 it downloaded and its CPU;
//   followers     `senim admin follow` and `senim trustee follow` for
//                 trustees 1–3 run during credentials, open, intake and
//                 votes (their CPU and peak RSS), then one `follow --once`
//                 each to catch up with the last entries;
//   end, followed `admin close`, `admin tally`, 3 × `trustee decrypt`,
//                 `admin result`, each with --replica;
//   end, cold     the same six on a copy of the board taken before the
//                 close, without replicas (each checks the whole board);
//                 both must publish the same counts;
//   verify        `senim-verify --server URL --save FILE` on the finished
//                 board (reads its tiles, checks everything);
//   restart       the server killed with SIGKILL and started again: time
//                 until it answers GET /v1/election, its CPU and peak RSS.
// Each phase: wall time, the CPU (user + system, wait4) and peak RSS of the
// programs it ran, and the server's CPU and peak RSS during it (/proc).
//
// --check makes it a test (ctest bench_election_small): it fails unless
// every vote downloaded at most 64 KB (docs/protocol.md §11.6), the
// followed and cold ends published the same counts, senim-verify passed and
// the restarted server served.
//
// --keep DIR keeps the boards; `--restart DIR` then times only the restart
// of DIR/board (R times, each after a SIGKILL), e.g. with another
// senim-server build (--server-binary).
#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>

#include "bench/bench_board.hpp"
#include "bench/child_process.hpp"
#include "bench/election_keys.hpp"
#include "bench/election_phases.hpp"
#include "bench/process_stats.hpp"
#include "bench/timing.hpp"
#include "client/credential_lines.hpp"
#include "proto/files.pb.h"
#include "protocol/ballot.hpp"
#include "tests/server/server_process.hpp"

namespace {

namespace fs = std::filesystem;
using senim::bench::ChildUsage;
using senim::bench::Clock;
using senim::bench::percentile;
using senim::bench::PhaseCost;

constexpr const char* kElection = "bench-election-2026";
constexpr std::uint32_t kTrustees = 5;
constexpr std::uint32_t kDecrypting = 3;
constexpr std::uint32_t kDistricts = 17;
constexpr std::uint64_t kVoteBudget = std::uint64_t{64} * 1024;  // docs/protocol.md §11.6

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Options {
  unsigned connections = 32;
  unsigned votes = 5;
  bool cold = true;
  bool check = false;
  std::string keep;
  std::uint64_t snapshot_every = 10'000;
  double follow_timeout_s = 3600;
};

// What `check` found wrong, said at the end (the run goes on).
std::vector<std::string> failures;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    failures.push_back(what);
    std::fprintf(stderr, "bench_election: FAILED: %s\n", what.c_str());
  }
}

// A board served by a real senim-server, restartable.
class Board {
 public:
  explicit Board(std::string data) : data_(std::move(data)) { start(); }
  void start() {
    server_ = std::make_unique<senim::test::ServerProcess>(
        data_, std::vector<std::string>{"--max-connections-per-address", "0"});
  }
  void stop() { server_->stop(); }
  void kill9() { server_->kill9(); }
  const std::string& url() const { return server_->url(); }
  pid_t pid() const { return server_->pid(); }

 private:
  std::string data_;
  std::unique_ptr<senim::test::ServerProcess> server_;
};

// Runs `args` of senim as one program of `phase`, its output (stdout and
// stderr) in `log`.
ChildUsage senim_into(PhaseCost& phase, const std::string& log, const std::string& args) {
  const ChildUsage u =
      senim::bench::run_child_ok(senim::bench::words(SENIM_BINARY, args), log, log);
  phase.add(u);
  return u;
}

// One phase of programs run against `board`: wall time, theirs and the server's costs.
template <class Body>
PhaseCost phase(const std::string& name, const Board& board, Body&& body) {
  PhaseCost p;
  p.name = name;
  const senim::bench::ServerMeter meter(board.pid());
  const auto start = Clock::now();
  body(p);
  p.wall_s = since(start);
  meter.finish(p);
  return p;
}

// A voter credential line: its seed.
struct VoterLine {
  std::string path;
  std::uint64_t line = 0;  // from 1
  senim::Bytes seed;
};

std::vector<VoterLine> read_lines(const std::string& dir) {
  std::vector<VoterLine> out;
  for (std::uint32_t d = 1; d <= kDistricts; ++d) {
    const std::string path =
        senim::client::credential_lines_path(dir, "region-" + std::to_string(d));
    std::ifstream in(path);
    std::uint64_t n = 0;
    for (std::string text; std::getline(in, text);) {
      senim::v1::VoterCredentialFile file;
      if (!google::protobuf::util::JsonStringToMessage(text, &file).ok())
        throw std::runtime_error("line " + std::to_string(n + 1) + " of " + path + " is not JSON");
      out.push_back({path, ++n, senim::Bytes(file.seed().begin(), file.seed().end())});
    }
  }
  return out;
}

// One ballot for each line (odd lines yes, even no), on both cores.
std::vector<senim::Bytes> encrypt_ballots(const senim::sim::ElectionBuilder& builder,
                                          const std::vector<VoterLine>& lines) {
  const auto& state = builder.state();
  const senim::protocol::VotingParameters params(state.config()->shape, state.joint_key()->point,
                                                 *state.base_hash());
  std::vector<senim::Bytes> ballots(lines.size());
  auto work = [&](std::size_t begin, std::size_t step) {
    for (std::size_t i = begin; i < lines.size(); i += step) {
      auto key = senim::protocol::CredentialKey::from_seed(lines[i].seed);
      if (!key)
        throw std::runtime_error("a credential's seed does not make a key");
      const std::uint32_t yes = i % 2;
      auto made = senim::protocol::encrypt_ballot(params, key->public_key(), 1,
                                                  senim::protocol::BallotChoices{{{yes, 1 - yes}}});
      if (!made)
        throw std::runtime_error("encrypt: " + made.error().message);
      senim::v1::Statement st = builder.statement();
      *st.mutable_ballot() = made->ballot;
      ballots[i] = senim::sim::ElectionBuilder::sign(*key, st);
    }
  };
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, t, threads);
  work(0, threads);
  for (auto& t : pool)
    t.join();
  return ballots;
}

// Posts every ballot from `connections` connections, each waiting for its
// receipt; the latencies in ms. Throws if one was refused.
std::vector<double> post_ballots(const std::string& url, const std::vector<senim::Bytes>& ballots,
                                 unsigned connections) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::vector<double> latencies;
  std::string failed;
  std::vector<std::thread> clients;
  for (unsigned c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      auto client = senim::net::HttpClient::create(url);
      std::vector<double> mine;
      for (std::size_t i; (i = next++) < ballots.size();) {
        const auto t0 = Clock::now();
        auto r = client->post("/v1/ballots", senim::bench::view(ballots[i]));
        senim::v1::Receipt receipt;
        if (!r || r->status != 200 || !receipt.ParseFromString(r->body) ||
            receipt.tlog_proof().empty()) {
          const std::lock_guard lock(mutex);
          failed = "ballot " + std::to_string(i) + ": " +
                   (r ? std::to_string(r->status) + " " + r->body : std::string("no answer"));
          return;
        }
        mine.push_back(since(t0) * 1e3);
      }
      const std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : clients)
    t.join();
  if (!failed.empty())
    throw std::runtime_error("the board refused " + failed);
  return latencies;
}

// The four followers of the authority and trustees 1–3.
std::vector<std::string> follower_commands(const std::string& url, const std::string& dir) {
  std::vector<std::string> out{"admin follow --server " + url + " --data " + dir +
                               "/replica-admin"};
  for (std::uint32_t t = 1; t <= kDecrypting; ++t) {
    out.push_back("trustee follow --server " + url + " --data " + dir + "/replica-trustee-" +
                  std::to_string(t));
  }
  return out;
}

// Waits until every follower's log says it checked the board's whole log
// (as its size is now): the followers' lag after the last vote.
PhaseCost followers_lag(const Board& board, const std::vector<std::string>& logs,
                        double timeout_s) {
  auto client = senim::net::HttpClient::create(board.url());
  senim::v1::BoardInfo info;
  auto r = client->get("/v1/election");
  if (!r || r->status != 200 || !info.ParseFromString(r->body))
    throw std::runtime_error("GET /v1/election failed");
  const std::regex caught_up(": " + std::to_string(info.tree_size()) + " entries checked");
  return phase("followers, lag after last vote", board, [&](PhaseCost& p) {
    const bool all = senim::test::eventually(
        [&] {
          return std::all_of(logs.begin(), logs.end(), [&](const std::string& log) {
            return std::regex_search(senim::bench::file_text(log), caught_up);
          });
        },
        static_cast<int>(timeout_s));
    expect(all, "a follower did not catch up with " + std::to_string(info.tree_size()) +
                    " entries in " + std::to_string(timeout_s) + " s");
    p.note = "until all 4 checked " + std::to_string(info.tree_size()) + " entries";
  });
}

// R real votes with credential lines spread over the board (each a second
// ballot of its voter, superseding the first); the bytes each downloaded
// are checked against the budget.
PhaseCost votes(const Board& board, const std::string& dir, const std::vector<VoterLine>& lines,
                unsigned runs) {
  std::vector<double> bytes;
  std::vector<double> cpu_ms;
  std::vector<double> wall;
  PhaseCost p = phase("vote", board, [&](PhaseCost& ph) {
    for (unsigned r = 0; r < runs; ++r) {
      const VoterLine& v =
          lines[(lines.size() / runs) * r + lines.size() / (std::size_t{2} * runs)];
      const std::string log = dir + "/vote-" + std::to_string(r) + ".log";
      const ChildUsage u =
          senim_into(ph, log,
                     "vote --yes --show-download --credential " + v.path + " --line " +
                         std::to_string(v.line) + " --receipt " + dir + "/vote-" +
                         std::to_string(r) + ".tlog-proof --choose referendum=yes");
      std::smatch m;
      const std::string text = senim::bench::file_text(log);
      if (!std::regex_search(text, m, std::regex("downloaded ([0-9]+) bytes")))
        throw std::runtime_error("senim vote did not say what it downloaded: " + text);
      bytes.push_back(std::stod(m[1].str()));
      cpu_ms.push_back(u.cpu_s * 1e3);
      wall.push_back(u.wall_s * 1e3);
      expect(bytes.back() <= static_cast<double>(kVoteBudget),
             "a vote downloaded " + m[1].str() + " bytes, over the 64 KB budget");
    }
  });
  char note[200];
  std::snprintf(note, sizeof note,
                "median of %u: %.0f bytes downloaded (max %.0f), %.1f ms CPU, %.0f ms wall", runs,
                percentile(bytes, 0.5), percentile(bytes, 1.0), percentile(cpu_ms, 0.5),
                percentile(wall, 0.5));
  p.note = note;
  return p;
}

// The six commands of the end of an election, one phase each; the counts
// the result published.
std::string end_of_election(senim::bench::ElectionRun& run, const Board& board,
                            const std::string& dir, bool replicas) {
  const std::string how = replicas ? "followed" : "cold";
  const std::string server = " --server " + board.url();
  auto admin = [&](const std::string& cmd, const std::string& extra = "") {
    run.phases.push_back(phase(cmd + ", " + how, board, [&](PhaseCost& p) {
      senim_into(p, dir + "/" + cmd + "-" + how + ".log",
                 "admin " + cmd + server + " --key " + dir + "/authority.key" + extra +
                     (replicas ? " --replica " + dir + "/replica-admin" : ""));
    }));
  };
  admin("close");
  admin("tally");
  run.phases.push_back(phase("3 decrypts, " + how, board, [&](PhaseCost& p) {
    for (std::uint32_t t = 1; t <= kDecrypting; ++t) {
      const std::string base = dir + "/trustee-" + std::to_string(t);
      senim_into(
          p, base + "-decrypt-" + how + ".log",
          "trustee decrypt" + server + " --key " + base + ".key --state " + base + ".state" +
              (replicas ? " --replica " + dir + "/replica-trustee-" + std::to_string(t) : ""));
    }
  }));
  admin("result", " --counts " + dir + "/counts-" + how + ".tsv");
  return senim::bench::file_text(dir + "/counts-" + how + ".tsv");
}

// Kills `board` with SIGKILL and starts it again: until it answers
// GET /v1/election; its CPU and peak RSS meanwhile (all of its life).
PhaseCost restart(Board& board) {
  PhaseCost p;
  p.name = "restart after kill -9";
  board.kill9();
  const auto start = Clock::now();
  board.start();
  auto client = senim::net::HttpClient::create(board.url());
  auto r = client->get("/v1/election");
  p.wall_s = since(start);
  expect(r && r->status == 200, "the restarted server does not serve /v1/election");
  p.server_cpu_s = senim::bench::cpu_seconds(board.pid());
  p.server_peak_rss_bytes = senim::bench::peak_rss_bytes(board.pid());
  p.note = "time to serve again";
  return p;
}

// The election's first steps: the set-up and ceremony posted, the key files
// written; the builder holds the ceremony's secrets.
std::unique_ptr<senim::sim::ElectionBuilder> set_up(senim::bench::ElectionRun& run,
                                                    const Board& board, const std::string& dir) {
  const std::vector<senim::Bytes> seeds = senim::bench::fresh_trustee_seeds(kTrustees);
  std::unique_ptr<senim::sim::ElectionBuilder> builder;
  run.phases.push_back(phase("set-up (builder, posted)", board, [&](PhaseCost&) {
    auto client = senim::net::HttpClient::create(board.url());
    senim::sim::ElectionPlan plan;
    plan.manifest = senim::sim::referendum_manifest(kElection, false, kDistricts);
    plan.voters = 1;  // the builder's own credentials are never posted
    plan.trustees = kTrustees;
    plan.threshold = kDecrypting;
    plan.validate = false;
    plan.trustee_seeds = seeds;
    senim::bench::use_board_key(*client, plan);
    builder = std::make_unique<senim::sim::ElectionBuilder>(std::move(plan));
    builder->setup();
    builder->ceremony();
    if (!senim::bench::post_entries(*client, *builder, 0, builder->entries().size()))
      throw std::runtime_error("the board refused the set-up");
  }));
  senim::bench::write_key_files(*builder, seeds, dir);
  return builder;
}

// The whole election at `voters`.
senim::bench::ElectionRun run_election(std::uint64_t voters, const Options& o) {
  senim::bench::ElectionRun run;
  run.voters = voters;
  run.load_before = senim::bench::load_average();
  const senim::test::TempDir tmp;
  const std::string dir = o.keep.empty() ? tmp.path() : o.keep;
  fs::create_directories(dir);
  Board board(dir + "/board");
  const std::string server = " --server " + board.url();
  const std::string key = " --key " + dir + "/authority.key";
  auto builder = set_up(run, board, dir);

  // The followers run from here to the end of the voting.
  std::vector<std::unique_ptr<senim::bench::Child>> followers;
  const auto followed_from = Clock::now();
  std::vector<std::string> follower_logs;
  for (const std::string& cmd : follower_commands(board.url(), dir)) {
    follower_logs.push_back(dir + "/follower-" + std::to_string(follower_logs.size()) + ".log");
    followers.push_back(std::make_unique<senim::bench::Child>(
        senim::bench::words(SENIM_BINARY, cmd + " --interval 1 --snapshot-every " +
                                              std::to_string(o.snapshot_every)),
        follower_logs.back(), follower_logs.back()));
  }
  run.phases.push_back(phase("credentials (--lines)", board, [&](PhaseCost& p) {
    senim_into(p, dir + "/credentials.log",
               "admin credentials" + server + key + " --lines --count " + std::to_string(voters) +
                   " --out " + dir + "/creds");
  }));
  run.phases.back().note = std::to_string(static_cast<long long>(static_cast<double>(voters) /
                                                                 run.phases.back().wall_s)) +
                           " credentials/s";
  run.phases.push_back(phase("open", board, [&](PhaseCost& p) {
    senim_into(p, dir + "/open.log", "admin open" + server + key);
  }));

  // Not timed as intake: the voters' encryption, done before.
  const auto encrypting = Clock::now();
  const std::vector<VoterLine> lines = read_lines(dir + "/creds");
  if (lines.size() != voters)
    throw std::runtime_error("the credential files hold " + std::to_string(lines.size()) +
                             " lines, not " + std::to_string(voters));
  const std::vector<senim::Bytes> ballots = encrypt_ballots(*builder, lines);
  std::printf("N = %llu: %zu ballots encrypted by the bench in %.1f s (before intake, not timed)\n",
              static_cast<unsigned long long>(voters), ballots.size(), since(encrypting));
  std::fflush(stdout);

  std::vector<double> latencies;
  run.phases.push_back(phase("intake (durable receipts)", board, [&](PhaseCost&) {
    latencies = post_ballots(board.url(), ballots, o.connections);
  }));
  {
    PhaseCost& p = run.phases.back();
    char note[200];
    std::snprintf(note, sizeof note, "%.0f ballots/s, %u connections, p50 %.1f ms, p99 %.1f ms",
                  static_cast<double>(ballots.size()) / p.wall_s, o.connections,
                  percentile(latencies, 0.5), percentile(latencies, 0.99));
    p.note = note;
  }
  run.phases.push_back(votes(board, dir, lines, o.votes));

  // The followers during the voting (credentials … votes); how long after
  // the last vote until each has checked the whole board; then stopped.
  run.phases.push_back(followers_lag(board, follower_logs, o.follow_timeout_s));
  {
    PhaseCost p;
    p.name = "followers, during voting";
    p.wall_s = since(followed_from);
    for (auto& child : followers)
      p.add(child->stop(SIGTERM));
    p.note = "4 followers from set-up to caught up (CPU summed, largest RSS)";
    run.phases.push_back(p);
  }
  // Started again, each catches up once (from its last snapshot: the
  // follower saves one every --snapshot-every entries, and SIGTERM loses
  // what it checked after it).
  run.phases.push_back(phase("followers, catch-up", board, [&](PhaseCost& p) {
    int i = 0;
    for (const std::string& cmd : follower_commands(board.url(), dir))
      senim_into(p, dir + "/catch-up-" + std::to_string(i++) + ".log", cmd + " --once");
  }));

  // A copy of the board before the close, for the cold end.
  if (o.cold) {
    board.stop();
    fs::create_directories(dir + "/cold");
    fs::copy(dir + "/board", dir + "/cold/board", fs::copy_options::recursive);
    for (const char* file : {"authority.key", "trustee-1.key", "trustee-1.state", "trustee-2.key",
                             "trustee-2.state", "trustee-3.key", "trustee-3.state"}) {
      fs::copy_file(dir + "/" + file, dir + "/cold/" + std::string(file));
    }
    board.start();
  }
  const std::string followed = end_of_election(run, board, dir, true);
  if (o.cold) {
    Board cold(dir + "/cold/board");
    const std::string counts = end_of_election(run, cold, dir + "/cold", false);
    expect(!counts.empty() && counts == followed,
           "the followed and the cold end published other counts");
    cold.stop();
  }
  run.phases.push_back(phase("senim-verify", board, [&](PhaseCost& p) {
    const std::string log = dir + "/verify.log";
    const ChildUsage u = senim::bench::run_child(
        {SENIM_VERIFY_BINARY, "-q", "--server", board.url(), "--save", dir + "/record.senim"}, log,
        log);
    p.add(u);
    expect(u.status == 0, "senim-verify failed (exit " + std::to_string(u.status) +
                              "): " + senim::bench::file_text(log));
  }));
  run.phases.back().note =
      "record " +
      std::to_string(fs::exists(dir + "/record.senim") ? fs::file_size(dir + "/record.senim") >> 20
                                                       : 0) +
      " MB";
  run.phases.push_back(restart(board));
  board.kill9();
  run.load_after = senim::bench::load_average();
  return run;
}

// Only the restart of a kept board, `runs` times.
int restart_only(const std::string& dir, unsigned runs) {
  Board board(dir + "/board");
  std::vector<double> wall;
  std::vector<double> cpu;
  std::vector<double> rss;
  for (unsigned r = 0; r < runs; ++r) {
    const PhaseCost p = restart(board);
    wall.push_back(p.wall_s);
    cpu.push_back(p.server_cpu_s);
    rss.push_back(static_cast<double>(p.server_peak_rss_bytes) / (1024.0 * 1024.0));
    std::printf("PHASE name=restart run=%u wall_s=%.3f server_cpu_s=%.3f server_rss_mb=%.1f\n", r,
                p.wall_s, p.server_cpu_s, rss.back());
  }
  board.kill9();
  std::printf(
      "restart of %s/board after kill -9, medians of %u: %.2f s to serve, %.2f s CPU, "
      "%.1f MB peak RSS; load %s\n",
      dir.c_str(), runs, percentile(wall, 0.5), percentile(cpu, 0.5), percentile(rss, 0.5),
      senim::bench::load_average().c_str());
  return failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_election: a whole election at N voters through the real binaries"};
  std::vector<std::uint64_t> voters{10'000};
  Options o;
  std::string restart_dir;
  unsigned runs = 3;
  std::string server_binary;
  app.add_option("--voters", voters, "voters (credentials and ballots); repeat for a growth table");
  app.add_option("--connections", o.connections, "connections posting ballots");
  app.add_option("--votes", o.votes, "real senim votes measured at the end of the voting");
  app.add_flag("!--no-cold", o.cold, "skip the cold end of the election");
  app.add_flag("--check", o.check,
               "exit 1 unless every vote stayed within 64 KB, both ends agreed, senim-verify "
               "passed and the restart served");
  app.add_option("--snapshot-every", o.snapshot_every,
                 "the followers' --snapshot-every (default 10000)");
  app.add_option("--keep", o.keep, "keep the boards in this directory (one --voters only)");
  app.add_option("--restart", restart_dir, "only time restarts of DIR/board (kept by --keep)");
  app.add_option("--runs", runs, "with --restart: how many");
  app.add_option("--server-binary", server_binary, "another senim-server to run");
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;
  if (!server_binary.empty())
    senim::test::ServerProcess::use_binary(server_binary);
  // A restart of a large board may check it first for minutes.
  senim::test::ServerProcess::use_start_timeout(std::chrono::hours(2));
  try {
    if (!restart_dir.empty())
      return restart_only(restart_dir, runs);
    if (!o.keep.empty() && voters.size() != 1)
      throw std::runtime_error("--keep goes with one --voters");
    std::vector<senim::bench::ElectionRun> done;
    for (std::uint64_t n : voters) {
      done.push_back(run_election(n, o));
      senim::bench::print_run(done.back());
    }
    senim::bench::print_growth(done);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_election: %s\n", e.what());
    return 1;
  }
  if (o.check && !failures.empty()) {
    std::fprintf(stderr, "bench_election: %zu check(s) failed\n", failures.size());
    return 1;
  }
  return 0;
}
