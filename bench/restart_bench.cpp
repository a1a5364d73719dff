// bench_restart: how long the real senim-server takes to serve again after a
// kill -9, with its restart snapshot and with a full re-verification
// (--reverify), on the same board in the same run (docs/performance.md,
// "Restart after a crash").
//
//   bench_restart [--ballots N] [--tail T] [--runs R] [--no-reverify]
//                 [--record FILE --seed S] [--dir DIR] [--server-binary PATH]
//
// Makes (once, not timed) a referendum of N ballots, one per voter — or,
// with --record, cuts one from a record that senim-make-record --seed S
// wrote (one ballot per voter), whose board key that seed gives: the first
// N − T are written as an election record and put into a fresh data
// directory with `senim-server --restore-from`; a server started on it is
// stopped cleanly (its snapshot then covers them), started again, sent the
// last T ballots over HTTP (durable receipts) and killed with SIGKILL, so
// that the snapshot is T ballots behind the log, as after a crash between
// two snapshots. Then, R times each, alternating: a start that uses the
// snapshot, and (unless --no-reverify) a start with --reverify, each timed
// from fork to the "listening on" line and killed with SIGKILL once it
// listens; the peak RSS (VmHWM) of each. Medians and their ratio. With
// --dir the board is kept, and a later run on the same DIR times it again
// without making it.
#include <sodium.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "bench/process_stats.hpp"
#include "crypto/merkle_compact_range.hpp"
#include "net/http_client.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "sim/deterministic_random.hpp"
#include "sim/election_builder.hpp"
#include "tests/run_command.hpp"
#include "tests/server/server_process.hpp"

