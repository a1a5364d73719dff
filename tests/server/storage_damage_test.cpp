// A damaged or replaced database must never make the board sign heads that
// contradict the receipts it gave (docs/api.md, "Start-up and recovery").
// Each case damages a real data directory the way a disk, a crash or an
// operator would, and asserts the server's specific refusal.
#include <sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "protocol/ballot.hpp"
#include "protocol/entry.hpp"
#include "tests/run_command.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/data_dir_tools.hpp"
#include "tests/server/metrics_scrape.hpp"

using senim::Bytes;
using senim::ByteView;
using senim::test::ElectionFixture;
using senim::test::ServerProcess;
namespace fs = std::filesystem;
namespace v1 = senim::v1;

namespace {

constexpr const char* kBehind = "the log has ";
constexpr const char* kReleased =
    " entries, but this board signed and released a checkpoint of size ";

// What the refusal says when the log is behind the released head.
std::string behind(std::uint64_t entries, std::uint64_t released) {
  return kBehind + std::to_string(entries) + kReleased + std::to_string(released);
}

void remove_database(const std::string& dir) {
  for (const char* f : {"/board.sqlite", "/board.sqlite-wal", "/board.sqlite-shm"})
    fs::remove(dir + f);
}

}  // namespace

TEST_CASE("an emptied database (truncate -s0) is refused", "[server][damage]") {
  ElectionFixture f(3);
  const auto receipts = f.open_and_vote(3);
  const std::uint64_t released = senim::test::receipt_size(receipts.back());
  REQUIRE(f.server->stop() == 0);
  REQUIRE(!fs::exists(f.data_dir() + "/board.sqlite-wal"));  // folded in at the clean stop
  fs::resize_file(f.data_dir() + "/board.sqlite", 0);
  const std::string why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(
      why, Catch::Contains("refusing to start: the stored board does not check out: " +
                           behind(0, released) + " (recorded in " + f.data_dir() + "/board.head)"));
  CHECK_THAT(why,
             Catch::Contains("senim-server --data " + f.data_dir() + " --restore-from RECORD"));
}

TEST_CASE("a deleted database is refused and not made again", "[server][damage]") {
  ElectionFixture f(2);
  const auto receipts = f.open_and_vote(2);
  const std::uint64_t released = senim::test::receipt_size(receipts.back());
  REQUIRE(f.server->stop() == 0);
  remove_database(f.data_dir());
  const std::string why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(why, Catch::Contains("refusing to start: " + f.data_dir() +
                                  "/board.sqlite is missing, but this board signed and released "
                                  "a checkpoint of size " +
                                  std::to_string(released)));
  CHECK(!fs::exists(f.data_dir() + "/board.sqlite"));
}

TEST_CASE("a write-ahead log cut to 60 %, 20 % or 0 % after kill -9 is refused",
          "[server][damage]") {
  ElectionFixture f(12, 2, 2, false);
  const auto receipts = f.open_and_vote(12);
  const std::uint64_t released = senim::test::receipt_size(receipts.back());
  f.server->kill9();
  const std::string wal = f.data_dir() + "/board.sqlite-wal";
  REQUIRE(fs::exists(wal));
  for (const unsigned percent : {60U, 20U, 0U}) {
    const std::string copy = f.dir.path() + "/cut-" + std::to_string(percent);
    senim::test::copy_directory(f.data_dir(), copy);
    senim::test::cut_file(copy + "/board.sqlite-wal", percent);
    const std::string why = ServerProcess::refusal(copy);
    INFO(percent << " %: " << why);
    const std::uint64_t kept = senim::test::number_after(why, kBehind);
    CHECK(kept < released);
    CHECK_THAT(why, Catch::Contains(behind(kept, released)));
  }
  // The uncut copy is whole: every receipt is still served.
  const ServerProcess whole(f.data_dir());
  auto client = senim::net::HttpClient::create(whole.url());
  REQUIRE(client.ok());
  CHECK(senim::test::fetch_checkpoint(*client).checkpoint.size == released);
}

