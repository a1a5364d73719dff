// ElectionState's deferred proofs (docs/protocol.md §12.1): verify() with
// ProofCheck::deferred leaves a ballot's proofs pending, admit() refuses a
// pending ballot, and verify_pending_proofs checks many in one batch with,
// for every entry, exactly the one-by-one verdict (Errc and message).
#include <catch2/catch.hpp>

#include "protocol/election_state.hpp"
#include "protocol/entry.hpp"
#include "sim/election_builder.hpp"
#include "tests/protocol/bad_proof.hpp"

using senim::Bytes;
using senim::Errc;
using senim::protocol::ElectionState;
using senim::test::kChallengeByte;
using senim::test::kResponseByte;
using senim::test::with_bad_proof;

TEST_CASE("deferred ballot proofs: batched verdicts equal the one-by-one ones",
          "[protocol][batch][election]") {
  constexpr std::uint32_t kVoters = 8;
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("deferred-2026");
  plan.voters = kVoters;
  plan.validate = false;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  const std::size_t first = b.entries().size();
  b.cast_many(senim::sim::referendum_votes(kVoters), 1);
  std::vector<Bytes> entries = b.entries();
  entries[first + 2] =
      with_bad_proof(b, 2, entries[first + 2], kResponseByte);  // a response: the MSM
  entries[first + 5] = with_bad_proof(b, 5, entries[first + 5], kChallengeByte);  // a challenge sum

  // A replica of the board's state up to voting.
  ElectionState state([&](std::uint64_t leaf) { return senim::Expected<Bytes>(entries.at(leaf)); },
                      nullptr);
  for (std::size_t i = 0; i < first; ++i)
    REQUIRE(state.apply(entries[i], i));

  std::vector<ElectionState::Prechecked> pending;
  for (std::size_t i = first; i < entries.size(); ++i) {
    auto parsed = senim::protocol::parse_entry(entries[i]);
    REQUIRE(parsed);
    auto pre = state.verify(std::move(*parsed), entries[i], ElectionState::ProofCheck::deferred);
    REQUIRE(pre);  // the signature and the decoding hold for all of them
    CHECK(pre->proofs_pending);
    pending.push_back(std::move(*pre));
  }
  // Not admitted with its proofs unchecked, and nothing changes.
  const auto refused = state.admit(pending[0], first);
  REQUIRE(!refused);
  CHECK(refused.error().code == Errc::invalid_argument);
  CHECK(state.ballots_cast() == 0);

  const std::vector<senim::Status> verdicts = state.verify_pending_proofs(pending);
  REQUIRE(verdicts.size() == kVoters);
  for (std::uint32_t v = 0; v < kVoters; ++v) {
    INFO("voter " << v);
    const auto alone = state.precheck(entries[first + v]);  // ProofCheck::now
    CHECK(verdicts[v].ok() == alone.ok());
    CHECK(pending[v].proofs_pending == !alone.ok());
    if (!alone) {
      REQUIRE(!verdicts[v]);
      CHECK(verdicts[v].error().code == alone.error().code);
      CHECK(verdicts[v].error().message == alone.error().message);
    }
  }
  CHECK(verdicts[2].error().code == Errc::equation_failed);
  CHECK(verdicts[5].error().code == Errc::challenge_mismatch);
  // The others are admitted in order.
  std::uint64_t leaf = first;
  for (std::uint32_t v = 0; v < kVoters; ++v) {
    if (verdicts[v])
      CHECK(state.admit(pending[v], leaf++));
  }
  CHECK(state.ballots_cast() == kVoters - 2);
}

TEST_CASE("deferred ballot proofs: nothing pending, nothing to check", "[protocol][batch]") {
  std::vector<ElectionState::Prechecked> none(2);
  const ElectionState state(nullptr, nullptr);
  const auto verdicts = state.verify_pending_proofs(none);
  REQUIRE(verdicts.size() == 2);
  CHECK(verdicts[0].ok());
  CHECK(verdicts[1].ok());
}
