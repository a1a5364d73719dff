// When the disk is slow or fails (docs/api.md, "Durability and group
// commit"): a full intake queue answers 503 at once and changes nothing, and
// the entries queued meanwhile are receipted once the disk is back; a failed
// commit answers its whole batch 503 io_error and the server exits with
// status 1, and a restart holds every receipted entry and nothing else.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "protocol/board_checkpoint.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/metrics_scrape.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;
using senim::test::Posted;
using namespace std::chrono_literals;

namespace {

// Holds SQLite's write lock on the board's database, as a disk that does not
// answer would: the committer's next transaction waits (busy_timeout).
class WriteLock {
 public:
  explicit WriteLock(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~WriteLock() { release(); }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;
  void release() {
    if (db_ == nullptr)
      return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

TEST_CASE("a full intake queue answers 503 at once, and what was queued is receipted later",
          "[server][overload]") {
  ElectionFixture f(4, 2, 2, false, {}, {"--max-queued-entries", "2"});
  auto& b = *f.builder;
  b.prepare();
  const std::size_t first = b.entries().size();
  f.post_range(0, first);
  b.cast_many(senim::sim::referendum_votes(4), 2);
  auto ballot = [&](std::size_t i) -> const Bytes& { return b.entries().at(first + i); };

  WriteLock lock(f.dir.path() + "/board/board.sqlite");
  std::vector<Posted> answers(3);
  std::vector<std::thread> voters;
  auto cast = [&](std::size_t i) {
    voters.emplace_back([&, i] {
      auto c = senim::net::HttpClient::create(f.server->url());
      answers[i] = senim::test::post_entry(*c, ballot(i));
    });
  };
  // Ballot 0 is taken into a group commit, which waits for the disk…
  cast(0);
  CHECK(senim::test::wait_for_metric(*f.client, "senim_group_commit_in_progress_entries", 1, 10s) ==
        1);
  // …ballots 1 and 2 fill the queue behind it…
  cast(1);
  cast(2);
  CHECK(senim::test::wait_for_metric(*f.client, "senim_queue_depth{queue=\"commit\"}", 2, 10s) ==
        2);
  // …and ballot 3 is refused at once, without waiting.
  const auto t0 = std::chrono::steady_clock::now();
  const Posted refused = senim::test::post_entry(*f.client, ballot(3));
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(refused.status == 503);
  CHECK(refused.error.code() == "overloaded");
  CHECK(refused.error.message() ==
        "the intake queue is full (2 entries waiting) or the server is stopping; retry shortly");
  CHECK(senim::test::metric_value(senim::test::scrape_metrics(*f.client),
                                  "senim_overloaded_requests_total{reason=\"intake_queue\"}") == 1);

  // The disk answers again: the three waiting ballots get their receipts.
  lock.release();
  for (auto& t : voters)
    t.join();
  for (std::size_t i = 0; i < answers.size(); ++i) {
    INFO("ballot " << i << ": " << answers[i].error.message());
    REQUIRE(answers[i].status == 200);
    senim::test::check_receipt(answers[i].receipt, ballot(i), f.vkey);
  }
  CHECK(senim::test::snapshot(*f.client).size == first + 3);
  // The refused ballot was not stored; sent again, it is.
  const Posted again = senim::test::post_entry(*f.client, ballot(3));
  CHECK(again.status == 200);
  CHECK(again.receipt.leaf_index() == first + 3);
}

TEST_CASE(
    "a failed commit answers 503 io_error and the server exits 1, and a restart loses nothing "
    "receipted",
    "[server][overload]") {
  senim::test::TempDir dir;
  const std::string data = dir.path() + "/board";
  std::size_t setup = 0;
  std::size_t receipted = 0;
  {
    // Every file of the server at most 512 KiB: the database's log fills up
    // after a few dozen commits, as a full disk would.
    senim::test::ServerProcess server(data, {}, std::uint64_t{512} * 1024);
    auto client = senim::net::HttpClient::create(server.url());
    REQUIRE(client.ok());
    senim::sim::ElectionPlan plan;
    plan.manifest = senim::sim::referendum_manifest("disk-2026");
    plan.voters = 200;
    plan.trustees = 2;
    plan.threshold = 2;
    plan.validate = false;
    plan.board_public_key = senim::test::fetch_board_key(*client);
    const senim::protocol::PublicKey board_key = *plan.board_public_key;
    senim::sim::ElectionBuilder b(std::move(plan));
    b.prepare();
    auto vkey = senim::protocol::board_verifier_key(b.log_origin(), board_key);
    REQUIRE(vkey.ok());
    setup = b.entries().size();
    for (const Bytes& e : b.entries())
      REQUIRE(senim::test::post_entry(*client, e).status == 200);
    b.cast_many(senim::sim::referendum_votes(200), 2);
    Posted last;
    for (std::size_t i = setup; i < b.entries().size(); ++i) {
      last = senim::test::post_entry(*client, b.entries()[i]);
      if (last.status != 200)
        break;
      senim::test::check_receipt(last.receipt, b.entries()[i], *vkey);
      ++receipted;
    }
    INFO(last.error.code() << ": " << last.error.message());
    REQUIRE(last.status == 503);
    CHECK(last.error.code() == "io_error");
    CHECK(receipted > 0);
    const auto status = server.wait_for_exit(10s);
    REQUIRE(status.has_value());
    CHECK(*status == 1);
    CHECK(server.log().find("senim-server: storage failed, stopping: ") != std::string::npos);
  }
  // Restarted with room on the disk: every receipted entry is there, the
  // failed one is not.
  senim::test::ServerProcess again(data);
  auto client = senim::net::HttpClient::create(again.url());
  REQUIRE(client.ok());
  CHECK(senim::test::snapshot(*client).size == setup + receipted);
}
