// A replica in a directory (client/followed_replica.hpp, docs/protocol.md
// §11.7) against a board of files: it checks only what is new, resumes from
// its snapshot and its mirror, and refuses — with the specific error — a
// log that shrank or forked, another board's log, an entry that fails a
// check, and its own files changed.
#include "client/followed_replica.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/election_builder.hpp"
#include "tests/server/server_process.hpp"
#include "tests/witness/board_files.hpp"

using namespace senim;
using senim::sim::demo_choices;

namespace {

constexpr std::string_view kOrigin = "board.test/replica-2026";

struct Board {
  test::TempDir tmp;
  std::unique_ptr<sim::ElectionBuilder> b;
  std::unique_ptr<test::BoardFiles> files;

  Board() {
    sim::ElectionPlan plan;
    plan.manifest = sim::demo_manifest("replica-2026", 2);
    plan.voters = 6;
    plan.log_origin = std::string(kOrigin);
    b = std::make_unique<sim::ElectionBuilder>(std::move(plan));
    b->prepare();  // 9 entries: set-up, 3 deals, 3 ready, credentials, open
    files = std::make_unique<test::BoardFiles>(tmp.path() + "/board", b->board_key(),
                                               std::string(kOrigin));
    publish(b->entries());
  }
  // The board serves `entries` (all of them, or the first `size`).
  void publish(const std::vector<Bytes>& entries, std::uint64_t size = UINT64_MAX) {
    size = std::min<std::uint64_t>(size, entries.size());
    files->set_entries(entries);
    files->publish(size);
    std::ofstream(files->dir() + "/checkpoint", std::ios::binary | std::ios::trunc)
        << files->checkpoint(size);
  }
  void vote(std::uint32_t voter) { b->cast(voter, demo_choices(voter % 2, {1, 0, 0, 1, 0})); }
  client::ReplicaOptions options(std::uint64_t snapshot_entries = 50'000) const {
    return {tmp.path() + "/replica", files->dir(), snapshot_entries, true};
  }
};

std::unique_ptr<client::FollowedReplica> open(const client::ReplicaOptions& o) {
  auto r = client::FollowedReplica::open(o);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(*r);
}

void flip_byte_at(const std::string& path, std::streamoff at) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(at);
  char c = 0;
  f.get(c);
  f.seekp(at);
  f.put(static_cast<char>(c ^ 0x01));
}

void flip_byte(const std::string& path, std::uint64_t from_end) {
  const auto size = static_cast<std::streamoff>(std::filesystem::file_size(path));
  flip_byte_at(path, size - static_cast<std::streamoff>(from_end));
}

}  // namespace

TEST_CASE("a followed replica checks only what is new and resumes from its snapshot") {
  Board board;
  {
    auto r = open(board.options());
    auto round = r->catch_up(true);
    REQUIRE(round);
    CHECK(round->from == 0);
    CHECK(round->to == 9);
    CHECK(r->phase() == protocol::Phase::voting);
  }
  for (std::uint32_t v = 0; v < 4; ++v)
    board.vote(v);
  board.publish(board.b->entries());
  {
    auto r = open(board.options());
    CHECK(r->opened_from_snapshot() == 9);
    CHECK(r->rechecked_at_open() == 0);
    auto round = r->catch_up(false);  // no snapshot: the next open checks the mirror's 4 again
    REQUIRE(round);
    CHECK(round->from == 9);
    CHECK(round->to == 13);
    CHECK(r->report().ballots == 4);
  }
  auto r = open(board.options());
  CHECK(r->opened_from_snapshot() == 9);
  CHECK(r->rechecked_at_open() == 4);
  CHECK(r->size() == 13);
  CHECK(r->report().passed());
}

TEST_CASE("a followed replica refuses a log that shrank or forked") {
  Board board;
  for (std::uint32_t v = 0; v < 3; ++v)
    board.vote(v);
  board.publish(board.b->entries());
  REQUIRE(open(board.options())->catch_up(true));

  SECTION("shrank: an older checkpoint") {
    board.publish(board.b->entries(), 10);
    auto caught = open(board.options())->catch_up(true);
    REQUIRE_FALSE(caught);
    CHECK(caught.error().code == Errc::size_conflict);
    CHECK_THAT(caught.error().message, Catch::Contains("fewer than the 12"));
  }
  SECTION("forked: another entry 11 under a larger checkpoint") {
    std::vector<Bytes> other = board.b->entries();
    board.vote(3);
    other.back() = board.b->entries().back();  // voter 3's ballot where voter 2's was
    other.push_back(board.b->entries().back());
    board.publish(other);
    auto caught = open(board.options())->catch_up(true);
    REQUIRE_FALSE(caught);
    CHECK(caught.error().code == Errc::merkle_root_mismatch);
    CHECK_THAT(caught.error().message,
               Catch::Contains("is not consistent with the one of size 12"));
  }
}