TEST_CASE("a database put back from an old backup is refused", "[server][damage]") {
  ElectionFixture f(6, 2, 2, false);
  auto& b = *f.builder;
  b.prepare();
  f.post_range(0, b.entries().size());
  const std::uint64_t at_backup = b.entries().size();
  REQUIRE(f.server->stop() == 0);
  const std::string backup = f.dir.path() + "/backup.sqlite";
  fs::copy_file(f.data_dir() + "/board.sqlite", backup);
  f.server = std::make_unique<ServerProcess>(f.data_dir());
  auto client = senim::net::HttpClient::create(f.server->url());
  REQUIRE(client.ok());
  for (std::uint32_t v = 0; v < 6; ++v) {
    b.cast(v, senim::protocol::BallotChoices{{{1U, 0U}}});
    REQUIRE(senim::test::post_entry(*client, b.entries().back()).status == 200);
  }
  REQUIRE(f.server->stop() == 0);
  remove_database(f.data_dir());
  fs::copy_file(backup, f.data_dir() + "/board.sqlite");
  const std::string why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(why, Catch::Contains(behind(at_backup, b.entries().size())));
  CHECK_THAT(why,
             Catch::Contains("Put back a copy of board.sqlite taken after the checkpoint of size " +
                             std::to_string(b.entries().size())));
}

namespace {

// Voter 1 challenges a ballot whose twin (the same ballot, cast) is on the
// board first, so the challenge must be refused: a cast ballot can never be
// challenged (§9.5). Returns the twin's tracking code and its ciphertexts'
// α's; the server is stopped.
struct CastTwin {
  senim::Hash32 code{};
  std::vector<senim::Hash32> alphas;
};
CastTwin cast_twin_then_refused_challenge(ElectionFixture& f) {
  auto& b = *f.builder;
  b.prepare();
  CastTwin twin;
  twin.code = b.challenge(1, senim::protocol::BallotChoices{{{1U, 0U}}});
  const Bytes challenge = b.entries().back();
  b.erase_entry(b.entries().size() - 1);
  const auto shown = senim::protocol::parse_entry(challenge)->statement.challenge();
  const Bytes cast =
      senim::protocol::make_entry_from_statement_bytes(b.voter_key(1), shown.ballot_statement());
  twin.alphas =
      senim::protocol::ciphertext_alphas(senim::protocol::parse_entry(cast)->statement.ballot());
  f.post_range(0, b.entries().size());
  REQUIRE(senim::test::post_entry(*f.client, cast).status == 200);
  const auto refused = senim::test::post_entry(*f.client, challenge);
  REQUIRE(refused.status == 409);
  REQUIRE(refused.error.code() == "ciphertext_reused");
  REQUIRE_THAT(refused.error.message(), Catch::EndsWith("a cast ballot can never be challenged"));
  REQUIRE(f.server->stop() == 0);
  return twin;
}

// Flips one bit of `needle` where it first appears in the root page of the
// b-tree `name` (a small board's index or table fits its root page).
void flip_in_root_page(const std::string& path, const std::string& name, ByteView needle) {
  std::int64_t root_page = 0;
  std::int64_t page_size = 0;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "SELECT rootpage, (SELECT page_size FROM pragma_page_size()) FROM "
                               "sqlite_master WHERE name = ?",
                               -1, &q, nullptr) == SQLITE_OK);
    sqlite3_bind_text(q, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    root_page = sqlite3_column_int64(q, 0);
    page_size = sqlite3_column_int64(q, 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  const Bytes file = senim::test::read_file(path);
  const auto page = file.begin() + (root_page - 1) * page_size;
  const auto cell = std::search(page, page + page_size, needle.begin(), needle.end());
  REQUIRE(cell != page + page_size);
  senim::test::flip_byte(path, static_cast<std::uint64_t>(cell - file.begin()) + needle.size() - 1);
}

// PRAGMA quick_check's verdict on the file at `path`.
std::string quick_check(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &q, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  const std::string verdict(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
  sqlite3_finalize(q);
  sqlite3_close(db);
  return verdict;
}

}  // namespace

// The look-up checks below are a full start's (docs/api.md, "Start-up and
// recovery", step 4): a start from the restart snapshot, which a clean stop
// writes, leaves them to --reverify ("The restart snapshot").
TEST_CASE("a flipped bit in the tracking-code index is refused, naming the index",
          "[server][damage]") {
  ElectionFixture f(3);
  const CastTwin twin = cast_twin_then_refused_challenge(f);
  const std::string path = f.data_dir() + "/board.sqlite";
  flip_in_root_page(path, "leaves_by_tracking_code", twin.code);

  // What the flip does: SQLite's own check passes, and the look-up of
  // GET /v1/ballots no longer finds the cast ballot, so a board that trusted
  // the index would tell its voter that their ballot is not on the board.
  CHECK(quick_check(path) == "ok");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT idx FROM leaves WHERE tracking_code = ?", -1, &q,
                               nullptr) == SQLITE_OK);
    sqlite3_bind_blob(q, 1, twin.code.data(), static_cast<int>(twin.code.size()), SQLITE_STATIC);
    CHECK(sqlite3_step(q) == SQLITE_DONE);  // not found
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  const std::string why = ServerProcess::refusal(f.data_dir(), {"--reverify"});
  CHECK_THAT(why,
             Catch::Contains("refusing to start: the stored board does not check out: " + path +
                             ": index leaves_by_tracking_code does not match the "
                             "leaves it indexes"));
  CHECK_THAT(why, Catch::Contains("REINDEX"));
}

