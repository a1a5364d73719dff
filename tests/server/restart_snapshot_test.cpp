// The restart snapshot (server/board_snapshot.hpp, board_snapshot_chain.hpp;
// docs/api.md, "The restart snapshot"), through the real senim-server on its
// real SQLite file: a start from it re-verifies only the leaves after it and
// then answers as a start that re-verified everything; a snapshot (base or
// delta) that is damaged, of another board, larger than the log or of
// another version is set aside with a log line, and the start re-verifies
// every leaf; --reverify never reads it; a clean stop writes a delta, and
// --snapshot-deltas of them are compacted into a new base.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>

#include "server/board_snapshot_chain.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/data_dir_tools.hpp"
#include "tests/server/metrics_scrape.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;
using senim::test::ServerProcess;
namespace v1 = senim::v1;
namespace fs = std::filesystem;

namespace {

// Snapshots only at a clean stop: each test decides which one there is.
std::vector<std::string> only_at_stop() {
  return {"--snapshot-interval", "0"};
}

std::string snapshot_path(const ElectionFixture& f) {
  return f.data_dir() + "/board.snapshot";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// How the server started (GET /metrics): the leaves it restored from the
// snapshot, and the leaves it re-verified.
struct Start {
  std::uint64_t restored = 0;
  std::uint64_t reverified = 0;
  bool operator==(const Start&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Start& s) {
  return out << "restored " << s.restored << ", re-verified " << s.reverified;
}
Start start_of(ElectionFixture& f) {
  const std::string text = senim::test::scrape_metrics(*f.client);
  const auto restored = senim::test::metric_value(text, "senim_start_snapshot_leaves");
  const auto reverified = senim::test::metric_value(text, "senim_start_reverified_leaves");
  REQUIRE(restored);
  REQUIRE(reverified);
  return {static_cast<std::uint64_t>(*restored), static_cast<std::uint64_t>(*reverified)};
}

// (Re)starts the fixture's server on its data directory.
void restart(ElectionFixture& f, std::vector<std::string> extra = only_at_stop()) {
  f.server = std::make_unique<ServerProcess>(f.data_dir(), std::move(extra));
  auto client = senim::net::HttpClient::create(f.server->url());
  REQUIRE(client.ok());
  f.client = std::make_unique<senim::net::HttpClient>(std::move(*client));
}

// What a reader sees of the board, as text to compare (the public URL
// aside: each start listens on a new port).
std::string readable_state(ElectionFixture& f) {
  v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*f.client, "/v1/election", info) == 200);
  info.clear_public_url();
  std::string out = info.DebugString();
  for (const char* target : {"/v1/turnout?format=json", "/checkpoint"}) {
    auto r = f.client->get(target);
    REQUIRE(r.ok());
    out += std::string(target) + " " + std::to_string(r->status) + " " + r->body + "\n";
  }
  for (std::uint32_t v = 0; v < f.builder->plan().voters; ++v) {
    auto r = f.client->get("/v1/credentials/" + senim::to_hex(f.builder->voter_public_key(v)) +
                           "?format=json");
    REQUIRE(r.ok());
    out += std::to_string(r->status) + " " + r->body + "\n";
  }
  return out;
}

std::string refusal(const senim::test::Posted& posted) {
  return std::to_string(posted.status) + " " + posted.error.code() + " " + posted.error.message();
}

// An open election with `voters`, the first `ballots` of them voted, the
// server stopped cleanly (so that board.snapshot is of the whole log).
void vote_and_stop(ElectionFixture& f, std::uint32_t ballots) {
  f.open_and_vote(ballots);
  REQUIRE(f.server->stop() == 0);
  REQUIRE(fs::exists(snapshot_path(f)));
}

}  // namespace

