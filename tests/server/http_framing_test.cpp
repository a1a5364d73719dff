// HTTP correctness at the board (docs/api.md, "HTTP"): Transfer-Encoding
// other than chunked is refused with 400 and the connection closed (RFC 9112
// §6.3), so no request can be smuggled in a body; chunked bodies work;
// Expect: 100-continue is answered before the body; media types are compared
// without regard to case and may carry parameters; /v1/entries streams
// exactly the bytes of one EntryList.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "server/limits.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/raw_connection.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;
using senim::test::parse_responses;
using senim::test::RawConnection;
namespace v1 = senim::v1;
using namespace std::chrono_literals;

namespace {

std::string text_of(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// An open referendum on the board, with `ballots` ballots made but not posted.
struct OpenElection {
  explicit OpenElection(std::uint32_t voters = 3, std::uint32_t ballots = 3)
      : f(voters, 2, 2, false) {
    auto& b = *f.builder;
    b.prepare();
    first_ballot = b.entries().size();
    f.post_range(0, first_ballot);
    auto votes = senim::sim::referendum_votes(ballots);
    b.cast_many(votes, 2);
  }
  const Bytes& ballot(std::size_t i) const { return f.builder->entries().at(first_ballot + i); }

  ElectionFixture f;
  std::size_t first_ballot = 0;
};

v1::ApiError api_error(const senim::test::RawResponse& r) {
  v1::ApiError e;
  REQUIRE(e.ParseFromString(r.body));
  return e;
}

}  // namespace

TEST_CASE("a Transfer-Encoding other than chunked gets 400 and a close, and nothing is smuggled",
          "[server][http]") {
  OpenElection e;
  const auto before = senim::test::snapshot(*e.f.client);
  // The body is a whole second request: a server that takes the POST as
  // bodiless would answer it too.
  const std::string smuggled = "GET /v1/election HTTP/1.1\r\nHost: board\r\n\r\n";
  for (const std::string coding :
       {"xchunked", "chunked, gzip", "gzip, chunked", "identity", "chunked, chunked", "x"}) {
    RawConnection c(e.f.server->url());
    REQUIRE(c.send("POST /v1/ballots HTTP/1.1\r\nHost: board\r\nTransfer-Encoding: " + coding +
                   "\r\n\r\n" + smuggled));
    const std::string raw = c.read_to_end(5s);
    INFO(coding << ": " << raw);
    CHECK(c.peer_closed());
    const auto responses = parse_responses(raw);
    REQUIRE(responses.size() == 1);
    CHECK(responses[0].status == 400);
    CHECK_FALSE(responses[0].keep_alive);
    const auto error = api_error(responses[0]);
    CHECK(error.code() == "invalid_encoding");
    CHECK(error.message() == "Transfer-Encoding \"" + coding +
                                 "\" is not supported: send the body with a Content-Length, or "
                                 "chunked and nothing else (RFC 9112 §6.3)");
  }
  // HTTP/1.0 has no transfer codings (RFC 9112 §6.1).
  RawConnection old(e.f.server->url());
  REQUIRE(old.send("POST /v1/ballots HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                   smuggled));
  const auto old_responses = parse_responses(old.read_to_end(5s));
  REQUIRE(old_responses.size() == 1);
  CHECK(old_responses[0].status == 400);
  CHECK(old.peer_closed());
  // Both a Content-Length and a Transfer-Encoding: refused as malformed.
  RawConnection both(e.f.server->url());
  REQUIRE(
      both.send("POST /v1/ballots HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nTransfer-Encoding: "
                "chunked\r\n\r\n0\r\n\r\n" +
                smuggled));
  const auto both_responses = parse_responses(both.read_to_end(5s));
  REQUIRE(both_responses.size() == 1);
  CHECK(both_responses[0].status == 400);
  CHECK(api_error(both_responses[0]).code() == "invalid_encoding");
  CHECK(both.peer_closed());
  CHECK(senim::test::snapshot(*e.f.client) == before);
}

TEST_CASE("a chunked body is read whole and gets its receipt", "[server][http]") {
  OpenElection e;
  const std::string ballot = text_of(e.ballot(0));
  const std::size_t half = ballot.size() / 2;
  auto chunk = [](std::string_view piece) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    return std::string(size) + std::string(piece) + "\r\n";
  };
  RawConnection c(e.f.server->url());
  REQUIRE(
      c.send("POST /v1/ballots HTTP/1.1\r\nHost: board\r\nConnection: close\r\n"
             "Content-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n" +
             chunk(std::string_view(ballot).substr(0, half)) +
             chunk(std::string_view(ballot).substr(half)) + "0\r\n\r\n"));
  const auto responses = parse_responses(c.read_to_end(10s));
  REQUIRE(responses.size() == 1);
  REQUIRE(responses[0].status == 200);
  v1::Receipt receipt;
  REQUIRE(receipt.ParseFromString(responses[0].body));
  senim::test::check_receipt(receipt, e.ballot(0), e.f.vkey);
}

TEST_CASE("Expect: 100-continue is answered before the body, and refused early when too large",
          "[server][http]") {
  OpenElection e;
  const std::string ballot = text_of(e.ballot(0));
  const std::string head =
      "POST /v1/ballots HTTP/1.1\r\nHost: board\r\nConnection: close\r\n"
      "Content-Type: application/x-protobuf\r\nExpect: 100-continue\r\n";
  {
    RawConnection c(e.f.server->url());
    REQUIRE(c.send(head + "Content-Length: " + std::to_string(ballot.size()) + "\r\n\r\n"));
    // Nothing of the body is sent until the server says to go on.
    CHECK(c.read_until("\r\n\r\n", 5s) == "HTTP/1.1 100 Continue\r\n\r\n");
    REQUIRE(c.send(ballot));
    const auto responses = parse_responses(c.read_to_end(10s));
    REQUIRE(responses.size() == 1);
    REQUIRE(responses[0].status == 200);
    v1::Receipt receipt;
    REQUIRE(receipt.ParseFromString(responses[0].body));
    senim::test::check_receipt(receipt, e.ballot(0), e.f.vkey);
  }
  {
    // Too large: the final answer comes instead of 100, and the body is never asked for.
    RawConnection c(e.f.server->url());
    REQUIRE(c.send(head + "Content-Length: " +
                   std::to_string(senim::server::limits::kMaxBodyBytes + 1) + "\r\n\r\n"));
    const std::string raw = c.read_to_end(5s);
    CHECK(raw.rfind("HTTP/1.1 413 ", 0) == 0);
    const auto responses = parse_responses(raw);
    REQUIRE(responses.size() == 1);
    CHECK(api_error(responses[0]).code() == "too_large");
  }
  {
    RawConnection c(e.f.server->url());
    REQUIRE(
        c.send("POST /v1/ballots HTTP/1.1\r\nHost: board\r\nExpect: a-pony\r\n"
               "Content-Length: 3\r\n\r\n"));
    const auto responses = parse_responses(c.read_to_end(5s));
    REQUIRE(responses.size() == 1);
    CHECK(responses[0].status == 417);
    const auto error = api_error(responses[0]);
    CHECK(error.code() == "expectation_failed");
    CHECK(error.message() == "Expect: \"a-pony\" is not supported; only 100-continue is");
  }
}

TEST_CASE("a request line and headers over 8 KiB get 431 and a close", "[server][http]") {
  senim::test::TempDir dir;
  senim::test::ServerProcess server(dir.path() + "/board");
  RawConnection c(server.url());
  REQUIRE(c.send("GET /v1/election HTTP/1.1\r\nHost: board\r\nX-Big: " +
                 std::string(senim::server::limits::kMaxHeaderBytes, 'a') + "\r\n\r\n"));
  const auto responses = parse_responses(c.read_to_end(5s));
  CHECK(c.peer_closed());
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].status == 431);
  CHECK_FALSE(responses[0].keep_alive);
  const auto error = api_error(responses[0]);
  CHECK(error.code() == "too_large");
  CHECK(error.message() == "request line and headers exceed the limit of 8192 bytes");
  // Just under the limit is served.
  RawConnection ok(server.url());
  REQUIRE(ok.send("GET /v1/election HTTP/1.1\r\nHost: board\r\nX-Big: " +
                  std::string(senim::server::limits::kMaxHeaderBytes - 100, 'a') + "\r\n\r\n"));
  const auto served = ok.read_response(5s);
  REQUIRE(served);
  CHECK(served->status == 200);
}