TEST_CASE("a flipped bit in the cast-ciphertext table is refused, naming the table",
          "[server][damage]") {
  ElectionFixture f(3);
  const CastTwin twin = cast_twin_then_refused_challenge(f);
  const std::string path = f.data_dir() + "/board.sqlite";
  // ballot_alphas keys on α's first 8 bytes as a little-endian integer,
  // which SQLite stores big-endian: the bytes reversed.
  Bytes key(twin.alphas.front().begin(), twin.alphas.front().begin() + 8);
  std::reverse(key.begin(), key.end());
  flip_in_root_page(path, "ballot_alphas", key);

  // What the flip does: the challenge rule's look-up (§9.5) no longer finds
  // the cast twin's first ciphertext, so a board that trusted the table would
  // accept a challenge that opens a cast ballot. SQLite's own check passes.
  CHECK(quick_check(path) == "ok");
  const std::string why = ServerProcess::refusal(f.data_dir(), {"--reverify"});
  CHECK_THAT(why,
             Catch::Contains("refusing to start: the stored board does not check out: " + path +
                             ": index ballot_alphas does not match the leaves it indexes"));
  CHECK_THAT(why, Catch::Contains("--restore-from RECORD"));
}

TEST_CASE("a stored look-up column that its leaf's bytes do not give is refused",
          "[server][damage]") {
  ElectionFixture f(2);
  const auto receipts = f.open_and_vote(2);
  const std::uint64_t ballot = receipts.front().leaf_index();
  REQUIRE(f.server->stop() == 0);
  const std::string dir = f.data_dir();
  const std::string backup = f.dir.path() + "/whole";
  senim::test::copy_directory(dir, backup);
  // Each column changed consistently with its index, so only the replay's
  // recomputation can tell.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"UPDATE leaves SET tracking_code = zeroblob(32) WHERE idx = " + std::to_string(ballot),
       "the stored tracking code"},
      {"UPDATE leaves SET kind = 'challenge' WHERE idx = " + std::to_string(ballot),
       "the stored kind \"challenge\" (its entry is a ballot)"},
      {"UPDATE leaves SET signer = zeroblob(32) WHERE idx = " + std::to_string(ballot),
       "the stored signer"},
  };
  for (const auto& [sql, column] : cases) {
    fs::remove_all(dir);
    senim::test::copy_directory(backup, dir);
    senim::test::exec_sql(dir, sql);
    const std::string why = ServerProcess::refusal(dir, {"--reverify"});
    CHECK_THAT(why, Catch::Contains("leaf " + std::to_string(ballot) + ": " + column +
                                    " is not the one its stored bytes give"));
  }
}

TEST_CASE("a deleted board.head is refused", "[server][damage]") {
  ElectionFixture f(2);
  f.open_and_vote(1);
  REQUIRE(f.server->stop() == 0);
  fs::remove(f.data_dir() + "/board.head");
  // With the database emptied too: an empty board must not start under the
  // same key as if it had never signed anything.
  for (const bool emptied : {false, true}) {
    if (emptied)
      remove_database(f.data_dir());
    const std::string why = ServerProcess::refusal(f.data_dir());
    CHECK_THAT(
        why, Catch::Contains("refusing to start: " + f.data_dir() + "/board.head is missing, but " +
                             f.data_dir() + "/board.key exists"));
    CHECK(!fs::exists(f.data_dir() + "/board.head"));
  }
}

