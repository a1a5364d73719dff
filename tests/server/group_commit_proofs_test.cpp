// The board checks the proofs of a group commit's ballots together, with one
// MSM, and bisects a failed batch (docs/protocol.md §12.1, §5.6): many
// ballots posted at once, through the real server, among them one or two
// with a bad proof. Exactly the bad ones are refused, with the Errc and
// message the one-by-one check gives; every other one gets a receipt and is
// on the board.
#include <catch2/catch.hpp>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "protocol/entry.hpp"
#include "tests/protocol/bad_proof.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/metrics_scrape.hpp"

using senim::Bytes;
using senim::test::ElectionFixture;

namespace {

constexpr std::uint32_t kBallots = 24;

using senim::test::kChallengeByte;
using senim::test::kResponseByte;
using senim::test::with_bad_proof;

struct Round {
  std::vector<Bytes> ballots;                // voter v's at v
  std::vector<senim::test::Posted> answers;  // to ballots[v]
  double commits = 0;                        // group commits they took
};

// Opens an election of kBallots voters, makes one ballot each (`bad`: the
// voters whose ballot gets a bad proof, and where), and posts them all at
// once, one connection each, so that they share group commits.
Round post_at_once(ElectionFixture& f,
                   const std::vector<std::pair<std::uint32_t, std::size_t>>& bad) {
  auto& b = *f.builder;
  b.prepare();
  f.post_range(0, b.entries().size());
  const std::size_t first = b.entries().size();
  b.cast_many(senim::sim::referendum_votes(kBallots), 2);
  Round r;
  r.ballots.assign(b.entries().begin() + static_cast<std::ptrdiff_t>(first), b.entries().end());
  REQUIRE(r.ballots.size() == kBallots);
  for (const auto& [v, byte] : bad)
    r.ballots[v] = with_bad_proof(b, v, r.ballots[v], byte);
  const std::string before = senim::test::scrape_metrics(*f.client);
  const double commits_before =
      senim::test::metric_value(before, "senim_group_commit_entries_count").value_or(0);
  r.answers.resize(kBallots);
  std::latch start(kBallots);
  std::vector<std::thread> threads;
  for (std::uint32_t v = 0; v < kBallots; ++v) {
    threads.emplace_back([&, v] {
      auto client = senim::net::HttpClient::create(f.server->url());
      start.arrive_and_wait();
      if (client)
        r.answers[v] = senim::test::post_entry(*client, r.ballots[v]);
    });
  }
  for (std::thread& t : threads)
    t.join();
  const std::string after = senim::test::scrape_metrics(*f.client);
  r.commits = senim::test::metric_value(after, "senim_group_commit_entries_count").value_or(0) -
              commits_before;
  return r;
}

// The refusals are exactly the one-by-one verdicts, the rest are on the board.
void check_round(ElectionFixture& f, const Round& r, const std::set<std::uint32_t>& bad) {
  const auto board_before = senim::test::snapshot(*f.client);
  for (std::uint32_t v = 0; v < kBallots; ++v) {
    const senim::test::Posted& answer = r.answers[v];
    INFO("voter " << v << ": " << answer.status << " " << answer.error.code() << ": "
                  << answer.error.message());
    if (bad.count(v) == 0) {
      REQUIRE(answer.status == 200);
      senim::test::check_receipt(answer.receipt, r.ballots[v], f.vkey);
      continue;
    }
    // What the state answers checking this ballot alone (ProofCheck::now).
    auto alone = f.builder->state().precheck(r.ballots[v]);
    REQUIRE(!alone);
    CHECK(answer.status == 400);
    CHECK(answer.error.code() == std::string(senim::errc_name(alone.error().code)));
    CHECK(answer.error.message() == alone.error().message);
  }
  // Every honest ballot on the board, and nothing else: the board holds the
  // entries before voting and the honest ballots.
  const std::size_t before_voting = f.builder->entries().size() - kBallots;
  CHECK(board_before.size == before_voting + kBallots - bad.size());
}

}  // namespace

TEST_CASE("a group commit refuses exactly its ballot with a bad proof",
          "[server][group-commit][batch]") {
  ElectionFixture f(kBallots, 2, 2, false);
  const Round r = post_at_once(f, {{7, kResponseByte}});
  INFO(kBallots << " ballots in " << r.commits << " group commits");
  // They shared commits: at least one commit checked several ballots' proofs together.
  CHECK(r.commits < kBallots);
  // The response is wrong, so only the batch's MSM sees it: bisection named it.
  CHECK(r.answers[7].error.code() == "equation_failed");
  check_round(f, r, {7});
}

TEST_CASE("a group commit refuses exactly its two ballots with bad proofs",
          "[server][group-commit][batch]") {
  ElectionFixture f(kBallots, 2, 2, false);
  const Round r = post_at_once(f, {{3, kResponseByte}, {18, kResponseByte}, {11, kChallengeByte}});
  INFO(kBallots << " ballots in " << r.commits << " group commits");
  CHECK(r.commits < kBallots);
  CHECK(r.answers[3].error.code() == "equation_failed");
  CHECK(r.answers[18].error.code() == "equation_failed");
  CHECK(r.answers[11].error.code() == "challenge_mismatch");
  check_round(f, r, {3, 11, 18});
}
