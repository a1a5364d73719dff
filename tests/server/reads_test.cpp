// Every read endpoint, in protobuf and in JSON (?format=json or Accept),
// and their errors (docs/api.md, "Reads").
#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "crypto/merkle.hpp"
#include "protocol/board_checkpoint.hpp"
#include "tests/server/board_fixture.hpp"

using senim::test::ElectionFixture;
namespace v1 = senim::v1;

namespace {

// GETs `target` as protobuf, as ?format=json and with Accept: application/json,
// and requires all three to hold the same message.
template <class Message>
Message read_all_ways(senim::net::HttpClient& client, const std::string& target) {
  auto proto = client.get(target);
  REQUIRE(proto.ok());
  INFO(target << ": " << proto->body);
  REQUIRE(proto->status == 200);
  CHECK(proto->content_type == "application/x-protobuf");
  Message from_proto;
  REQUIRE(from_proto.ParseFromString(proto->body));
  const char separator = target.find('?') == std::string::npos ? '?' : '&';
  for (int way = 0; way < 2; ++way) {
    auto json = way == 0 ? client.get(target + separator + "format=json")
                         : client.get(target, "application/json");
    REQUIRE(json.ok());
    REQUIRE(json->status == 200);
    CHECK(json->content_type == "application/json");
    // docs/api.md, "Encodings": the answer's own bytes fields are hex, so
    // protobuf's JSON parser (which wants base64) reads them back from it.
    auto readable = nlohmann::json::parse(json->body);
    const auto* descriptor = from_proto.GetDescriptor();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const auto* field = descriptor->field(i);
      if (field->type() != google::protobuf::FieldDescriptor::TYPE_BYTES || field->is_repeated())
        continue;
      const std::string value = from_proto.GetReflection()->GetString(from_proto, field);
      INFO(field->name());
      CHECK(readable.at(field->name()) == senim::to_hex(senim::as_bytes(value)));
      std::string encoded(sodium_base64_encoded_len(value.size(), sodium_base64_VARIANT_ORIGINAL),
                          '\0');
      sodium_bin2base64(encoded.data(), encoded.size(),
                        reinterpret_cast<const unsigned char*>(value.data()), value.size(),
                        sodium_base64_VARIANT_ORIGINAL);
      encoded.pop_back();
      readable[field->name()] = encoded;
    }
    Message from_json;
    REQUIRE(google::protobuf::util::JsonStringToMessage(readable.dump(), &from_json).ok());
    CHECK(from_json.SerializeAsString() == from_proto.SerializeAsString());
  }
  return from_proto;
}

v1::ApiError read_error(senim::net::HttpClient& client, const std::string& target,
                        unsigned status) {
  auto r = client.get(target + (target.find('?') == std::string::npos ? "?" : "&") + "format=json");
  REQUIRE(r.ok());
  INFO(target << ": " << r->body);
  CHECK(r->status == status);
  v1::ApiError e;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r->body, &e).ok());
  CHECK(!e.message().empty());
  return e;
}

}  // namespace

TEST_CASE("every read endpoint answers protobuf and JSON", "[server][reads]") {
  ElectionFixture f(3);
  auto& b = *f.builder;
  b.prepare();
  const senim::Hash32 code = b.cast(0, senim::protocol::BallotChoices{{{1U, 0U}}});
  f.post_range(0, b.entries().size());
  auto& c = *f.client;
  const auto size = b.entries().size();

  const auto info = read_all_ways<v1::BoardInfo>(c, "/v1/election");
  CHECK(info.phase() == "voting");
  CHECK(info.tree_size() == size);
  CHECK(info.credentials() == 3);
  CHECK(info.ballots_cast() == 1);
  CHECK(info.joint_key().size() == 32);
  CHECK(senim::same_bytes(info.board_key(), f.board_key));
  CHECK(info.log_origin() == b.log_origin());
  CHECK(info.board_vkey() == senim::tlog::format_vkey(f.vkey));
  CHECK(info.public_url() == f.server->url());

  const auto checkpoint = senim::test::fetch_checkpoint(c);
  CHECK(checkpoint.checkpoint.size == size);
  CHECK(senim::protocol::verify_board_checkpoint(checkpoint.note, f.vkey).ok());

  const auto list = read_all_ways<v1::EntryList>(c, "/v1/entries?start=1&count=3");
  CHECK(list.start() == 1);
  REQUIRE(list.entries_size() == 3);
  CHECK(senim::same_bytes(list.entries(0), b.entries()[1]));
  CHECK(read_all_ways<v1::EntryList>(c, "/v1/entries?start=" + std::to_string(size - 1))
            .entries_size() == 1);
  CHECK(read_all_ways<v1::EntryList>(c, "/v1/entries?start=999").entries_size() == 0);

  const auto inclusion = read_all_ways<v1::InclusionProof>(
      c, "/v1/proofs/inclusion?index=2&size=" + std::to_string(size));
  std::vector<senim::Hash32> path;
  for (const auto& h : inclusion.hashes())
    path.push_back(*senim::crypto::merkle::hash_from_bytes(senim::as_bytes(h)));
  CHECK(senim::crypto::merkle::verify_inclusion(2, size,
                                                senim::crypto::merkle::leaf_hash(b.entries()[2]),
                                                path, checkpoint.checkpoint.root)
            .ok());

  const auto consistency = read_all_ways<v1::ConsistencyProof>(
      c, "/v1/proofs/consistency?old=3&new=" + std::to_string(size));
  CHECK(consistency.old_size() == 3);
  CHECK(consistency.new_size() == size);
  CHECK(!consistency.hashes().empty());

  const auto ballot = read_all_ways<v1::BallotStatus>(c, "/v1/ballots/" + senim::to_hex(code));
  CHECK(ballot.state() == "cast");
  CHECK(ballot.leaf_index() == size - 1);

  const auto listed = read_all_ways<v1::CredentialStatus>(
      c, "/v1/credentials/" + senim::to_hex(b.voter_key(0).public_key()));
  CHECK(listed.listed());
  CHECK(listed.last_sequence() == 1);
  const auto unlisted =
      read_all_ways<v1::CredentialStatus>(c, "/v1/credentials/" + std::string(64, 'a'));
  CHECK(!unlisted.listed());

  auto record = c.get("/v1/record");
  REQUIRE(record.ok());
  CHECK(record->status == 200);
  CHECK(record->content_type == "application/octet-stream");
  CHECK(record->body.rfind("SENIMREC", 0) == 0);
}