TEST_CASE("media types are compared without regard to case and may carry parameters",
          "[server][http]") {
  OpenElection e(4, 4);
  auto& c = *e.f.client;
  std::size_t next = 0;
  for (const char* type : {"Application/X-Protobuf", "application/x-protobuf; charset=binary",
                           " APPLICATION/OCTET-STREAM ;x=y"}) {
    const Bytes& ballot = e.ballot(next++);
    auto r = c.post("/v1/ballots", text_of(ballot), type);
    REQUIRE(r.ok());
    INFO(type << ": " << r->body);
    CHECK(r->status == 200);
  }
  const auto before = senim::test::snapshot(c);
  for (const char* type : {"application/x-protobufx", "text/plain; a=application/x-protobuf"}) {
    auto r = c.post("/v1/ballots", text_of(e.ballot(next)), type);
    REQUIRE(r.ok());
    INFO(type);
    CHECK(r->status == 415);
  }
  CHECK(senim::test::snapshot(c) == before);
  const std::pair<const char*, const char*> accepts[] = {
      {"Application/JSON", "application/json"},
      {"text/html, application/json;q=0.9", "application/json"},
      {"application/json ; charset=utf-8", "application/json"},
      {"application/json;q=0", "application/x-protobuf"},
      {"application/json;q=0.000", "application/x-protobuf"},
      {"application/jsonx", "application/x-protobuf"},
      {"*/*", "application/x-protobuf"},
  };
  for (const auto& [accept, answered] : accepts) {
    auto r = c.get("/v1/election", accept);
    REQUIRE(r.ok());
    INFO(accept);
    CHECK(r->content_type == answered);
  }
}

