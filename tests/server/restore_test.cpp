// senim-server --restore-from RECORD (docs/operator-guide.md §2.4): a board
// whose log no longer reaches the head it released is rebuilt from an
// election record saved after that head, and then serves every receipted
// entry; a record that does not reach it is refused, and nothing changes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "protocol/receipt.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/data_dir_tools.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;
using senim::test::ServerProcess;
namespace fs = std::filesystem;
namespace v1 = senim::v1;

namespace {

// GET /v1/record, saved as `path`.
void save_record(senim::net::HttpClient& client, const std::string& path) {
  auto r = client.get("/v1/record");
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  senim::test::write_file(path, senim::as_bytes(r->body));
}

senim::test::CommandResult restore(const std::string& dir, const std::string& record) {
  return senim::test::run_server_command({"--data", dir, "--restore-from", record});
}

}  // namespace

TEST_CASE(
    "a board whose write-ahead log was cut is restored from a record and serves every "
    "receipt",
    "[server][restore]") {
  ElectionFixture f(8, 2, 2, false);
  const auto receipts = f.open_and_vote(8);
  const std::uint64_t released = senim::test::receipt_size(receipts.back());
  const std::string record = f.dir.path() + "/saved.senim";
  save_record(*f.client, record);  // e.g. an observer's copy
  f.server->kill9();
  senim::test::cut_file(f.data_dir() + "/board.sqlite-wal", 0);
  const std::string why = ServerProcess::refusal(f.data_dir());
  REQUIRE_THAT(why, Catch::Contains("but this board signed and released a checkpoint of size " +
                                    std::to_string(released)));

  const auto restored = restore(f.data_dir(), record);
  INFO(restored.output);
  REQUIRE(restored.status == 0);
  CHECK_THAT(restored.output, Catch::StartsWith("restored " + std::to_string(released) +
                                                " entries and their checkpoint from " + record));
  CHECK_THAT(restored.output, Catch::Contains("; the replaced database is " + f.data_dir() +
                                              "/board.sqlite.before-restore-"));

  f.server = std::make_unique<ServerProcess>(f.data_dir());
  auto client = senim::net::HttpClient::create(f.server->url());
  REQUIRE(client.ok());
  const auto latest = senim::test::fetch_checkpoint(*client);
  CHECK(latest.checkpoint.size == released);
  const auto& entries = f.builder->entries();
  for (const v1::Receipt& r : receipts) {
    const Bytes& ballot = entries.at(r.leaf_index());
    CHECK(senim::protocol::verify_receipt(r.tlog_proof(), *f.builder->state().config(), &ballot)
              .ok());
    senim::test::check_consistent(*client, senim::test::receipt_checkpoint(r), latest);
    v1::EntryList list;
    REQUIRE(senim::test::get_message(
                *client, "/v1/entries?start=" + std::to_string(r.leaf_index()) + "&count=1",
                list) == 200);
    REQUIRE(list.entries_size() == 1);
    CHECK(senim::same_bytes(list.entries(0), ballot));
    // And the voter who lost the answer gets the receipt again.
    const auto again = senim::test::post_entry(*client, ballot);
    REQUIRE(again.status == 200);
    CHECK(again.receipt.leaf_index() == r.leaf_index());
  }
}

TEST_CASE("a restore from a record older than the released head is refused and changes nothing",
          "[server][restore]") {
  ElectionFixture f(6, 2, 2, false);
  auto receipts = f.open_and_vote(3);
  const std::string early = f.dir.path() + "/early.senim";
  save_record(*f.client, early);
  const std::uint64_t early_size = senim::test::receipt_size(receipts.back());
  for (std::uint32_t v = 3; v < 6; ++v) {
    f.builder->cast(v, senim::protocol::BallotChoices{{{1U, 0U}}});
    REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
  }
  const std::uint64_t released = f.builder->entries().size();
  f.server->kill9();
  senim::test::cut_file(f.data_dir() + "/board.sqlite-wal", 0);
  const std::string before = ServerProcess::refusal(f.data_dir());
  const Bytes head_file = senim::test::read_file(f.data_dir() + "/board.head");

  const auto restored = restore(f.data_dir(), early);
  CHECK(restored.status == 1);
  CHECK_THAT(restored.output,
             Catch::Contains("senim-server: restore refused: " + early +
                             " cannot be restored: the log has " + std::to_string(early_size) +
                             " entries, but this board signed and released a checkpoint of size " +
                             std::to_string(released) +
                             " (recorded in board.head). Use a "
                             "record saved after that checkpoint"));
  CHECK(!fs::exists(f.data_dir() + "/board.sqlite.restoring"));
  CHECK(senim::test::read_file(f.data_dir() + "/board.head") == head_file);
  // The board refuses exactly as before (the database was not touched).
  const std::string after = ServerProcess::refusal(f.data_dir());
  CHECK(after.substr(after.find("refusing")) == before.substr(before.find("refusing")));
}