TEST_CASE("read endpoints refuse bad parameters with the values in the message",
          "[server][reads]") {
  ElectionFixture f(2);
  auto& c = *f.client;
  CHECK(read_error(c, "/checkpoint", 404).code() == "not_found");
  CHECK(read_error(c, "/v1/witnessed-checkpoint", 404).code() == "not_found");
  CHECK(read_error(c, "/tile/0/000.p/1", 404).code() == "not_found");
  CHECK(read_error(c, "/v1/record", 404).code() == "not_found");
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  const auto size = std::to_string(f.builder->entries().size());

  auto e = read_error(c, "/v1/entries?count=1001", 400);
  CHECK(e.code() == "invalid_argument");
  CHECK(e.message() == "count 1001 exceeds the limit of 1000");
  CHECK(read_error(c, "/v1/entries?start=-1", 400).message().find("start=\"-1\"") !=
        std::string::npos);
  e = read_error(c, "/v1/proofs/inclusion?index=3&size=999", 400);
  CHECK(e.message() == "size 999 exceeds the board's size " + size);
  e = read_error(c, "/v1/proofs/inclusion?index=5&size=5", 400);
  CHECK(e.message() == "index 5 out of bounds for tree of size 5");
  CHECK(read_error(c, "/v1/proofs/inclusion?index=1", 400).message() ==
        "missing query parameter size");
  e = read_error(c, "/v1/proofs/consistency?old=0&new=3", 400);
  CHECK(e.message() == "old size 0 must be in [1, new size 3]");
  e = read_error(c, "/v1/proofs/consistency?old=4&new=3", 400);
  CHECK(e.message() == "old size 4 must be in [1, new size 3]");
  e = read_error(c, "/v1/proofs/consistency?old=1&new=1000", 400);
  CHECK(e.message() == "new size 1000 exceeds the board's size " + size);
  CHECK(read_error(c, "/v1/ballots/xyz", 400).code() == "invalid_argument");
  CHECK(read_error(c, "/v1/ballots/" + std::string(64, '0'), 404).code() == "not_found");
  CHECK(read_error(c, "/v1/credentials/abcd", 400).code() == "invalid_argument");
  CHECK(read_error(c, "/v1/nothing", 404).code() == "not_found");
  auto bad_format = c.get("/v1/election?format=xml");
  REQUIRE(bad_format.ok());
  CHECK(bad_format->status == 400);
}

TEST_CASE("a receipt in JSON carries its tracking code in hex (docs/api.md, Encodings)",
          "[server][reads]") {
  ElectionFixture f(3);
  auto& b = *f.builder;
  b.prepare();
  f.post_range(0, b.entries().size());
  const senim::Hash32 code = b.cast(1, senim::protocol::BallotChoices{{{0U, 1U}}});
  const senim::Bytes& ballot = b.entries().back();
  auto r =
      f.client->post("/v1/ballots?format=json",
                     std::string_view(reinterpret_cast<const char*>(ballot.data()), ballot.size()));
  REQUIRE(r.ok());
  INFO(r->body);
  REQUIRE(r->status == 200);
  const auto receipt = nlohmann::json::parse(r->body);
  CHECK(receipt.at("tracking_code") == senim::to_hex(code));
  CHECK(receipt.at("leaf_index") == std::to_string(b.entries().size() - 1));
  CHECK(receipt.at("tlog_proof").get<std::string>().starts_with("c2sp.org/tlog-proof@v1\n"));
}
