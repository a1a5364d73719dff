// Many voters at once: concurrent clients all get valid receipts, and the
// heads a watcher sees meanwhile only grow, each consistent with the last.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "tests/server/board_fixture.hpp"

using senim::Bytes;
namespace v1 = senim::v1;

TEST_CASE("concurrent clients all get valid receipts and checkpoints only grow",
          "[server][concurrency]") {
  constexpr std::uint32_t kVoters = 320;
  constexpr std::size_t kClients = 16;
  senim::test::ElectionFixture f(kVoters, 2, 2, false);
  auto& b = *f.builder;
  b.prepare();
  const std::size_t first_ballot = b.entries().size();
  f.post_range(0, first_ballot);
  b.cast_many(senim::sim::referendum_votes(kVoters), 2);

  std::atomic<bool> done{false};
  std::vector<std::string> seen;  // checkpoint notes, by the watcher, in order
  std::thread watcher([&] {
    auto client = senim::net::HttpClient::create(f.server->url());
    while (!done) {
      auto r = client->get("/checkpoint");
      if (r && r->status == 200)
        seen.push_back(r->body);
    }
  });
  std::mutex mutex;
  std::vector<std::pair<std::size_t, v1::Receipt>> receipts;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (std::size_t t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      auto client = senim::net::HttpClient::create(f.server->url());
      for (std::size_t i = first_ballot + t; i < b.entries().size(); i += kClients) {
        const Bytes& e = b.entries()[i];
        auto r = client->post("/v1/ballots",
                              std::string_view(reinterpret_cast<const char*>(e.data()), e.size()));
        v1::Receipt receipt;
        const std::lock_guard lock(mutex);
        if (!r || r->status != 200 || !receipt.ParseFromString(r->body)) {
          failures.push_back("ballot " + std::to_string(i) + ": " +
                             (r ? std::to_string(r->status) + " " + r->body : r.error().message));
          continue;
        }
        receipts.emplace_back(i, std::move(receipt));
      }
    });
  }
  for (auto& t : clients)
    t.join();
  done = true;
  watcher.join();

  INFO((failures.empty() ? std::string() : failures.front()));
  REQUIRE(failures.empty());
  REQUIRE(receipts.size() == kVoters);
  const auto final_checkpoint = senim::test::fetch_checkpoint(*f.client);
  CHECK(final_checkpoint.checkpoint.size == first_ballot + kVoters);
  std::set<std::uint64_t> leaves;
  for (const auto& [i, receipt] : receipts) {
    senim::test::check_receipt(receipt, b.entries()[i], f.vkey);
    leaves.insert(receipt.leaf_index());
    senim::test::check_consistent(*f.client, senim::test::receipt_checkpoint(receipt),
                                  final_checkpoint);
  }
  CHECK(leaves.size() == kVoters);  // one leaf each
  // Every checkpoint the watcher saw is the board's, and they only grow.
  INFO(seen.size() << " checkpoints seen by the watcher");
  for (std::size_t i = 0; i < seen.size(); ++i) {
    REQUIRE(senim::protocol::verify_board_checkpoint(seen[i], f.vkey).ok());
    if (i == 0)
      continue;
    const auto before = senim::test::parse_checkpoint_note(seen[i - 1]);
    const auto after = senim::test::parse_checkpoint_note(seen[i]);
    REQUIRE(before.checkpoint.size <= after.checkpoint.size);
    if (before.checkpoint.size != after.checkpoint.size)
      senim::test::check_consistent(*f.client, before, after);
  }
}