TEST_CASE("a deleted board.head is made again from a record, and a restore never drops entries",
          "[server][restore]") {
  ElectionFixture f(4, 2, 2, false);
  f.open_and_vote(2);
  const std::string early = f.dir.path() + "/early.senim";
  save_record(*f.client, early);
  for (std::uint32_t v = 2; v < 4; ++v) {
    f.builder->cast(v, senim::protocol::BallotChoices{{{0U, 1U}}});
    REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
  }
  const std::string latest = f.dir.path() + "/latest.senim";
  save_record(*f.client, latest);
  const std::uint64_t size = f.builder->entries().size();
  REQUIRE(f.server->stop() == 0);
  fs::remove(f.data_dir() + "/board.head");
  REQUIRE_THAT(ServerProcess::refusal(f.data_dir()), Catch::Contains("board.head is missing"));

  // The older record would lose the last two ballots: refused.
  const auto dropped = restore(f.data_dir(), early);
  CHECK(dropped.status == 1);
  CHECK_THAT(dropped.output,
             Catch::Contains(f.data_dir() + "/board.sqlite holds " + std::to_string(size) +
                             " entries and " + early + " only " + std::to_string(size - 2) +
                             ": a restore would drop entries"));
  CHECK(!fs::exists(f.data_dir() + "/board.head"));

  const auto restored = restore(f.data_dir(), latest);
  INFO(restored.output);
  REQUIRE(restored.status == 0);
  CHECK_THAT(restored.output, Catch::Contains("; " + f.data_dir() +
                                              "/board.head was missing or damaged and now "
                                              "records that head"));
  const ServerProcess server(f.data_dir());
  auto client = senim::net::HttpClient::create(server.url());
  REQUIRE(client.ok());
  CHECK(senim::test::fetch_checkpoint(*client).checkpoint.size == size);
}

TEST_CASE("a board of an older server (no board.head, schema version 1) is rebuilt by a restore",
          "[server][restore]") {
  ElectionFixture f(2);
  const auto receipts = f.open_and_vote(2);
  const std::string record = f.dir.path() + "/saved.senim";
  save_record(*f.client, record);
  REQUIRE(f.server->stop() == 0);
  // What an older server left: no board.head, schema version 1.
  fs::remove(f.data_dir() + "/board.head");
  senim::test::exec_sql(f.data_dir(), "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  REQUIRE_THAT(ServerProcess::refusal(f.data_dir()), Catch::Contains("board.head is missing"));
  const auto restored = restore(f.data_dir(), record);
  INFO(restored.output);
  REQUIRE(restored.status == 0);
  const ServerProcess server(f.data_dir());
  auto client = senim::net::HttpClient::create(server.url());
  REQUIRE(client.ok());
  CHECK(senim::test::fetch_checkpoint(*client).checkpoint.size ==
        senim::test::receipt_size(receipts.back()));
  for (const v1::Receipt& r : receipts) {
    const auto again = senim::test::post_entry(*client, f.builder->entries().at(r.leaf_index()));
    REQUIRE(again.status == 200);
    CHECK(again.receipt.leaf_index() == r.leaf_index());
  }
}

// A restore keeps the database it replaces as board.sqlite.before-restore-<unix
// time>. Two restores within one second once gave both the same name, and the
// second overwrote the first copy. Names taken by earlier copies (here made
// for every second around now, so the test does not depend on timing) are
// never reused, and what they hold is left as it was.
TEST_CASE("a restore never overwrites an earlier replaced database, even within one second",
          "[server][restore][regression]") {
  ElectionFixture f(4, 2, 2, false);
  f.open_and_vote(2);
  const std::string record = f.dir.path() + "/saved.senim";
  save_record(*f.client, record);
  REQUIRE(f.server->stop() == 0);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::vector<std::string> earlier;
  for (auto t = now - 1; t <= now + 30; ++t) {
    earlier.push_back(f.data_dir() + "/board.sqlite.before-restore-" + std::to_string(t));
    senim::test::write_file(earlier.back(),
                            senim::as_bytes(std::string("copy ") + std::to_string(t)));
  }
  std::vector<std::string> named;
  for (int run = 0; run < 2; ++run) {
    const auto restored = restore(f.data_dir(), record);
    INFO(restored.output);
    REQUIRE(restored.status == 0);
    const std::string marker = "; the replaced database is ";
    const auto at = restored.output.find(marker);
    REQUIRE(at != std::string::npos);
    std::string path = restored.output.substr(at + marker.size());
    path = path.substr(0, std::min(path.find(';'), path.find(". Start")));
    CHECK_THAT(path, Catch::Matches(".*/board\\.sqlite\\.before-restore-[0-9]+-[0-9]+"));
    CHECK(fs::exists(path));
    named.push_back(path);
  }
  CHECK(named[0] != named[1]);
  for (const std::string& p : earlier) {
    const std::string t = p.substr(p.rfind('-') + 1);
    const std::string want = "copy " + t;
    CHECK(senim::test::read_file(p) == Bytes(want.begin(), want.end()));
  }
}
