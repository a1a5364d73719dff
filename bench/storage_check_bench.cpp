// bench_storage_check: what the start-up integrity checks of the board's
// SQLite storage cost (docs/api.md, "Start-up and recovery"), beside the
// alternative they were chosen over.
//
//   bench_storage_check [--leaves N] [--bytes B] [--runs R]
//
// Fills a database (the server's own schema, SqliteStorage::append_leaves)
// with N synthetic leaves of B bytes each, then times, as medians of R runs:
//   open          SqliteStorage::open: PRAGMA quick_check and the schema;
//   scan+digest   reading every leaf with its columns and adding its pairs
//                 to the look-up digests (what the start-up replay adds on
//                 top of checking each entry's signature and proofs);
//   check_lookups the index-only scans of both indexes, compared;
//   integrity     PRAGMA integrity_check, which would also compare the
//                 indexes with the table, for comparison.
// Timings are with a warm page cache: the database was just written.
#include <sodium.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "server/sqlite_storage.hpp"
#include "tests/server/server_process.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using senim::server::LeafRecord;
using senim::server::LookupDigests;
using senim::server::SqliteStorage;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

template <class F>
double median_seconds(unsigned runs, F&& f) {
  std::vector<double> t;
  for (unsigned i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    t.push_back(seconds_since(start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

senim::Hash32 random_hash() {
  senim::Hash32 h{};
  randombytes_buf(h.data(), h.size());
  return h;
}

void fill(SqliteStorage& storage, std::uint64_t leaves, std::size_t bytes) {
  constexpr std::uint64_t kBatch = 1000;
  for (std::uint64_t begin = 0; begin < leaves; begin += kBatch) {
    std::vector<LeafRecord> batch;
    for (std::uint64_t i = begin; i < std::min(leaves, begin + kBatch); ++i) {
      LeafRecord leaf;
      leaf.index = i;
      leaf.bytes.resize(bytes);
      randombytes_buf(leaf.bytes.data(), bytes);
      leaf.leaf_hash = random_hash();
      leaf.kind = "ballot";
      leaf.tracking_code = random_hash();
      leaf.signer = random_hash();
      batch.push_back(std::move(leaf));
    }
    if (auto s = storage.append_leaves(batch); !s) {
      std::fprintf(stderr, "append: %s\n", s.error().message.c_str());
      std::exit(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_storage_check: the cost of the board's start-up storage checks"};
  std::uint64_t leaves = 100'000;
  std::size_t bytes = 2'500;
  unsigned runs = 3;
  app.add_option("--leaves", leaves, "leaves in the database")->capture_default_str();
  app.add_option("--bytes", bytes, "bytes per leaf (a referendum ballot is about 1-3.5 KB)")
      ->capture_default_str();
  app.add_option("--runs", runs, "runs per measurement (the median is reported)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 1;

  const senim::test::TempDir dir;
  const std::string path = dir.path() + "/board.sqlite";
  LookupDigests digests;
  {
    auto storage = SqliteStorage::open(path);
    if (!storage)
      return 1;
    const auto start = Clock::now();
    fill(**storage, leaves, bytes);
    std::printf("filled        %llu leaves of %zu bytes in %.1f s\n",
                static_cast<unsigned long long>(leaves), bytes, seconds_since(start));
  }
  const double open = median_seconds(runs, [&] {
    auto storage = SqliteStorage::open(path);
    if (!storage) {
      std::fprintf(stderr, "open: %s\n", storage.error().message.c_str());
      std::exit(1);
    }
  });
  auto storage = SqliteStorage::open(path);
  const double scan = median_seconds(runs, [&] {
    digests = LookupDigests{};
    auto s = (*storage)->scan_leaves(0, leaves, [&](const LeafRecord& leaf) {
      digests.by_leaf_hash.add(leaf.leaf_hash, leaf.index);
      digests.by_tracking_code.add(*leaf.tracking_code, leaf.index);
      return senim::Status::success();
    });
    if (!s)
      std::exit(1);
  });
  const double lookups = median_seconds(runs, [&] {
    if (auto s = (*storage)->check_lookups(digests); !s) {
      std::fprintf(stderr, "check_lookups: %s\n", s.error().message.c_str());
      std::exit(1);
    }
  });
  const double integrity = median_seconds(runs, [&] {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_exec(db, "PRAGMA integrity_check", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  });
  std::printf("open          %.3f s  (PRAGMA quick_check and the schema)\n", open);
  std::printf("scan+digest   %.3f s  (every leaf with its columns, pairs into the digests)\n",
              scan);
  std::printf("check_lookups %.3f s  (index-only scans of both indexes, compared)\n", lookups);
  std::printf("integrity     %.3f s  (PRAGMA integrity_check, not used: for comparison)\n",
              integrity);
  return 0;
}
