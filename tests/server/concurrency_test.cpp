// Many voters at once: concurrent clients all get valid receipts, and the
// heads a watcher sees meanwhile only grow, each consistent with the last.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "protocol/tree_head.hpp"
#include "tests/server/board_fixture.hpp"

using senim::Bytes;
namespace v1 = senim::v1;

TEST_CASE("concurrent clients all get valid receipts and heads only grow",
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
  std::vector<v1::SignedTreeHead> seen;  // by the watcher, in order
  std::thread watcher([&] {
    auto client = senim::net::HttpClient::create(f.server->url());
    while (!done) {
      auto r = client->get("/v1/tree-head");
      v1::SignedTreeHead head;
      if (r && r->status == 200 && head.ParseFromString(r->body))
        seen.push_back(head);
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
  const v1::SignedTreeHead final_head = senim::test::fetch_tree_head(*f.client);
  CHECK(final_head.tree_size() == first_ballot + kVoters);
  std::set<std::uint64_t> leaves;
  for (const auto& [i, receipt] : receipts) {
    senim::test::check_receipt(receipt, b.entries()[i], f.board_key);
    leaves.insert(receipt.leaf_index());
    senim::test::check_consistent(*f.client, receipt.tree_head(), final_head);
  }
  CHECK(leaves.size() == kVoters);  // one leaf each
  // Group commit: far fewer heads than ballots, when clients overlap.
  INFO(seen.size() << " heads seen by the watcher");
  for (std::size_t i = 1; i < seen.size(); ++i) {
    REQUIRE(seen[i - 1].tree_size() <= seen[i].tree_size());
    REQUIRE(seen[i - 1].timestamp_ms() <= seen[i].timestamp_ms());
    if (seen[i - 1].tree_size() != seen[i].tree_size()) {
      senim::test::check_consistent(*f.client, seen[i - 1], seen[i]);
    }
  }
}
