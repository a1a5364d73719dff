// A voter whose answer was lost (a crash, a timeout) posts the same bytes
// again and gets the existing receipt: 200, the same leaf, a current head,
// a valid inclusion proof, and the board unchanged (docs/api.md, "Writes";
// docs/protocol.md §11.3). For every kind of entry.
#include <catch2/catch.hpp>
#include <thread>

#include "protocol/receipt.hpp"
#include "tests/server/board_fixture.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;
namespace v1 = senim::v1;

namespace {

senim::protocol::BallotChoices yes() {
  return senim::protocol::BallotChoices{{{1U, 0U}}};
}

// Posting `entry` again answers the receipt of leaf `index` against the
// board's current checkpoint, and changes nothing.
void check_posted_again(senim::net::HttpClient& client, const Bytes& entry, std::uint64_t index,
                        const senim::test::ElectionFixture& f) {
  const auto before = senim::test::snapshot(client);
  const auto again = senim::test::post_entry(client, entry);
  INFO("leaf " << index << ": " << again.error.code() << ": " << again.error.message());
  REQUIRE(again.status == 200);
  CHECK(again.receipt.leaf_index() == index);
  auto checked = senim::protocol::verify_receipt(again.receipt.tlog_proof(),
                                                 *f.builder->state().config(), &entry);
  INFO((checked ? std::string() : checked.error().message));
  CHECK(checked.ok());
  senim::test::check_receipt(again.receipt, entry, f.vkey);
  const auto under = senim::test::receipt_checkpoint(again.receipt).checkpoint;
  CHECK(under.size == before.size);
  CHECK(under.root == before.root);
  CHECK(senim::test::snapshot(client) == before);
}

}  // namespace

TEST_CASE("every kind of entry posted again gets its receipt again", "[server][lost-answer]") {
  ElectionFixture f(3);
  auto& b = *f.builder;
  b.prepare();
  b.cast(0, yes());
  b.challenge(1, yes());
  b.finish();
  for (std::size_t i = 0; i < b.entries().size(); ++i) {
    f.post_range(i, i + 1);
    check_posted_again(*f.client, b.entries()[i], i, f);
  }
  // And at the end, against the final head.
  for (std::size_t i = 0; i < b.entries().size(); ++i)
    check_posted_again(*f.client, b.entries()[i], i, f);
  // The endpoint still has to match: the kind is checked first.
  const Bytes& ballot = b.entries().at(f.index_of(v1::Statement::kBallot));
  const auto wrong = senim::test::post_entry(*f.client, ballot, "/v1/challenges");
  CHECK(wrong.status == 400);
  CHECK(wrong.error.code() == "invalid_argument");
}

TEST_CASE("a complaint posted again gets its receipt again", "[server][lost-answer]") {
  ElectionFixture f(2);
  auto& b = *f.builder;
  b.setup();
  f.post_range(0, 1);
  // Deals only: a complaint ends the ceremony (§6.4.2).
  b.ceremony();
  const std::size_t deals_end = *b.find(v1::Statement::kReady);
  f.post_range(1, deals_end);
  v1::Statement complaint = b.statement();
  complaint.mutable_complaint()->set_trustee(1);
  complaint.mutable_complaint()->set_dealer(2);
  complaint.mutable_complaint()->set_box_secret_key(std::string(32, '\x01'));
  const Bytes entry = senim::protocol::make_entry(b.trustee_key(1), complaint);
  const auto first = senim::test::post_entry(*f.client, entry);
  REQUIRE(first.status == 200);
  check_posted_again(*f.client, entry, first.receipt.leaf_index(), f);
}

TEST_CASE("after kill -9 and a restart, a ballot posted again gets its receipt again",
          "[server][lost-answer][recovery]") {
  ElectionFixture f(3);
  const auto receipts = f.open_and_vote(2);
  const Bytes ballot = f.builder->entries().back();
  const std::uint64_t size = senim::test::receipt_size(receipts.back());
  f.server->kill9();  // the answer was lost with the server
  f.server = std::make_unique<senim::test::ServerProcess>(f.data_dir());
  auto client = senim::net::HttpClient::create(f.server->url());
  REQUIRE(client.ok());
  check_posted_again(*client, ballot, receipts.back().leaf_index(), f);
  CHECK(senim::test::fetch_checkpoint(*client).checkpoint.size == size);
  v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*client, "/v1/election", info) == 200);
  CHECK(info.ballots_cast() == 2);
}

TEST_CASE("two copies of one entry posted at once both get the receipt of one leaf",
          "[server][lost-answer][concurrency]") {
  constexpr std::uint32_t kVoters = 24;
  ElectionFixture f(kVoters, 2, 2, false);
  auto& b = *f.builder;
  b.prepare();
  f.post_range(0, b.entries().size());
  const std::size_t first_ballot = b.entries().size();
  b.cast_many(senim::sim::referendum_votes(kVoters), 2);
  // Each ballot is sent by two clients at the same moment: the second copy
  // is admitted in the same batch as the first, or in a later one, or
  // found on the board before any check; every way, it gets the first's leaf.
  std::vector<std::vector<v1::Receipt>> got(2);
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < 2; ++c) {
    clients.emplace_back([&, c] {
      auto client = senim::net::HttpClient::create(f.server->url());
      for (std::size_t i = first_ballot; i < b.entries().size(); ++i) {
        const Bytes& e = b.entries()[i];
        auto r = client->post("/v1/ballots",
                              std::string_view(reinterpret_cast<const char*>(e.data()), e.size()));
        v1::Receipt receipt;
        if (r && r->status == 200 && receipt.ParseFromString(r->body))
          got[c].push_back(receipt);
        else
          got[c].emplace_back();  // counted as a failure below
      }
    });
  }
  for (auto& t : clients)
    t.join();
  for (std::size_t i = 0; i < kVoters; ++i) {
    INFO("ballot " << i);
    REQUIRE(!got[0][i].tlog_proof().empty());
    REQUIRE(!got[1][i].tlog_proof().empty());
    CHECK(got[0][i].leaf_index() == got[1][i].leaf_index());
    senim::test::check_receipt(got[1][i], b.entries()[first_ballot + i], f.vkey);
  }
  CHECK(senim::test::fetch_checkpoint(*f.client).checkpoint.size == first_ballot + kVoters);
}