TEST_CASE("a followed replica refuses an entry that fails a check, and keeps what it checked") {
  Board board;
  REQUIRE(open(board.options())->catch_up(true));
  board.vote(0);
  std::vector<Bytes> entries = board.b->entries();
  entries.back().back() ^= 0x01;  // the ballot's signature
  board.publish(entries);
  auto caught = open(board.options())->catch_up(true);
  REQUIRE_FALSE(caught);
  CHECK(caught.error().code == Errc::not_authorized);
  CHECK_THAT(caught.error().message, Catch::Contains("the board's entry 9 fails check 4"));
  auto again = open(board.options());  // nothing after the last commit was kept
  CHECK(again->size() == 9);
}

TEST_CASE("a followed replica whose files were changed is refused, naming what") {
  Board board;
  board.vote(0);
  board.vote(1);
  board.publish(board.b->entries());
  REQUIRE(open(board.options())->catch_up(true));
  const std::string dir = board.options().dir;

  SECTION("an entry of the mirror before the snapshot: found by a follower starting") {
    flip_byte(dir + "/mirror.senim", 40);
    client::ReplicaOptions hashing = board.options();
    hashing.hash_mirror = true;
    auto r = client::FollowedReplica::open(hashing);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::merkle_root_mismatch);
    CHECK_THAT(r.error().message,
               Catch::Contains("its first 11 entries do not hash to the tree of the 11 entries its "
                               "snapshot checked: the mirror was changed after it was checked"));
    // A command's open reads no entry before the snapshot (docs/protocol.md
    // §11.7): it does not see this change.
    auto command = open(board.options());
    CHECK(command->opened_from_snapshot() == 11);
    CHECK(command->rechecked_at_open() == 0);
  }
  SECTION("the set-up, entry 0, which the restored engine reads: found by every open") {
    // A byte near the end of entry 0 (its authority's signature): the
    // configuration it gives is the same, so the snapshot still restores.
    std::ifstream in(dir + "/mirror.senim", std::ios::binary);
    in.seekg(static_cast<std::streamoff>(protocol::kRecordHeaderBytes) + 1);
    unsigned char length[4] = {};
    in.read(reinterpret_cast<char*>(length), 4);
    const std::streamoff end =
        static_cast<std::streamoff>(protocol::kRecordHeaderBytes) + 5 +
        ((std::streamoff{length[0]} << 24) | (length[1] << 16) | (length[2] << 8) | length[3]);
    flip_byte_at(dir + "/mirror.senim", end - 10);
    auto r = client::FollowedReplica::open(board.options());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::merkle_root_mismatch);
    CHECK_THAT(r.error().message,
               Catch::Contains("its entry 0 is no longer the set-up it checked"));
  }
  SECTION("an entry of the mirror after the snapshot: found by every open") {
    board.vote(2);
    board.publish(board.b->entries());
    REQUIRE(open(board.options())->catch_up(false));  // 12 entries, the snapshot at 11
    flip_byte(dir + "/mirror.senim", 40);
    auto r = client::FollowedReplica::open(board.options());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::merkle_root_mismatch);
    CHECK_THAT(r.error().message, Catch::Contains("does not hold the 12 entries that"));
  }
  SECTION("the snapshot") {
    flip_byte(dir + "/snapshot.bin", 100);
    auto r = client::FollowedReplica::open(board.options());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_encoding);
    CHECK_THAT(r.error().message, Catch::Contains("its hash does not match its contents"));
  }
  SECTION("the checkpoint in replica.json") {
    std::ifstream in(dir + "/replica.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("\\n11\\n");
    REQUIRE(at != std::string::npos);
    text.replace(at, 6, "\\n10\\n");
    std::ofstream(dir + "/replica.json", std::ios::trunc) << text;
    auto r = client::FollowedReplica::open(board.options());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::signature_invalid);
    CHECK_THAT(r.error().message, Catch::Contains("its checkpoint does not verify"));
  }
  SECTION("without the snapshot, the whole mirror is checked again") {
    std::filesystem::remove(dir + "/snapshot.bin");
    auto r = open(board.options());
    CHECK(r->opened_from_snapshot() == 0);
    CHECK(r->rechecked_at_open() == 11);
  }
}

TEST_CASE("a followed replica refuses another board's log") {
  Board board;
  REQUIRE(open(board.options())->catch_up(true));
  Board other;  // another election, under another board key, at the same origin
  client::ReplicaOptions o = board.options();
  o.server = other.files->dir();
  auto caught = open(o)->catch_up(true);
  REQUIRE_FALSE(caught);
  CHECK(caught.error().code == Errc::note_unverified);
  CHECK_THAT(caught.error().message,
             Catch::Contains("is not a checkpoint of the board this replica follows"));
}