TEST_CASE(
    "a start from the snapshot re-verifies only the leaves after it, and answers as a full "
    "one",
    "[server][snapshot]") {
  ElectionFixture f(8, 2, 2, true, {}, only_at_stop());
  auto& b = *f.builder;
  f.open_and_vote(4);
  // Voter 0 votes again twice; only the third ballot is posted, so the second
  // is one the restored state must refuse (its sequence is used up).
  b.cast(0, senim::protocol::BallotChoices{{{0U, 1U}}});
  const Bytes stale = b.entries().back();
  b.cast(0, senim::protocol::BallotChoices{{{1U, 0U}}});
  REQUIRE(senim::test::post_entry(*f.client, b.entries().back()).status == 200);
  const std::string refused_before = refusal(senim::test::post_entry(*f.client, stale));
  CHECK(refused_before.rfind("409", 0) == 0);
  REQUIRE(f.server->stop() == 0);
  const std::uint64_t snapshot_size = b.entries().size() - 1;  // without `stale`

  restart(f);
  CHECK(start_of(f) == Start{snapshot_size, 0});
  CHECK(refusal(senim::test::post_entry(*f.client, stale)) == refused_before);
  // After the snapshot: two new voters, and voter 1 replaces a ballot from
  // before it (superseded across the boundary).
  for (std::uint32_t v : {4U, 5U, 1U}) {
    b.cast(v, senim::protocol::BallotChoices{{{1U, 0U}}});
    REQUIRE(senim::test::post_entry(*f.client, b.entries().back()).status == 200);
  }
  f.server->kill9();

  restart(f);
  CHECK(start_of(f) == Start{snapshot_size, 3});
  CHECK(f.server->log().find("not used") == std::string::npos);
  const std::string restored = readable_state(f);
  CHECK(refusal(senim::test::post_entry(*f.client, stale)) == refused_before);
  f.server->kill9();

  restart(f, {"--reverify", "--snapshot-interval", "0"});
  CHECK(start_of(f) == Start{0, snapshot_size + 3});
  CHECK(f.server->log().find("not used") == std::string::npos);
  CHECK(readable_state(f) == restored);
  CHECK(refusal(senim::test::post_entry(*f.client, stale)) == refused_before);
}

TEST_CASE("an election restored from a snapshot mid-vote is counted as one never stopped",
          "[server][snapshot]") {
  ElectionFixture f(6, 3, 2, true, {}, only_at_stop());
  auto& b = *f.builder;
  f.open_and_vote(3);
  b.cast(0, senim::protocol::BallotChoices{{{0U, 1U}}});  // a re-vote before the snapshot
  b.challenge(4, senim::protocol::BallotChoices{{{1U, 0U}}});
  f.post_range(b.entries().size() - 2, b.entries().size());
  REQUIRE(f.server->stop() == 0);
  const std::size_t snapshot_size = b.entries().size();

  restart(f);
  CHECK(start_of(f) == Start{snapshot_size, 0});
  // The tally entry is checked against the running sum, which the snapshot
  // restored: the result is only accepted if it was restored exactly.
  b.cast(1, senim::protocol::BallotChoices{{{0U, 1U}}});
  b.close();
  b.post_tally();
  b.decrypt(1);
  b.decrypt(3);
  b.post_result();
  f.post_range(snapshot_size, b.entries().size());
  f.server->kill9();

  restart(f);
  CHECK(start_of(f) == Start{snapshot_size, b.entries().size() - snapshot_size});
  v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*f.client, "/v1/election", info) == 200);
  CHECK(info.phase() == "finished");
  CHECK(info.ballots_cast() == 5);
  CHECK(info.tree_size() == b.entries().size());
}

