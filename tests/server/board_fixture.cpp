#include "tests/server/board_fixture.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "crypto/merkle.hpp"
#include "protocol/entry.hpp"
#include "protocol/receipt.hpp"
#include "tlog/note.hpp"

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

protocol::BoardCheckpoint parse_checkpoint_note(const std::string& note) {
  auto parsed = tlog::parse_note(note);
  INFO(note);
  REQUIRE(parsed.ok());
  auto checkpoint = tlog::parse_checkpoint(parsed->text);
  REQUIRE(checkpoint.ok());
  return protocol::BoardCheckpoint{note, parsed->text, *checkpoint};
}

protocol::BoardCheckpoint fetch_checkpoint(net::HttpClient& client) {
  auto r = client.get("/checkpoint");
  REQUIRE(r.ok());
  REQUIRE((r->status == 200 || r->status == 404));
  if (r->status == 404)
    return {};
  CHECK(r->content_type == "text/plain; charset=utf-8");
  return parse_checkpoint_note(r->body);
}

protocol::BoardCheckpoint receipt_checkpoint(const v1::Receipt& receipt) {
  auto file = tlog::parse_proof_file(receipt.tlog_proof());
  REQUIRE(file.ok());
  return parse_checkpoint_note(file->checkpoint);
}

std::uint64_t receipt_size(const v1::Receipt& receipt) {
  return receipt_checkpoint(receipt).checkpoint.size;
}

BoardSnapshot snapshot(net::HttpClient& client) {
  const protocol::BoardCheckpoint checkpoint = fetch_checkpoint(client);
  return {checkpoint.checkpoint.size, checkpoint.checkpoint.root};
}

void check_receipt(const v1::Receipt& receipt, const Bytes& entry,
                   const tlog::VerifierKey& board_vkey) {
  auto parts = protocol::parse_receipt(receipt.tlog_proof());
  INFO(receipt.tlog_proof());
  REQUIRE(parts.ok());
  REQUIRE(parts->entry == entry);
  REQUIRE(parts->file.index == receipt.leaf_index());
  auto checkpoint = protocol::verify_board_checkpoint(parts->file.checkpoint, board_vkey);
  INFO((checkpoint ? std::string() : checkpoint.error().message));
  REQUIRE(checkpoint.ok());
  const auto verified = crypto::merkle::verify_inclusion(
      parts->file.index, checkpoint->checkpoint.size, crypto::merkle::leaf_hash(entry),
      parts->file.inclusion_proof, checkpoint->checkpoint.root);
  INFO((verified ? std::string() : verified.error().message));
  REQUIRE(verified.ok());
}

void check_consistent(net::HttpClient& client, const protocol::BoardCheckpoint& older,
                      const protocol::BoardCheckpoint& newer) {
  const tlog::Checkpoint& a = older.checkpoint;
  const tlog::Checkpoint& b = newer.checkpoint;
  REQUIRE(a.size <= b.size);
  if (a.size == b.size) {
    REQUIRE(a.root == b.root);
    return;
  }
  v1::ConsistencyProof proof;
  REQUIRE(get_message(client,
                      "/v1/proofs/consistency?old=" + std::to_string(a.size) +
                          "&new=" + std::to_string(b.size),
                      proof) == 200);
  std::vector<Hash32> path;
  for (const std::string& h : proof.hashes()) {
    auto hash = crypto::merkle::hash_from_bytes(as_bytes(h));
    REQUIRE(hash.ok());
    path.push_back(*hash);
  }
  const auto verified = crypto::merkle::verify_consistency(a.size, b.size, a.root, b.root, path);
  INFO("checkpoints of size " << a.size << " and " << b.size << ": "
                              << (verified ? std::string() : verified.error().message));
  REQUIRE(verified.ok());
}

ElectionFixture::ElectionFixture(std::uint32_t voters, std::uint32_t trustees,
                                 std::uint32_t threshold, bool validate,
                                 const PolicyMaker& witnesses, std::vector<std::string> server_args,
                                 std::uint32_t districts) {
  server = std::make_unique<ServerProcess>(dir.path() + "/board", std::move(server_args));
  auto c = net::HttpClient::create(server->url());
  REQUIRE(c.ok());
  client = std::make_unique<net::HttpClient>(std::move(*c));
  board_key = fetch_board_key(*client);
  sim::ElectionPlan plan;
  plan.manifest = sim::referendum_manifest("server-test-2026", false, districts);
  plan.voters = voters;
  plan.trustees = trustees;
  plan.threshold = threshold;
  plan.board_public_key = board_key;
  plan.validate = validate;
  plan.log_origin = "senim.example/server-test-2026";
  auto made = protocol::board_verifier_key(plan.log_origin, board_key);
  REQUIRE(made.ok());
  vkey = *made;
  if (witnesses)
    plan.manifest.set_witness_policy(witnesses(vkey));
  builder = std::make_unique<sim::ElectionBuilder>(std::move(plan));
}

void ElectionFixture::post_range(std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    const Bytes& entry = builder->entries().at(i);
    const Posted posted = post_entry(*client, entry);
    INFO("entry " << i << ": " << posted.error.code() << ": " << posted.error.message());
    REQUIRE(posted.status == 200);
    REQUIRE(posted.receipt.leaf_index() == i);
    check_receipt(posted.receipt, entry, vkey);
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
    check_receipt(posted.receipt, builder->entries().back(), vkey);
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
