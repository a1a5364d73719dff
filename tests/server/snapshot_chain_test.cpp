// The restart snapshot's chain (server/board_snapshot_chain.hpp; docs/api.md,
// "The restart snapshot"), on files alone: a base and its deltas read back
// as the merged state; a compaction gives the same state as one base; a
// delta left over from an earlier chain is ignored; a damaged delta, or one
// whose fields do not follow from the file before it, is refused with the
// reason. (Through the real server: restart_snapshot_test.cpp.)
#include <catch2/catch.hpp>
#include <filesystem>

#include "server/board_snapshot_chain.hpp"
#include "tests/server/data_dir_tools.hpp"
#include "tests/server/server_process.hpp"

using senim::Errc;
using senim::Hash32;
using senim::server::BoardSnapshot;
using senim::server::BoardSnapshotDelta;
using senim::server::SnapshotChain;
using Voter = senim::protocol::ElectionState::VotingState::Voter;
using Changes = senim::protocol::ElectionState::VotingChanges;
namespace fs = std::filesystem;

namespace {

Hash32 key(std::uint8_t n) {
  Hash32 k{};
  k.fill(n);
  return k;
}

senim::server::StoredCheckpoint checkpoint(std::uint64_t size) {
  Hash32 root{};
  root[0] = static_cast<std::uint8_t>(size);
  return {size, root, "note of size " + std::to_string(size) + "\n"};
}

// A base at size 10: voters 1 and 2, leaves 0-3 not ballots, voting open.
BoardSnapshot base() {
  BoardSnapshot s;
  s.checkpoint = checkpoint(10);
  s.other_leaves = {0, 1, 2, 3};
  s.voting.emplace();
  s.voting->voters = {{key(1), 1, 4}, {key(2), 1, 5}};
  s.voting->ballots_cast = 2;
  s.voting->running.set_superseded_hash("e");
  return s;
}

// Voter 2 votes again (leaf 12, superseding 5) and voter 3 votes (leaf 11),
// then voter 3 again (leaf 13, superseding 11); one challenge.
BoardSnapshotDelta first_delta() {
  Changes c;
  c.voters = {{{key(3), 1, 11}, true}, {{key(2), 2, 12}, false}, {{key(3), 2, 13}, false}};
  c.superseded = {5, 11};
  c.challenged = {{key(9), 14}};
  c.ballots_cast = 5;
  c.running.set_superseded_hash("e1");
  return {checkpoint(15), {10}, std::move(c)};
}

BoardSnapshotDelta second_delta() {
  Changes c;
  c.voters = {{{key(1), 2, 16}, false}, {{key(4), 1, 17}, true}};
  c.superseded = {4};
  c.ballots_cast = 7;
  c.running.set_superseded_hash("e2");
  return {checkpoint(18), {}, std::move(c)};
}

std::vector<Voter> sorted(std::vector<Voter> v) {
  std::sort(v.begin(), v.end(), [](const Voter& a, const Voter& b) { return a.key < b.key; });
  return v;
}

bool same(const std::vector<Voter>& a, const std::vector<Voter>& b) {
  const auto x = sorted(a);
  const auto y = sorted(b);
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const Voter& p, const Voter& q) {
    return p.key == q.key && p.last_sequence == q.last_sequence && p.last_ballot == q.last_ballot;
  });
}

// The state after base + first + second.
void check_final(const BoardSnapshot& s) {
  CHECK(s.checkpoint.size == 18);
  CHECK(s.checkpoint.note == "note of size 18\n");
  CHECK(s.other_leaves == std::vector<std::uint64_t>{0, 1, 2, 3, 10});
  REQUIRE(s.voting);
  CHECK(s.voting->ballots_cast == 7);
  CHECK(s.voting->running.superseded_hash() == "e2");
  CHECK(s.voting->superseded == std::vector<std::uint64_t>{5, 11, 4});
  CHECK(s.voting->challenged == std::vector<std::pair<Hash32, std::uint64_t>>{{key(9), 14}});
  CHECK(
      same(s.voting->voters, {{key(1), 2, 16}, {key(2), 2, 12}, {key(3), 2, 13}, {key(4), 1, 17}}));
}

struct Chain {
  senim::test::TempDir dir;
  std::string path = dir.path() + "/board.snapshot";
  SnapshotChain chain;
  Chain() {
    REQUIRE(senim::server::start_board_snapshot_chain(path, base(), chain).ok());
    REQUIRE(senim::server::append_board_snapshot_delta(path, first_delta(), chain).ok());
    REQUIRE(senim::server::append_board_snapshot_delta(path, second_delta(), chain).ok());
  }
};

}  // namespace

