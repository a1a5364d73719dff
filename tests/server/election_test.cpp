// A whole referendum posted to a real senim-server over HTTP: every entry
// gets a receipt that verifies under the board key, the ballot and credential
// look-ups tell the truth, and the record download holds every entry.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "protocol/board_checkpoint.hpp"
#include "protocol/record.hpp"
#include "protocol/tracking_code.hpp"
#include "tests/server/board_fixture.hpp"

using senim::Bytes;
using senim::protocol::BallotChoices;
using senim::test::ElectionFixture;

namespace {

BallotChoices referendum(bool yes) {
  return BallotChoices{{{yes ? 1U : 0U, yes ? 0U : 1U}}};
}

std::string ballot_target(const senim::Hash32& code) {
  return "/v1/ballots/" + senim::to_hex(code);
}

}  // namespace

TEST_CASE("a referendum runs end to end through the board server", "[server][election]") {
  ElectionFixture f(5);
  auto& b = *f.builder;
  b.prepare();
  const senim::Hash32 counted = b.cast(0, referendum(true));
  b.cast(1, referendum(false));
  const senim::Hash32 replaced = b.cast(2, referendum(true));
  const senim::Hash32 revote = b.cast(2, referendum(false));  // the last one counts
  const senim::Hash32 challenged = b.challenge(3, referendum(true));
  const std::size_t voting_end = b.entries().size();
  b.finish();
  REQUIRE(b.state().phase() == senim::protocol::Phase::finished);

  // Everything up to the close, then the state while voting.
  f.post_range(0, voting_end);
  senim::v1::BallotStatus status;
  REQUIRE(senim::test::get_message(*f.client, ballot_target(replaced), status) == 200);
  CHECK(status.state() == "cast");
  REQUIRE(senim::test::get_message(*f.client, ballot_target(challenged), status) == 200);
  CHECK(status.state() == "challenged");
  senim::v1::CredentialStatus credential;
  REQUIRE(senim::test::get_message(*f.client,
                                   "/v1/credentials/" + senim::to_hex(b.voter_key(2).public_key()),
                                   credential) == 200);
  CHECK(credential.listed());
  CHECK(credential.last_sequence() == 2);

  // The rest: close, tally, partial decryptions, result.
  f.post_range(voting_end, b.entries().size());
  senim::v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*f.client, "/v1/election", info) == 200);
  CHECK(info.phase() == "finished");
  CHECK(info.election_id() == "server-test-2026");
  CHECK(info.tree_size() == b.entries().size());
  CHECK(info.trustees_ready() == 2);
  CHECK(info.ballots_cast() == 4);
  CHECK(info.partial_decryptions() == 2);
  REQUIRE(senim::test::get_message(*f.client, ballot_target(counted), status) == 200);
  CHECK(status.state() == "counted");
  REQUIRE(senim::test::get_message(*f.client, ballot_target(revote), status) == 200);
  CHECK(status.state() == "counted");
  REQUIRE(senim::test::get_message(*f.client, ballot_target(replaced), status) == 200);
  CHECK(status.state() == "superseded");

  // The record: every entry in order, then the latest head over them.
  const std::string path = f.dir.path() + "/record.senim";
  {
    std::ofstream out(path, std::ios::binary);
    auto r = f.client->download("/v1/record", [&](senim::ByteView piece) {
      out.write(reinterpret_cast<const char*>(piece.data()),
                static_cast<std::streamsize>(piece.size()));
      return senim::Status::success();
    });
    REQUIRE(r.ok());
    REQUIRE(r->status == 200);
  }
  auto reader = senim::protocol::RecordReader::open(path);
  REQUIRE(reader.ok());
  std::vector<Bytes> entries;
  std::optional<std::string> checkpoint;
  for (;;) {
    auto frame = reader->next();
    REQUIRE(frame.ok());
    if (!frame->has_value())
      break;
    if ((*frame)->kind == senim::protocol::FrameKind::entry) {
      REQUIRE(!checkpoint);  // the checkpoint comes last
      entries.push_back((*frame)->payload);
    } else {
      checkpoint.emplace((*frame)->payload.begin(), (*frame)->payload.end());
    }
  }
  CHECK(entries == b.entries());
  REQUIRE(checkpoint);
  auto verified = senim::protocol::verify_board_checkpoint(*checkpoint, f.vkey);
  REQUIRE(verified.ok());
  CHECK(verified->checkpoint.size == entries.size());
  // No witnesses: the board's note is the record's, byte for byte.
  CHECK(*checkpoint == senim::test::fetch_checkpoint(*f.client).note);
}

TEST_CASE("the board key is made once, kept 0600, and survives restarts", "[server][key]") {
  senim::test::TempDir dir;
  const std::string data = dir.path() + "/board";
  senim::protocol::PublicKey first{};
  {
    senim::test::ServerProcess server(data);
    auto client = senim::net::HttpClient::create(server.url());
    REQUIRE(client.ok());
    first = senim::test::fetch_board_key(*client);
    // The secret seed never appears in the server's output.
    std::ifstream key_file(data + "/board.key", std::ios::binary);
    const std::string seed((std::istreambuf_iterator<char>(key_file)), {});
    CHECK(server.log().find(senim::to_hex(senim::as_bytes(seed))) == std::string::npos);
  }
  struct stat st {};
  REQUIRE(::stat((data + "/board.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  senim::test::ServerProcess again(data);
  auto client = senim::net::HttpClient::create(again.url());
  REQUIRE(client.ok());
  CHECK(senim::test::fetch_board_key(*client) == first);
  CHECK(again.stop() == 0);  // SIGTERM is a clean stop
}

TEST_CASE("SIGTERM as soon as the server says it listens is a clean stop", "[server][election]") {
  // The signals are handled from before the "listening on" line: a script
  // that stops the server on reading it must not kill it instead (exit 143).
  senim::test::TempDir dir;
  for (int i = 0; i < 10; ++i) {
    senim::test::ServerProcess server(dir.path() + "/board");
    INFO("start " << i);
    REQUIRE(server.stop() == 0);
  }
}

TEST_CASE("a set-up naming another board key is refused", "[server][election]") {
  senim::test::TempDir dir;
  senim::test::ServerProcess server(dir.path() + "/board");
  auto client = senim::net::HttpClient::create(server.url());
  REQUIRE(client.ok());
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("other-board");
  plan.trustees = 1;
  plan.threshold = 1;
  senim::sim::ElectionBuilder b(std::move(plan));  // names its own board key
  b.setup();
  const auto posted = senim::test::post_entry(*client, b.entries()[0]);
  CHECK(posted.status == 400);
  CHECK(posted.error.code() == "invalid_argument");
  CHECK(posted.error.message().find("set-up names board key " +
                                    senim::to_hex(b.board_key().public_key())) == 0);
  CHECK(posted.error.message().find("this board's key is " +
                                    senim::to_hex(senim::test::fetch_board_key(*client))) !=
        std::string::npos);
  CHECK(senim::test::snapshot(*client).size == 0);
}