namespace {

// The senim-server to run (--server-binary).
std::string& server_binary() {
  static std::string path = SENIM_SERVER_BINARY;
  return path;
}

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

// The board to time: its directory, and the entries to post after its
// snapshot (the tail).
struct Made {
  std::string record;              // every entry before the tail, and a checkpoint over them
  senim::Bytes board_seed;         // the key that signed that checkpoint
  std::vector<senim::Bytes> tail;  // the last `tail` ballots
  std::uint64_t before_tail = 0;
};

std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> votes(std::uint32_t from,
                                                                            std::uint32_t to) {
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> out;
  for (std::uint32_t v = from; v < to; ++v) {
    senim::protocol::BallotChoices c;
    c.contests.push_back({v % 2, 1 - v % 2});
    out.emplace_back(v, std::move(c));
  }
  return out;
}

// A referendum of `ballots` made here (the builder holds every entry).
bool make_referendum(unsigned ballots, unsigned tail, const std::string& record, Made& made) {
  std::printf("making a referendum of %u ballots (not timed)\n", ballots);
  std::fflush(stdout);
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("bench-restart");
  plan.voters = ballots;
  plan.validate = false;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  b.cast_many(votes(0, ballots - tail), threads);
  if (!b.write_record(record).ok())
    return false;
  made.record = record;
  made.before_tail = b.entries().size();
  b.cast_many(votes(ballots - tail, ballots), threads);
  made.tail.assign(b.entries().begin() + static_cast<std::ptrdiff_t>(made.before_tail),
                   b.entries().end());
  made.board_seed = b.board_key().seed();
  return true;
}

// A record written by `senim-make-record --seed SEED` (one ballot per
// voter, then the close and the rest): its entries up to the last `tail`
// ballots are copied into `record` with a checkpoint over them, signed by
// the record's board key (the second key that seed makes, as
// ElectionBuilder's constructor makes it); the last `tail` ballots are kept
// to post. The entries after the ballots (close, tally, …) are dropped.
bool cut_record(const std::string& from, std::uint64_t seed, unsigned tail,
                const std::string& record, Made& made) {
  senim::sim::use_deterministic_randomness(seed);
  if (sodium_init() < 0)
    return false;
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("simulated");
  const senim::sim::ElectionBuilder keys(std::move(plan));
  made.board_seed = keys.board_key().seed();
  // Pass 1: where the ballots end, and the log's origin (the record's own
  // checkpoint's first line).
  auto reader = senim::protocol::RecordReader::open(from);
  if (!reader)
    return false;
  std::uint64_t entries = 0;
  std::uint64_t ballots_end = 0;
  std::string origin;
  for (;;) {
    auto frame = reader->next();
    if (!frame || !*frame)
      break;
    if ((*frame)->kind == senim::protocol::FrameKind::checkpoint) {
      const std::string note((*frame)->payload.begin(), (*frame)->payload.end());
      origin = note.substr(0, note.find('\n'));
      continue;
    }
    auto parsed = senim::protocol::parse_entry((*frame)->payload);
    ++entries;
    if (parsed && parsed->statement.has_ballot())
      ballots_end = entries;
  }
  if (origin.empty() || ballots_end < tail)
    return false;
  made.before_tail = ballots_end - tail;
  std::printf("%s: %llu entries, ballots end at %llu; keeping %llu, posting %u\n", from.c_str(),
              static_cast<unsigned long long>(entries),
              static_cast<unsigned long long>(ballots_end),
              static_cast<unsigned long long>(made.before_tail), tail);
  std::fflush(stdout);
  // Pass 2: the prefix, its root, and the tail.
  reader = senim::protocol::RecordReader::open(from);
  auto writer = senim::protocol::RecordWriter::create(record);
  if (!reader || !writer)
    return false;
  senim::crypto::merkle::CompactRange range;
  for (std::uint64_t i = 0; i < ballots_end;) {
    auto frame = reader->next();
    if (!frame || !*frame)
      return false;
    if ((*frame)->kind != senim::protocol::FrameKind::entry)
      continue;
    if (i < made.before_tail) {
      range.append_leaf_hash(senim::crypto::merkle::leaf_hash((*frame)->payload));
      if (!writer->write(senim::protocol::FrameKind::entry, (*frame)->payload).ok())
        return false;
    } else {
      made.tail.push_back(std::move((*frame)->payload));
    }
    ++i;
  }
  auto board = senim::protocol::SigningKey::from_seed(made.board_seed);
  if (!board)
    return false;
  auto note = senim::protocol::sign_board_checkpoint(*board, origin, range.size(), range.root());
  if (!note || !writer->write(senim::protocol::FrameKind::checkpoint, senim::as_bytes(*note)).ok())
    return false;
  made.record = record;
  return writer->finish().ok();
}

// The board of `made` in `dir`: the record restored, a snapshot written at a
// clean stop, the tail posted with durable receipts, then kill -9.
bool build_board(const Made& made, const std::string& dir) {
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), 0700);
  std::ofstream(dir + "/board.key", std::ios::binary)
      .write(reinterpret_cast<const char*>(made.board_seed.data()),
             static_cast<std::streamsize>(made.board_seed.size()));
  ::chmod((dir + "/board.key").c_str(), 0600);
  const auto t0 = Clock::now();
  const auto restored = senim::test::run_command(server_binary() + " --data " + dir +
                                                 " --restore-from " + made.record + " 2>&1");
  if (restored.status != 0) {
    std::fprintf(stderr, "restore failed: %s\n", restored.out.c_str());
    return false;
  }
  std::printf("restored in %.1f s: %s", std::chrono::duration<double>(Clock::now() - t0).count(),
              restored.out.c_str());
  std::fflush(stdout);
  const std::vector<std::string> only_at_stop{"--snapshot-interval", "0"};
  if (!std::filesystem::exists(dir + "/board.snapshot")) {
    senim::test::ServerProcess first(dir, only_at_stop);  // a full start; then a snapshot
    if (first.stop() != 0)
      return false;
  }
  senim::test::ServerProcess server(dir, only_at_stop);
  auto client = senim::net::HttpClient::create(server.url());
  for (std::size_t i = 0; i < made.tail.size(); ++i) {
    const senim::Bytes& e = made.tail[i];
    auto r = client->post("/v1/ballots",
                          std::string_view(reinterpret_cast<const char*>(e.data()), e.size()));
    if (!r || r->status != 200) {
      std::fprintf(stderr, "ballot %zu of the tail refused\n", i);
      return false;
    }
  }
  server.kill9();
  return true;
}