TEST_CASE("GET /v1/entries streams exactly the bytes of one EntryList, in both formats",
          "[server][http][reads]") {
  OpenElection e(100, 100);  // about 110 KiB of ballots: two pieces
  auto& b = *e.f.builder;
  e.f.post_range(e.first_ballot, b.entries().size());
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  json.always_print_primitive_fields = true;
  // More entries than one piece (limits::kStreamPieceBytes), from 0 and not.
  for (const auto& [start, count] : {std::pair<std::uint64_t, std::uint64_t>{0, 1000},
                                     {1, 35},
                                     {b.entries().size() - 1, 10},
                                     {999, 5}}) {
    v1::EntryList expected;
    expected.set_start(start);
    for (std::uint64_t i = start; i < b.entries().size() && i < start + count; ++i)
      expected.add_entries(text_of(b.entries()[i]));
    const std::string query =
        "/v1/entries?start=" + std::to_string(start) + "&count=" + std::to_string(count);
    INFO(query);
    auto proto = e.f.client->get(query);
    REQUIRE(proto.ok());
    CHECK(proto->status == 200);
    CHECK(proto->content_type == "application/x-protobuf");
    CHECK(proto->body == expected.SerializeAsString());
    auto as_json = e.f.client->get(query + "&format=json");
    REQUIRE(as_json.ok());
    std::string expected_json;
    REQUIRE(google::protobuf::util::MessageToJsonString(expected, &expected_json, json).ok());
    CHECK(as_json->content_type == "application/json");
    CHECK(as_json->body == expected_json + "\n");
  }
}
