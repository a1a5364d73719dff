#include "tests/server/board_fixture.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "crypto/merkle.hpp"
#include "protocol/entry.hpp"
#include "protocol/tree_head.hpp"

namespace senim::test {

std::string endpoint_for(const Bytes& entry) {
  auto parsed = protocol::parse_entry(entry);
  if (!parsed)
    throw std::runtime_error("endpoint_for: entry does not parse");
  switch (parsed->statement.body_case()) {
    case v1::Statement::kSetup:
      return "/v1/setup";
    case v1::Statement::kDeal:
      return "/v1/deals";
    case v1::Statement::kReady:
      return "/v1/ready";
    case v1::Statement::kComplaint:
      return "/v1/complaints";
    case v1::Statement::kCredentials:
      return "/v1/credentials";
    case v1::Statement::kOpen:
      return "/v1/open";
    case v1::Statement::kBallot:
      return "/v1/ballots";
    case v1::Statement::kChallenge:
      return "/v1/challenges";
    case v1::Statement::kClose:
      return "/v1/close";
    case v1::Statement::kTally:
      return "/v1/tally";
    case v1::Statement::kPartial:
      return "/v1/partials";
    case v1::Statement::kResult:
      return "/v1/result";
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  throw std::runtime_error("endpoint_for: no body");
}

Posted post_entry(net::HttpClient& client, const Bytes& entry, std::string path) {
  if (path.empty())
    path = endpoint_for(entry);
  auto r = client.post(path,
                       std::string_view(reinterpret_cast<const char*>(entry.data()), entry.size()));
  REQUIRE(r.ok());
  Posted out;
  out.status = r->status;
  if (r->status == 200) {
    REQUIRE(out.receipt.ParseFromString(r->body));
  } else {
    REQUIRE(out.error.ParseFromString(r->body));
  }
  return out;
}

unsigned get_message(net::HttpClient& client, const std::string& target,
                     google::protobuf::Message& message) {
  auto r = client.get(target);
  REQUIRE(r.ok());
  if (r->status == 200)
    REQUIRE(message.ParseFromString(r->body));
  return r->status;
}

protocol::PublicKey fetch_board_key(net::HttpClient& client) {
  v1::BoardInfo info;
  REQUIRE(get_message(client, "/v1/election", info) == 200);
  auto key = protocol::parse_public_key(as_bytes(info.board_key()));
  REQUIRE(key.ok());
  return *key;
}

v1::SignedTreeHead fetch_tree_head(net::HttpClient& client) {
  v1::SignedTreeHead head;
  const unsigned status = get_message(client, "/v1/tree-head", head);
  REQUIRE((status == 200 || status == 404));
  return head;
}

BoardSnapshot snapshot(net::HttpClient& client) {
  const v1::SignedTreeHead head = fetch_tree_head(client);
  return {head.tree_size(), head.root_hash()};
}

void check_receipt(const v1::Receipt& receipt, const Bytes& entry, ByteView board_key) {
  REQUIRE(same_bytes(receipt.board_key(), board_key));
  REQUIRE(protocol::verify_tree_head(receipt.tree_head(), board_key).ok());
  const Hash32 leaf = crypto::merkle::leaf_hash(entry);
  REQUIRE(same_bytes(receipt.leaf_hash(), leaf));
  REQUIRE(receipt.inclusion().leaf_index() == receipt.leaf_index());
  REQUIRE(receipt.inclusion().tree_size() == receipt.tree_head().tree_size());
  REQUIRE(receipt.election_id() == receipt.tree_head().election_id());
  std::vector<Hash32> path;
  for (const std::string& h : receipt.inclusion().hashes()) {
    auto hash = crypto::merkle::hash_from_bytes(as_bytes(h));
    REQUIRE(hash.ok());
    path.push_back(*hash);
  }
  const auto verified =
      crypto::merkle::verify_inclusion(receipt.leaf_index(), receipt.tree_head().tree_size(), leaf,
                                       path, protocol::tree_head_root(receipt.tree_head()));
  INFO((verified ? std::string() : verified.error().message));
  REQUIRE(verified.ok());
}

void check_consistent(net::HttpClient& client, const v1::SignedTreeHead& older,
                      const v1::SignedTreeHead& newer) {
  REQUIRE(older.tree_size() <= newer.tree_size());
  if (older.tree_size() == newer.tree_size()) {
    REQUIRE(older.root_hash() == newer.root_hash());
    return;
  }
  v1::ConsistencyProof proof;
  REQUIRE(get_message(client,
                      "/v1/proofs/consistency?old=" + std::to_string(older.tree_size()) +
                          "&new=" + std::to_string(newer.tree_size()),
                      proof) == 200);
  std::vector<Hash32> path;
  for (const std::string& h : proof.hashes()) {
    auto hash = crypto::merkle::hash_from_bytes(as_bytes(h));
    REQUIRE(hash.ok());
    path.push_back(*hash);
  }
  const auto verified = crypto::merkle::verify_consistency(older.tree_size(), newer.tree_size(),
                                                           protocol::tree_head_root(older),
                                                           protocol::tree_head_root(newer), path);
  INFO("heads of size " << older.tree_size() << " and " << newer.tree_size() << ": "
                        << (verified ? std::string() : verified.error().message));
  REQUIRE(verified.ok());
}

ElectionFixture::ElectionFixture(std::uint32_t voters, std::uint32_t trustees,
                                 std::uint32_t threshold, bool validate,
                                 std::vector<std::string> server_args) {
  server = std::make_unique<ServerProcess>(dir.path() + "/board", std::move(server_args));
  auto c = net::HttpClient::create(server->url());
  REQUIRE(c.ok());
  client = std::make_unique<net::HttpClient>(std::move(*c));
  board_key = fetch_board_key(*client);
  sim::ElectionPlan plan;
  plan.manifest = sim::referendum_manifest("server-test-2026");
  plan.voters = voters;
  plan.trustees = trustees;
  plan.threshold = threshold;
  plan.board_public_key = board_key;
  plan.validate = validate;
  builder = std::make_unique<sim::ElectionBuilder>(std::move(plan));
}

void ElectionFixture::post_range(std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    const Bytes& entry = builder->entries().at(i);
    const Posted posted = post_entry(*client, entry);
    INFO("entry " << i << ": " << posted.error.code() << ": " << posted.error.message());
    REQUIRE(posted.status == 200);
    REQUIRE(posted.receipt.leaf_index() == i);
    check_receipt(posted.receipt, entry, board_key);
  }
}

std::vector<v1::Receipt> ElectionFixture::open_and_vote(std::uint32_t ballots) {
  builder->prepare();
  post_range(0, builder->entries().size());
  std::vector<v1::Receipt> receipts;
  receipts.reserve(ballots);
  for (std::uint32_t v = 0; v < ballots; ++v) {
    builder->cast(v, protocol::BallotChoices{{{v % 2 == 0 ? 1U : 0U, v % 2 == 0 ? 0U : 1U}}});
    const Posted posted = post_entry(*client, builder->entries().back());
    REQUIRE(posted.status == 200);
    check_receipt(posted.receipt, builder->entries().back(), board_key);
    receipts.push_back(posted.receipt);
  }
  return receipts;
}

std::size_t ElectionFixture::index_of(v1::Statement::BodyCase kind) const {
  auto i = builder->find(kind);
  if (!i)
    throw std::runtime_error("the builder made no entry of this kind");
  return *i;
}

}  // namespace senim::test