struct Options {
  unsigned ballots = 10000;
  unsigned tail = 1000;
  unsigned runs = 3;
  std::string record;  // --record: cut from this record instead of making one
  std::uint64_t seed = 0;
  std::string dir;  // --dir: keep the board here (reused if it holds one)
  bool reverify = true;
};

int run(const Options& o) {
  if ((o.record.empty() && sodium_init() < 0) || o.tail > o.ballots)
    return 2;
  const senim::test::TempDir tmp;
  senim::test::ServerProcess::use_start_timeout(std::chrono::hours(4));
  const std::string dir = o.dir.empty() ? tmp.path() + "/board" : o.dir;
  const std::vector<std::string> only_at_stop{"--snapshot-interval", "0"};
  if (!std::filesystem::exists(dir + "/board.sqlite")) {
    Made made;
    const std::string record = tmp.path() + "/record.senim";
    const bool ok = o.record.empty() ? make_referendum(o.ballots, o.tail, record, made)
                                     : cut_record(o.record, o.seed, o.tail, record, made);
    if (!ok || !build_board(made, dir)) {
      std::fprintf(stderr, "cannot make the board\n");
      return 1;
    }
    std::filesystem::remove(record);
  } else {
    std::printf("timing the board already in %s\n", dir.c_str());
  }
  const auto snapshot_bytes = std::filesystem::file_size(dir + "/board.snapshot");
  const auto db_bytes = std::filesystem::file_size(dir + "/board.sqlite");
  std::printf("board.sqlite %.1f MB; board.snapshot %.2f MB; load %s\n",
              static_cast<double>(db_bytes) / 1e6, static_cast<double>(snapshot_bytes) / 1e6,
              senim::bench::load_average().c_str());
  std::vector<double> with, without, with_rss, without_rss;
  for (unsigned r = 0; r < o.runs; ++r) {
    const Start a = timed_start(dir, only_at_stop);
    with.push_back(a.seconds);
    with_rss.push_back(a.peak_mb);
    std::printf("run %u: with the snapshot %.3f s (%.0f MB peak)", r + 1, a.seconds, a.peak_mb);
    if (o.reverify) {
      const Start c = timed_start(dir, {"--reverify", "--snapshot-interval", "0"});
      without.push_back(c.seconds);
      without_rss.push_back(c.peak_mb);
      std::printf(", --reverify %.3f s (%.0f MB)", c.seconds, c.peak_mb);
    }
    std::printf("; load %s\n", senim::bench::load_average().c_str());
    std::fflush(stdout);
  }
  const double w = median(with);
  std::printf("median of %u: with the snapshot %.3f s, %.0f MB peak RSS", o.runs, w,
              median(with_rss));
  if (o.reverify) {
    const double f = median(without);
    std::printf("; --reverify %.3f s, %.0f MB; ratio %.3f (%.1fx faster)", f, median(without_rss),
                w / f, f / w);
  }
  std::printf("; load %s\n", senim::bench::load_average().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_restart: senim-server's start after kill -9, with its snapshot and without"};
  Options o;
  app.add_option("--ballots", o.ballots, "ballots on the board")->capture_default_str();
  app.add_option("--tail", o.tail, "of which after the snapshot")->capture_default_str();
  app.add_option("--runs", o.runs, "timed starts of each kind")->capture_default_str();
  auto* record = app.add_option("--record", o.record,
                                "cut the board from this record (senim-make-record --seed S, one "
                                "ballot per voter) instead of making one; --ballots is ignored");
  app.add_option("--seed", o.seed, "the --seed the record was made with (its board key)")
      ->needs(record);
  app.add_option("--dir", o.dir,
                 "keep the board in this directory; if it holds one already, time that board");
  app.add_option("--server-binary", server_binary(),
                 "run this senim-server (e.g. a copy that a rebuild will not replace)");
  app.add_flag("!--no-reverify", o.reverify, "time only the starts with the snapshot");
  CLI11_PARSE(app, argc, argv);
  if (!o.record.empty())
    o.ballots = std::numeric_limits<unsigned>::max();
  o.runs = std::max(1U, o.runs);
  senim::test::ServerProcess::use_binary(server_binary());
  return run(o);
}