TEST_CASE("a damaged board.head falls back to its other slot, and is refused when both are bad",
          "[server][damage]") {
  ElectionFixture f(3);
  const auto receipts = f.open_and_vote(3);
  const std::uint64_t released = senim::test::receipt_size(receipts.back());
  REQUIRE(f.server->stop() == 0);
  const std::string head = f.data_dir() + "/board.head";
  REQUIRE(senim::test::file_size(head) == 8192);
  // One slot holds the last record, the other the one before (slot = the
  // record's sequence number mod 2, a u64_be at byte 12 of the slot): a
  // torn write of the newer leaves the older, which is still a true lower
  // bound. Damage the newer.
  const Bytes file = senim::test::read_file(head);
  auto sequence = [&](std::size_t slot) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i)
      v = (v << 8) | file[slot * 4096 + 12 + i];
    return v;
  };
  const std::size_t latest_slot = sequence(1) > sequence(0) ? 1 : 0;
  senim::test::flip_byte(head, latest_slot * 4096 + 100);
  {
    // It starts from the older record; the log is whole, so it serves it all.
    const ServerProcess server(f.data_dir());
    auto client = senim::net::HttpClient::create(server.url());
    REQUIRE(client.ok());
    CHECK(senim::test::fetch_checkpoint(*client).checkpoint.size == released);
  }
  // (The start above re-recorded the head it serves in the damaged slot.)
  senim::test::flip_byte(head, 100);
  senim::test::flip_byte(head, 4096 + 100);
  const std::string why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(why, Catch::Contains("refusing to start: " + head +
                                  " is damaged: neither of its two slots holds a valid record "
                                  "(slot 0: its SHA-256 checksum does not match (damaged, or "
                                  "torn by a crash); slot 1: its SHA-256 checksum does not match"));
}

TEST_CASE("a database that fails SQLite's quick_check is refused", "[server][damage]") {
  ElectionFixture f(2);
  f.open_and_vote(2);
  REQUIRE(f.server->stop() == 0);
  const std::string path = f.data_dir() + "/board.sqlite";
  // The first page of each kind: SQLite's dbstat table lists every page.
  auto page_of = [&](const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    const std::int64_t page = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return page;
  };
  const std::int64_t leaf = page_of(
      "SELECT pageno FROM dbstat WHERE name = 'leaves' AND pagetype = 'leaf' ORDER BY pageno");
  const std::int64_t root = page_of("SELECT rootpage FROM sqlite_master WHERE name = 'leaves'");
  const std::string whole = f.dir.path() + "/whole.sqlite";
  fs::copy_file(path, whole);
  // A page of leaves whose free space does not add up (a bit of its first
  // free block's offset): quick_check names it.
  // (A start from the restart snapshot, which the clean stop wrote, leaves
  // quick_check to --reverify: below.)
  senim::test::flip_byte(path, static_cast<std::uint64_t>(leaf - 1) * 4096 + 1, 0x40);
  std::string why = ServerProcess::refusal(f.data_dir(), {"--reverify"});
  CHECK_THAT(why, Catch::Contains("refusing to start: " + path +
                                  " is damaged: SQLite's PRAGMA quick_check reports: "));
  CHECK_THAT(why, Catch::Contains("Page " + std::to_string(leaf) + ": free space corruption"));
  // A table whose root page SQLite cannot read at all (its type byte):
  // quick_check fails outright.
  fs::copy_file(whole, path, fs::copy_options::overwrite_existing);
  senim::test::flip_byte(path, static_cast<std::uint64_t>(root - 1) * 4096, 0x40);
  why = ServerProcess::refusal(f.data_dir(), {"--reverify"});
  CHECK_THAT(why, Catch::Contains("refusing to start: " + path +
                                  " is damaged: SQLite's PRAGMA quick_check fails: "));
  CHECK_THAT(why, Catch::Contains("--restore-from"));
}

