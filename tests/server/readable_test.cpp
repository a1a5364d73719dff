// The readable answers (docs/api.md, "Readable answers"), the short tracking
// code (docs/api.md, "Encodings") and the web page's files, against a real
// server running a referendum.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>

#include "protocol/tracking_code.hpp"
#include "tests/server/board_fixture.hpp"

using senim::test::ElectionFixture;
namespace v1 = senim::v1;

namespace {

// GET `target` with no format asked for; the status, and the body parsed as
// JSON into `message` (which fails the test if it is not JSON).
template <class Message>
Message read_json(senim::net::HttpClient& client, const std::string& target, unsigned status,
                  std::string_view accept = {}) {
  auto r = client.get(target, accept);
  REQUIRE(r.ok());
  INFO(target << ": " << r->body);
  CHECK(r->status == status);
  CHECK(r->content_type == "application/json");
  Message m;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r->body, &m).ok());
  return m;
}

senim::protocol::BallotChoices referendum(bool yes) {
  return senim::protocol::BallotChoices{{{yes ? 1U : 0U, yes ? 0U : 1U}}};
}

}  // namespace

TEST_CASE("the readable answers name the election's ids and texts", "[server][readable]") {
  ElectionFixture f(4);
  auto& b = *f.builder;
  auto& c = *f.client;
  b.prepare();
  const senim::Hash32 yes = b.cast(0, referendum(true));
  b.cast(1, referendum(false));
  const senim::Hash32 challenged = b.challenge(2, referendum(true));
  const std::size_t voting_end = b.entries().size();
  f.post_range(0, voting_end);
  const std::string yes_short = senim::protocol::short_tracking_code(yes);
  const std::string challenged_short = senim::protocol::short_tracking_code(challenged);

  SECTION("a ballot by its short code, in any case, with or without dashes") {
    for (std::string code : {yes_short, std::string("x")}) {
      if (code == "x") {
        code = yes_short;
        std::erase(code, '-');
        for (char& ch : code)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      const auto status =
          read_json<v1::BallotStatus>(c, "/v1/ballots/" + code + "?format=json", 200);
      CHECK(status.state() == "cast");
      CHECK(status.tracking_code() == senim::to_hex(yes));
      CHECK(status.short_code() == yes_short);
    }
    const auto full = read_json<v1::BallotStatus>(c, "/v1/ballots/" + senim::to_hex(yes), 200,
                                                  "application/json");
    CHECK(full.short_code() == yes_short);
    CHECK(read_json<v1::BallotStatus>(c, "/v1/ballots/" + challenged_short + "?format=json", 200)
              .state() == "challenged");
  }

  SECTION("a challenge shows the choices its opening encrypts, with the manifest's labels") {
    const auto view = read_json<v1::ChallengeView>(c, "/v1/challenges/" + challenged_short, 200);
    CHECK(view.tracking_code() == senim::to_hex(challenged));
    REQUIRE(view.contests_size() == 1);
    const auto& contest = view.contests(0);
    REQUIRE(contest.options_size() == 2);
    CHECK(contest.options(0).id() == "yes");
    CHECK(contest.options(0).chosen());
    CHECK(contest.options(1).id() == "no");
    CHECK(!contest.options(1).chosen());
    CHECK(!contest.options(0).label().text().empty());
    // A cast ballot is not a challenge.
    const auto cast = read_json<v1::ApiError>(c, "/v1/challenges/" + yes_short, 404);
    CHECK(cast.code() == "not_found");
    CHECK(cast.message() == "no challenged ballot with tracking code " + yes_short);
  }

  SECTION("unknown and malformed codes get clear JSON errors") {
    const auto unknown =
        read_json<v1::ApiError>(c, "/v1/ballots/0000-0000-0000-0000?format=json", 404);
    CHECK(unknown.code() == "not_found");
    CHECK(unknown.message() == "no ballot with tracking code 0000-0000-0000-0000");
    const auto bad = read_json<v1::ApiError>(c, "/v1/ballots/T24F-H03P?format=json", 400);
    CHECK(bad.code() == "invalid_argument");
    CHECK(bad.message().find("has 8") != std::string::npos);
    const auto letter = read_json<v1::ApiError>(c, "/v1/challenges/T24F-H03P-RE3G-V7MU", 400);
    CHECK(letter.message().find("character 19") != std::string::npos);
  }

  SECTION("turnout per district, and no result while voting") {
    const auto turnout = read_json<v1::Turnout>(c, "/v1/turnout", 200);
    CHECK(turnout.phase() == "voting");
    CHECK(turnout.ballots_cast() == 2);
    REQUIRE(turnout.districts_size() == 1);
    CHECK(turnout.districts(0).credentials() == 4);
    CHECK(turnout.districts(0).voters() == 2);  // a challenge is not a vote
    CHECK(turnout.total().voters() == 2);
    const auto none = read_json<v1::ApiError>(c, "/v1/result", 404);
    CHECK(none.message() == "no result yet: the election is in phase voting");
  }

  SECTION("the election view: trustees with fingerprints, and the timeline") {
    const auto view = read_json<v1::ElectionView>(c, "/v1/manifest", 200);
    CHECK(view.election_id() == "server-test-2026");
    CHECK(view.manifest().contests(0).options(0).id() == "yes");
    REQUIRE(view.trustees_size() == 2);
    CHECK(view.trustees(0).number() == 1);
    CHECK(view.trustees(0).signing_key().size() == 64);
    CHECK(view.trustees(0).fingerprint() ==
          senim::protocol::key_fingerprint(*senim::from_hex(view.trustees(0).signing_key())));
    CHECK(view.board_key() == senim::to_hex(f.board_key));
    REQUIRE(view.timeline_size() >= 2);
    CHECK(view.timeline(0).phase() == "ceremony");
    CHECK(view.timeline(0).leaf_index() == 0);
    CHECK(view.timeline(view.timeline_size() - 1).phase() == "voting");
    CHECK(view.timeline(view.timeline_size() - 1).leaf_index() == f.index_of(v1::Statement::kOpen));
    // Protobuf when asked for.
    auto proto = c.get("/v1/manifest?format=protobuf");
    REQUIRE(proto.ok());
    CHECK(proto->content_type == "application/x-protobuf");
    v1::ElectionView same;
    REQUIRE(same.ParseFromString(proto->body));
    CHECK(google::protobuf::util::MessageDifferencer::Equals(same, view));
  }

  SECTION("the log decoded, beside the exact bytes") {
    const auto log = read_json<v1::ReadableEntries>(c, "/v1/log?start=0&count=2", 200);
    CHECK(log.tree_size() == voting_end);
    REQUIRE(log.entries_size() == 2);
    CHECK(log.entries(0).kind() == "setup");
    CHECK(log.entries(0).statement().setup().manifest().election_id() == "server-test-2026");
    CHECK(*senim::from_hex(log.entries(0).bytes()) == b.entries().at(0));
    const auto tail =
        read_json<v1::ReadableEntries>(c, "/v1/log?start=" + std::to_string(voting_end - 1), 200);
    REQUIRE(tail.entries_size() == 1);
    CHECK(tail.entries(0).kind() == "challenge");
    CHECK(tail.entries(0).short_code() == challenged_short);
    const auto big = read_json<v1::ApiError>(c, "/v1/log?count=101", 400);
    CHECK(big.message() == "count 101 exceeds the limit of 100");
  }

  SECTION("after the result: counts with labels, and counted ballots") {
    b.finish();
    f.post_range(voting_end, b.entries().size());
    const auto result = read_json<v1::ResultView>(c, "/v1/result", 200);
    CHECK(result.leaf_index() == b.entries().size() - 1);
    REQUIRE(result.total().contests_size() == 1);
    const auto& total = result.total().contests(0);
    CHECK(total.id() == b.plan().manifest.contests(0).id());
    REQUIRE(total.options_size() == 2);
    CHECK(total.options(0).id() == "yes");
    CHECK(total.options(0).count() == 1);
    CHECK(total.options(1).count() == 1);
    CHECK(result.total().ballots_counted() == 2);
    CHECK(result.total().credentials() == 4);
    REQUIRE(result.districts_size() == 1);
    CHECK(result.districts(0).credentials() == 4);
    CHECK(
        read_json<v1::BallotStatus>(c, "/v1/ballots/" + yes_short + "?format=json", 200).state() ==
        "counted");
  }
}

TEST_CASE("the web page is served, and a browser never gets a binary error", "[server][web]") {
  ElectionFixture f(1);
  auto& c = *f.client;
  auto page = c.get("/");
  REQUIRE(page.ok());
  CHECK(page->status == 200);
  CHECK(page->content_type == "text/html; charset=utf-8");
  CHECK(page->body.find("<html") != std::string::npos);
  for (const char* file :
       {"/web/app.js", "/web/receipt.js", "/web/style.css", "/web/messages.json"}) {
    auto r = c.get(file);
    REQUIRE(r.ok());
    INFO(file);
    CHECK(r->status == 200);
    CHECK(!r->body.empty());
  }
  const auto missing = read_json<v1::ApiError>(c, "/web/nothing.js", 404,
                                               "text/html,application/xhtml+xml,*/*;q=0.8");
  CHECK(missing.code() == "not_found");
  CHECK(missing.message() == "no such resource: GET /web/nothing.js");
  // Before the set-up, the election view says so.
  const auto empty = read_json<v1::ApiError>(c, "/v1/manifest", 404);
  CHECK(empty.message() == "the board holds no election yet: its set-up is not posted");
}
