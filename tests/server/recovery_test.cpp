// Crash and restart: kill -9 in the middle of a stream of ballots, then
// start again on the same data directory. Every ballot that got a receipt
// is on the board, and every head the board ever signed (in storage and in
// the receipts) is consistent with the new head (DESIGN.md: "a ballot that
// got a receipt is never lost").
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "tests/server/board_fixture.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;
namespace v1 = senim::v1;

namespace {

struct Receipted {
  std::size_t ballot;
  v1::Receipt receipt;
};

// Every checkpoint note in the server's database, smallest first
// (read-only, beside the running server: WAL allows it).
std::vector<std::string> stored_checkpoints(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT note FROM checkpoints ORDER BY tree_size", -1, &q,
                             nullptr) == SQLITE_OK);
  std::vector<std::string> notes;
  while (sqlite3_step(q) == SQLITE_ROW) {
    notes.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)),
                       static_cast<std::size_t>(sqlite3_column_bytes(q, 0)));
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return notes;
}

}  // namespace

TEST_CASE(
    "after kill -9 mid-stream every receipted ballot is kept and every checkpoint is consistent",
    "[server][recovery]") {
  constexpr std::uint32_t kVoters = 240;
  ElectionFixture f(kVoters, 2, 2, false);
  auto& b = *f.builder;
  b.prepare();
  const std::size_t first_ballot = b.entries().size();
  f.post_range(0, first_ballot);
  b.cast_many(senim::sim::referendum_votes(kVoters), 2);
  const std::vector<Bytes> ballots(b.entries().begin() + static_cast<std::ptrdiff_t>(first_ballot),
                                   b.entries().end());

  // Four clients post; the server is killed once a third have receipts.
  std::mutex mutex;
  std::vector<Receipted> receipted;
  std::atomic<std::size_t> count{0};
  std::vector<std::thread> clients;
  const std::string url = f.server->url();
  for (std::size_t t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto client = senim::net::HttpClient::create(url);
      for (std::size_t i = t; i < ballots.size(); i += 4) {
        const Bytes& e = ballots[i];
        auto r = client->post("/v1/ballots",
                              std::string_view(reinterpret_cast<const char*>(e.data()), e.size()));
        if (!r)
          return;  // the server is gone
        v1::Receipt receipt;
        if (r->status != 200 || !receipt.ParseFromString(r->body))
          continue;
        const std::lock_guard lock(mutex);
        receipted.push_back({i, std::move(receipt)});
        ++count;
      }
    });
  }
  while (count < ballots.size() / 3)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  f.server->kill9();
  for (auto& t : clients)
    t.join();
  INFO(receipted.size() << " of " << ballots.size() << " ballots had receipts at the kill");
  REQUIRE(receipted.size() < ballots.size());

  f.server = std::make_unique<senim::test::ServerProcess>(f.dir.path() + "/board");
  auto client = senim::net::HttpClient::create(f.server->url());
  REQUIRE(client.ok());
  REQUIRE(senim::test::fetch_board_key(*client) == f.board_key);
  const auto latest = senim::test::fetch_checkpoint(*client);
  REQUIRE(senim::protocol::verify_board_checkpoint(latest.note, f.vkey).ok());

  // Every receipted ballot is where its receipt says, and its head is a
  // prefix of the new one.
  for (const Receipted& r : receipted) {
    senim::test::check_receipt(r.receipt, ballots[r.ballot], f.vkey);
    v1::EntryList list;
    REQUIRE(senim::test::get_message(
                *client, "/v1/entries?start=" + std::to_string(r.receipt.leaf_index()) + "&count=1",
                list) == 200);
    REQUIRE(list.entries_size() == 1);
    CHECK(senim::same_bytes(list.entries(0), ballots[r.ballot]));
    senim::test::check_consistent(*client, senim::test::receipt_checkpoint(r.receipt), latest);
  }
  // So is every checkpoint the board ever stored.
  const auto notes = stored_checkpoints(f.dir.path() + "/board/board.sqlite");
  REQUIRE(!notes.empty());
  CHECK(notes.back() == latest.note);
  for (const std::string& note : notes) {
    REQUIRE(senim::protocol::verify_board_checkpoint(note, f.vkey).ok());
    senim::test::check_consistent(*client, senim::test::parse_checkpoint_note(note), latest);
  }

  // Every ballot can be posted again: one that was never stored gets a new
  // receipt, one that is on the board (receipted, or stored just before the
  // kill but never answered) gets its receipt again, at the same leaf.
  std::map<std::size_t, std::uint64_t> receipted_at;
  for (const Receipted& r : receipted)
    receipted_at[r.ballot] = r.receipt.leaf_index();
  for (std::size_t i = 0; i < ballots.size(); ++i) {
    const auto posted = senim::test::post_entry(*client, ballots[i]);
    INFO("ballot " << i << ": " << posted.status << " " << posted.error.message());
    REQUIRE(posted.status == 200);
    senim::test::check_receipt(posted.receipt, ballots[i], f.vkey);
    if (receipted_at.count(i) != 0)
      CHECK(posted.receipt.leaf_index() == receipted_at[i]);
  }
  v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*client, "/v1/election", info) == 200);
  CHECK(info.ballots_cast() == kVoters);
  CHECK(info.tree_size() == first_ballot + kVoters);
}

TEST_CASE("a server refuses to start on a database whose log was altered", "[server][recovery]") {
  ElectionFixture f(2);
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  f.server->kill9();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((f.dir.path() + "/board/board.sqlite").c_str(), &db) == SQLITE_OK);
    // Swap one byte of leaf 1's bytes: its stored hash no longer matches.
    REQUIRE(sqlite3_exec(db,
                         "UPDATE leaves SET bytes = CAST(substr(bytes, 1, 10) || 'X' || "
                         "substr(bytes, 12) AS BLOB) WHERE idx = 1",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string why = senim::test::ServerProcess::refusal(f.dir.path() + "/board");
  CHECK(why.find("refusing to start") != std::string::npos);
  CHECK(why.find("leaf 1") != std::string::npos);
}

TEST_CASE("a second server on the same data directory refuses to start", "[server][recovery]") {
  senim::test::TempDir dir;
  const senim::test::ServerProcess first(dir.path() + "/board");
  const std::string why = senim::test::ServerProcess::refusal(dir.path() + "/board");
  CHECK(why.find("in use by another senim-server") != std::string::npos);
}