// docs/api.md, "The restart snapshot", step 7: quick_check reads the whole
// file (seconds at a million ballots), so a start from the snapshot leaves
// it to a full start; the snapshot set aside, the full start runs it.
TEST_CASE("a start from the snapshot leaves SQLite's quick_check to a full start",
          "[server][damage][snapshot]") {
  ElectionFixture f(2);
  f.open_and_vote(2);
  REQUIRE(f.server->stop() == 0);
  const std::string path = f.data_dir() + "/board.sqlite";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  // The last page of leaves: the latest ballots, which such a start never reads.
  REQUIRE(sqlite3_prepare_v2(db,
                             "SELECT pageno FROM dbstat WHERE name = 'leaves' AND pagetype = "
                             "'leaf' ORDER BY pageno DESC",
                             -1, &q, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  const std::int64_t leaf = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  senim::test::flip_byte(path, static_cast<std::uint64_t>(leaf - 1) * 4096 + 1, 0x40);
  REQUIRE_THAT(quick_check(path), Catch::Contains("free space corruption"));
  {
    ServerProcess server(f.data_dir());
    auto client = senim::net::HttpClient::create(server.url());
    REQUIRE(client.ok());
    const std::string metrics = senim::test::scrape_metrics(*client);
    CHECK(senim::test::metric_value(metrics, "senim_start_snapshot_leaves") ==
          static_cast<double>(f.builder->entries().size()));
    server.kill9();
  }
  CHECK_THAT(ServerProcess::refusal(f.data_dir(), {"--reverify"}),
             Catch::Contains("refusing to start: " + path +
                             " is damaged: SQLite's PRAGMA quick_check reports: "));
  // The snapshot damaged too: the full start it falls back to runs it.
  senim::test::flip_byte(f.data_dir() + "/board.snapshot", 20);
  CHECK_THAT(ServerProcess::refusal(f.data_dir()),
             Catch::Contains("the stored board does not check out: " + path +
                             " is damaged: SQLite's PRAGMA quick_check reports: "));
}

TEST_CASE("a database of another schema (not 3 or 4) is refused, not converted",
          "[server][damage]") {
  ElectionFixture f(2);
  f.open_and_vote(1);
  REQUIRE(f.server->stop() == 0);
  senim::test::exec_sql(f.data_dir(), "UPDATE meta SET value = '5' WHERE key = 'schema_version'");
  std::string why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(why, Catch::Contains("refusing to start: " + f.data_dir() +
                                  "/board.sqlite has schema version \"5\"; this server reads "
                                  "version 4 (and upgrades version 3) and converts no other in "
                                  "place"));
  CHECK_THAT(why, !Catch::Contains("predate C2SP checkpoints"));
  // A board from before checkpoints (signed tree heads, schema 2) is told so.
  senim::test::exec_sql(f.data_dir(), "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(why, Catch::Contains("has schema version \"2\"; this server reads version 4") &&
                      Catch::Contains("Its signed heads predate C2SP checkpoints: only a record "
                                      "written by a server of this version can rebuild it"));
}

TEST_CASE("a new board starts only where nothing was released", "[server][damage]") {
  senim::test::TempDir dir;
  const std::string data = dir.path() + "/board";
  {
    ServerProcess first(data);
    REQUIRE(first.stop() == 0);
  }
  REQUIRE(senim::test::file_size(data + "/board.head") == 8192);
  // A creation interrupted after board.head (the empty tree) is finished:
  // nothing was ever released, so a new key contradicts nothing.
  fs::remove(data + "/board.key");
  remove_database(data);
  {
    const ServerProcess again(data);
    REQUIRE(fs::exists(data + "/board.key"));
  }
  // Once a head was released, losing the key (and the database) is refused.
  ElectionFixture f(2);
  const auto receipts = f.open_and_vote(1);
  REQUIRE(f.server->stop() == 0);
  fs::remove(f.data_dir() + "/board.key");
  remove_database(f.data_dir());
  const std::string why = ServerProcess::refusal(f.data_dir());
  CHECK_THAT(why,
             Catch::Contains("refusing to start: " + f.data_dir() + "/board.key is missing, but " +
                             f.data_dir() + "/board.head records a checkpoint of size " +
                             std::to_string(senim::test::receipt_size(receipts.back())) +
                             " that it signed"));
  CHECK(!fs::exists(f.data_dir() + "/board.key"));
}

TEST_CASE("a server that cannot listen leaves no board and no directory behind",
          "[server][damage]") {
  senim::test::TempDir dir;
  // The port is taken by a first server; a second, on a new data
  // directory, is refused before it makes a key, a head record or a database.
  ServerProcess first(dir.path() + "/first");
  const std::string port = first.url().substr(first.url().rfind(':') + 1);
  const std::string data = dir.path() + "/second";
  const senim::test::CommandRun run =
      senim::test::run_command(std::string(SENIM_SERVER_BINARY) + " --data '" + data +
                               "' --listen 127.0.0.1:" + port + " 2>&1");
  CHECK(run.status == 1);
  CHECK_THAT(run.out, Catch::Contains("senim-server: cannot bind 127.0.0.1:" + port));
  CHECK_FALSE(fs::exists(data));
}