TEST_CASE("a snapshot that does not check out is set aside and every leaf re-verified",
          "[server][snapshot]") {
  ElectionFixture f(4, 2, 2, true, {}, only_at_stop());
  vote_and_stop(f, 3);
  const std::uint64_t size = f.builder->entries().size();
  const std::string good = read_file(snapshot_path(f));
  std::string why;

  SECTION("one byte flipped") {
    std::string damaged = good;
    damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x10);
    write_file(snapshot_path(f), damaged);
    why = "its hash does not match its contents (damaged)";
  }
  SECTION("truncated") {
    write_file(snapshot_path(f), good.substr(0, good.size() - 5));
    why = "truncated before its hash";
  }
  SECTION("another version") {
    std::string other = good;
    other[11] = static_cast<char>(other[11] + 1);
    write_file(snapshot_path(f), other);
    why = "version 2, this senim reads version 1";
  }
  SECTION("of another board") {
    ElectionFixture other(4, 2, 2, true, {}, only_at_stop());
    vote_and_stop(other, 1);
    fs::copy_file(snapshot_path(other), snapshot_path(f), fs::copy_options::overwrite_existing);
    why = "it is not a snapshot of this log";
  }
  SECTION("larger than the log") {
    // The database as it was, beside a snapshot taken later: a log cut short
    // (or restored from an old copy) with a snapshot from its future.
    const std::string before = f.dir.path() + "/before";
    fs::copy(f.data_dir(), before);
    restart(f);
    f.builder->cast(3, senim::protocol::BallotChoices{{{1U, 0U}}});
    REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
    REQUIRE(f.server->stop() == 0);
    // The chain: the base, and the delta the stop wrote.
    for (const char* file : {"/board.snapshot", "/board.snapshot.1"})
      fs::copy_file(f.data_dir() + file, before + file, fs::copy_options::overwrite_existing);
    fs::remove_all(f.data_dir());
    fs::rename(before, f.data_dir());
    why = "it is of size " + std::to_string(size + 1) + ", but the log has only " +
          std::to_string(size) + " leaves";
  }
  restart(f);
  CHECK(start_of(f) == Start{0, size});
  CHECK_THAT(f.server->log(), Catch::Contains("senim-server: the restart snapshot " +
                                              snapshot_path(f) + " is not used: ") &&
                                  Catch::Contains(why + "; re-verified every one of the " +
                                                  std::to_string(size) + " leaves"));
  v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*f.client, "/v1/election", info) == 200);
  CHECK(info.tree_size() == size);
  CHECK(info.ballots_cast() == 3);
}

TEST_CASE("a snapshot write cut short leaves the previous snapshot whole, and it is used",
          "[server][snapshot]") {
  ElectionFixture f(4, 2, 2, true, {}, only_at_stop());
  vote_and_stop(f, 2);
  const std::uint64_t size = f.builder->entries().size();
  const std::string good = read_file(snapshot_path(f));
  // What a kill -9 in the middle of writing leaves: part of the new file
  // under the temporary name (the old one is renamed over only when whole).
  write_file(snapshot_path(f) + ".tmp", good.substr(0, good.size() / 3));
  restart(f);
  CHECK(start_of(f) == Start{size, 0});
  // The next snapshot replaces both.
  f.builder->cast(3, senim::protocol::BallotChoices{{{1U, 0U}}});
  REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
  REQUIRE(f.server->stop() == 0);
  CHECK_FALSE(fs::exists(snapshot_path(f) + ".tmp"));
  restart(f);
  CHECK(start_of(f) == Start{size + 1, 0});
}

TEST_CASE("the server writes snapshots while the log grows", "[server][snapshot]") {
  ElectionFixture f(4, 2, 2, true, {}, {"--snapshot-interval", "0.2"});
  f.open_and_vote(2);
  const std::uint64_t size = f.builder->entries().size();
  // Without a clean stop: the periodic one is what a kill -9 leaves.
  REQUIRE(senim::test::eventually(
      [&] {
        auto saved = senim::server::read_board_snapshot_chain(snapshot_path(f));
        return saved.ok() && saved->snapshot.checkpoint.size == size;
      },
      10));
  f.server->kill9();
  restart(f);
  CHECK(start_of(f) == Start{size, 0});
}

TEST_CASE("a start from the snapshot leaves the index comparison to --reverify",
          "[server][snapshot]") {
  ElectionFixture f(4, 2, 2, true, {}, only_at_stop());
  vote_and_stop(f, 2);
  const std::uint64_t size = f.builder->entries().size();
  // A credential_leaves row pointed at another leaf (SQLite's checks pass).
  senim::test::exec_sql(f.data_dir(),
                        "UPDATE credential_leaves SET leaf = leaf + 1 WHERE key = (SELECT key "
                        "FROM credential_leaves LIMIT 1)");
  restart(f);
  CHECK(start_of(f) == Start{size, 0});  // documented: docs/api.md, "The restart snapshot"
  f.server->kill9();
  CHECK_THAT(ServerProcess::refusal(f.data_dir(), {"--reverify"}),
             Catch::Contains("index credential_leaves does not match the leaves it indexes"));
}