TEST_CASE("a base and its deltas read back as the merged state", "[server][snapshot]") {
  Chain c;
  CHECK(c.chain.deltas == 2);
  CHECK(fs::exists(c.path + ".1"));
  CHECK(fs::exists(c.path + ".2"));
  auto read = senim::server::read_board_snapshot_chain(c.path);
  REQUIRE(read.ok());
  check_final(read->snapshot);
  CHECK(read->chain.deltas == 2);
  CHECK(read->chain.last == c.chain.last);
  CHECK(read->chain.since_base.new_voters == 2);
  // The base alone is still the state at its own size.
  auto alone = senim::server::read_board_snapshot(c.path);
  REQUIRE(alone.ok());
  CHECK(alone->checkpoint.size == 10);
}

TEST_CASE("a compacted chain is one base of the same state, and its old deltas are gone",
          "[server][snapshot]") {
  Chain c;
  const senim::Bytes old_first = senim::test::read_file(c.path + ".1");
  REQUIRE(senim::server::compact_board_snapshot(c.path, second_delta(), c.chain).ok());
  CHECK(c.chain.deltas == 0);
  CHECK_FALSE(fs::exists(c.path + ".1"));
  CHECK_FALSE(fs::exists(c.path + ".2"));
  auto alone = senim::server::read_board_snapshot(c.path);
  REQUIRE(alone.ok());
  check_final(*alone);
  // A delta of the earlier chain (a crash between the new base and the
  // removal) names the old base: it ends the chain and is ignored.
  senim::test::write_file(c.path + ".1", old_first);
  auto read = senim::server::read_board_snapshot_chain(c.path);
  REQUIRE(read.ok());
  check_final(read->snapshot);
  CHECK(read->chain.deltas == 0);
  // And the chain goes on after the compaction.
  Changes more;
  more.voters = {{{key(5), 1, 19}, true}};
  more.ballots_cast = 8;
  const BoardSnapshotDelta later{checkpoint(20), {}, std::move(more)};
  REQUIRE(senim::server::append_board_snapshot_delta(c.path, later, c.chain).ok());
  read = senim::server::read_board_snapshot_chain(c.path);
  REQUIRE(read.ok());
  CHECK(read->snapshot.checkpoint.size == 20);
  CHECK(read->snapshot.voting->voters.size() == 5);
}

TEST_CASE("a damaged delta makes the chain refused, with the file and the reason",
          "[server][snapshot]") {
  Chain c;
  senim::test::flip_byte(c.path + ".2", fs::file_size(c.path + ".2") - 40);
  auto read = senim::server::read_board_snapshot_chain(c.path);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == Errc::invalid_encoding);
  CHECK(read.error().message ==
        "snapshot " + c.path + ".2: its hash does not match its contents (damaged)");
}

TEST_CASE("a delta whose fields do not follow from the file before it is refused",
          "[server][snapshot]") {
  senim::test::TempDir dir;
  const std::string path = dir.path() + "/board.snapshot";
  SnapshotChain chain;
  REQUIRE(senim::server::start_board_snapshot_chain(path, base(), chain).ok());
  std::string why;
  SECTION("not after the base") {
    BoardSnapshotDelta d = first_delta();
    d.checkpoint = checkpoint(10);
    REQUIRE(senim::server::append_board_snapshot_delta(path, d, chain).ok());
    why = "of size 10 after a file of size 10";
  }
  SECTION("a leaf before the base's size") {
    BoardSnapshotDelta d = first_delta();
    d.other_leaves = {3};
    REQUIRE(senim::server::append_board_snapshot_delta(path, d, chain).ok());
    why = "it lists leaf 3 out of order";
  }
  SECTION("a voter said to be new who is in the base") {
    BoardSnapshotDelta d = first_delta();
    d.voting->voters[1].first = true;  // voter 2 voted in the base
    REQUIRE(senim::server::append_board_snapshot_delta(path, d, chain).ok());
    why = "its deltas name 1 voters not in it, but say 2";
  }
  SECTION("no voting state after one") {
    BoardSnapshotDelta d = first_delta();
    d.voting.reset();
    REQUIRE(senim::server::append_board_snapshot_delta(path, d, chain).ok());
    why = "no voting state after a file with one";
  }
  auto read = senim::server::read_board_snapshot_chain(path);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == Errc::invalid_encoding);
  CHECK_THAT(read.error().message, Catch::EndsWith(": " + why));
}