TEST_CASE("a stop writes a delta after the base, a start uses the chain, and it is compacted",
          "[server][snapshot]") {
  const std::vector<std::string> two_deltas{"--snapshot-interval", "0", "--snapshot-deltas", "2"};
  ElectionFixture f(6, 2, 2, true, {}, two_deltas);
  auto& b = *f.builder;
  vote_and_stop(f, 2);  // a fresh board's first snapshot is a base
  CHECK_FALSE(fs::exists(snapshot_path(f) + ".1"));
  std::uint64_t size = b.entries().size();

  restart(f, two_deltas);
  CHECK(start_of(f) == Start{size, 0});
  b.cast(2, senim::protocol::BallotChoices{{{1U, 0U}}});
  b.cast(0, senim::protocol::BallotChoices{{{1U, 0U}}});  // replaces a ballot in the base
  f.post_range(size, b.entries().size());
  REQUIRE(f.server->stop() == 0);
  CHECK(fs::exists(snapshot_path(f) + ".1"));
  auto base = senim::server::read_board_snapshot(snapshot_path(f));
  REQUIRE(base.ok());
  CHECK(base->checkpoint.size == size);  // the base stays; the delta holds the change
  size = b.entries().size();

  restart(f, two_deltas);
  CHECK(start_of(f) == Start{size, 0});
  b.cast(3, senim::protocol::BallotChoices{{{0U, 1U}}});
  f.post_range(size, b.entries().size());
  REQUIRE(f.server->stop() == 0);
  // The second delta made two: compacted into one base.
  CHECK_FALSE(fs::exists(snapshot_path(f) + ".1"));
  CHECK_FALSE(fs::exists(snapshot_path(f) + ".2"));
  base = senim::server::read_board_snapshot(snapshot_path(f));
  REQUIRE(base.ok());
  CHECK(base->checkpoint.size == b.entries().size());
  REQUIRE(base->voting);
  CHECK(base->voting->voters.size() == 4);
  CHECK(base->voting->ballots_cast == 5);
  CHECK(base->voting->superseded.size() == 1);

  restart(f, two_deltas);
  CHECK(start_of(f) == Start{b.entries().size(), 0});
  const std::string restored = readable_state(f);
  f.server->kill9();
  restart(f, {"--reverify", "--snapshot-interval", "0"});
  CHECK(start_of(f) == Start{0, b.entries().size()});
  CHECK(readable_state(f) == restored);
}

TEST_CASE("a damaged delta sets the snapshot aside, and the start writes a new base",
          "[server][snapshot]") {
  ElectionFixture f(4, 2, 2, true, {}, only_at_stop());
  vote_and_stop(f, 2);
  restart(f);
  f.builder->cast(3, senim::protocol::BallotChoices{{{1U, 0U}}});
  REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
  REQUIRE(f.server->stop() == 0);
  const std::string delta = snapshot_path(f) + ".1";
  std::string bytes = read_file(delta);
  REQUIRE(bytes.size() > 100);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x04);
  write_file(delta, bytes);
  const std::uint64_t size = f.builder->entries().size();

  restart(f);
  CHECK(start_of(f) == Start{0, size});
  CHECK_THAT(f.server->log(),
             Catch::Contains("senim-server: the restart snapshot " + snapshot_path(f) +
                             " is not used: snapshot " + delta +
                             ": its hash does not match its contents (damaged); re-verified "
                             "every one of the " +
                             std::to_string(size) + " leaves"));
  // The full start wrote a new base of what it verified, and dropped the
  // old chain's deltas.
  CHECK_FALSE(fs::exists(delta));
  auto base = senim::server::read_board_snapshot(snapshot_path(f));
  REQUIRE(base.ok());
  CHECK(base->checkpoint.size == size);
  f.server->kill9();
  restart(f);
  CHECK(start_of(f) == Start{size, 0});
}
