// senim-verify's batch engine (verifier/ballot_batch.hpp): 4,096 ballots in
// one batch, as senim-verify checks them by default. One bad proof or one bad
// signature among them is named, with its error, and nothing else is.
#include "verifier/ballot_batch.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "protocol/entry.hpp"
#include "sim/election_builder.hpp"
#include "verifier/record_verifier.hpp"

using senim::Errc;

namespace {

constexpr std::uint32_t kVoters = 256;
constexpr std::size_t kBatch = senim::verifier::kDefaultBallotsPerBatch;

struct Election {
  std::unique_ptr<senim::sim::ElectionBuilder> builder;
  std::size_t first_ballot = 0;
};

// A referendum with one ballot per voter, made once for every test here.
const Election& election() {
  static const Election e = [] {
    senim::sim::ElectionPlan plan;
    plan.manifest = senim::sim::referendum_manifest("batch-e");
    plan.voters = kVoters;
    plan.validate = false;
    Election out;
    out.builder = std::make_unique<senim::sim::ElectionBuilder>(plan);
    out.builder->prepare();
    out.first_ballot = out.builder->entries().size();
    out.builder->cast_many(senim::sim::referendum_votes(kVoters), 2);
    return out;
  }();
  return e;
}

// The 256 ballots, over and over, to fill a batch (the batch engine does not
// look across ballots: the re-vote rule is applied later, in log order).
std::vector<senim::verifier::BallotTask> tasks() {
  const Election& e = election();
  std::vector<senim::verifier::BallotTask> out;
  for (std::size_t i = 0; i < kBatch; ++i) {
    senim::verifier::BallotTask t;
    t.leaf = i;
    t.parsed = e.builder->parsed(e.first_ballot + i % kVoters);
    out.push_back(std::move(t));
  }
  return out;
}

std::uint32_t voter_of(const senim::protocol::ParsedEntry& p) {
  for (std::uint32_t v = 0; v < kVoters; ++v) {
    const auto& key = election().builder->voter_public_key(v);
    if (std::string(key.begin(), key.end()) == p.entry.signer())
      return v;
  }
  FAIL("no voter signed this ballot");
  return 0;
}

// The ballot with v_0 of its first option's proof raised by one and signed
// again by its voter: the challenge still holds (it hashes no response), so
// only the group equations fail.
senim::protocol::ParsedEntry with_bad_response(const senim::protocol::ParsedEntry& p) {
  senim::v1::Statement st = p.statement;
  std::string proof = st.ballot().contests(0).selection_proofs(0);
  auto v = senim::crypto::Scalar::decode(senim::as_bytes(proof).subspan(96, 32));
  REQUIRE(v.ok());
  const auto raised = (*v + senim::crypto::Scalar::one()).encode();
  proof.replace(96, 32, std::string(raised.begin(), raised.end()));
  st.mutable_ballot()->mutable_contests(0)->set_selection_proofs(0, proof);
  const senim::Bytes entry =
      senim::sim::ElectionBuilder::sign(election().builder->voter_key(voter_of(p)), st);
  auto parsed = senim::protocol::parse_entry(entry);
  REQUIRE(parsed.ok());
  return std::move(*parsed);
}

const senim::protocol::VotingParameters& parameters() {
  return *election().builder->state().parameters();
}

void require_all_good_but(const std::vector<senim::verifier::BallotOutcome>& out,
                          std::size_t except) {
  REQUIRE(out.size() == kBatch);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i == except)
      continue;
    INFO("ballot " << i);
    REQUIRE(out[i].signature.ok());
    REQUIRE(out[i].form.ok());
    REQUIRE(out[i].proofs.has_value());
    REQUIRE(out[i].proofs->ok());
  }
}

}  // namespace

TEST_CASE("a batch of 4,096 honest ballots passes every check", "[verifier][batch]") {
  const auto out = senim::verifier::check_ballot_batch(parameters(), "batch-e", tasks());
  require_all_good_but(out, kBatch);
  CHECK(out[17].tally_vector.size() == 2);
}

TEST_CASE("one bad proof among 4,096 ballots is named, with the proof and equation",
          "[verifier][batch]") {
  constexpr std::size_t kBad = 2345;
  auto t = tasks();
  t[kBad].parsed = with_bad_response(t[kBad].parsed);
  const auto out = senim::verifier::check_ballot_batch(parameters(), "batch-e", t);
  require_all_good_but(out, kBad);
  CHECK(out[kBad].signature.ok());
  CHECK(out[kBad].form.ok());
  REQUIRE(out[kBad].proofs.has_value());
  REQUIRE_FALSE(out[kBad].proofs->ok());
  CHECK(out[kBad].proofs->error().code == Errc::equation_failed);
  CHECK(out[kBad].proofs->error().message.rfind("contest 1 option 1: range proof branch 0", 0) ==
        0);
}

// The credential signatures are in the batch's MSM (docs/protocol.md
// §11.1.2): a false one is found by the bisection and named alone, with
// the one-by-one check's error.
TEST_CASE("one bad signature among 4,096 ballots is named, and its proofs still pass",
          "[verifier][batch]") {
  constexpr std::size_t kBad = 1000;
  auto t = tasks();
  std::string signature = t[kBad].parsed.entry.signature();
  signature[40] = static_cast<char>(signature[40] ^ 0x01);  // s: still canonical, now false
  t[kBad].parsed.entry.set_signature(signature);
  const auto out = senim::verifier::check_ballot_batch(parameters(), "batch-e", t);
  require_all_good_but(out, kBad);
  REQUIRE_FALSE(out[kBad].signature.ok());
  CHECK(out[kBad].signature.error().code == Errc::signature_invalid);
  const senim::Status alone = senim::protocol::verify_entry_signature(t[kBad].parsed);
  REQUIRE_FALSE(alone.ok());
  CHECK(out[kBad].signature.error().message == alone.error().message);
  REQUIRE(out[kBad].proofs.has_value());
  CHECK(out[kBad].proofs->ok());
}

TEST_CASE("a signature whose R is no encoding is refused in the batch without bisection",
          "[verifier][batch]") {
  constexpr std::size_t kBad = 77;
  auto t = tasks();
  t.resize(500);
  std::string signature = t[kBad].parsed.entry.signature();
  signature[31] = static_cast<char>(signature[31] ^ 0x80);  // bit 255 of R
  t[kBad].parsed.entry.set_signature(signature);
  const auto out = senim::verifier::check_ballot_batch(parameters(), "batch-e", t);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i == kBad)
      continue;
    INFO("ballot " << i);
    REQUIRE(out[i].signature.ok());
    REQUIRE(out[i].proofs->ok());
  }
  REQUIRE_FALSE(out[kBad].signature.ok());
  CHECK(out[kBad].signature.error().code == Errc::invalid_encoding);
  CHECK_THAT(out[kBad].signature.error().message,
             Catch::Contains("R is not a canonical ristretto255 encoding"));
}

TEST_CASE("a bad signature and a bad proof in one batch are each named for what is bad",
          "[verifier][batch]") {
  auto t = tasks();
  t.resize(600);
  std::string signature = t[10].parsed.entry.signature();
  signature[40] = static_cast<char>(signature[40] ^ 0x01);
  t[10].parsed.entry.set_signature(signature);
  t[590].parsed = with_bad_response(t[590].parsed);
  const auto out = senim::verifier::check_ballot_batch(parameters(), "batch-e", t);
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("ballot " << i);
    CHECK(out[i].signature.ok() == (i != 10));
    REQUIRE(out[i].proofs.has_value());
    CHECK(out[i].proofs->ok() == (i != 590));
  }
  CHECK(out[10].signature.error().code == Errc::signature_invalid);
  CHECK(out[590].proofs->error().code == Errc::equation_failed);
}

TEST_CASE("two bad proofs in a batch shorter than the default are both named",
          "[verifier][batch]") {
  auto t = tasks();
  t.resize(300);
  t[0].parsed = with_bad_response(t[0].parsed);
  t[299].parsed = with_bad_response(t[299].parsed);
  const auto out = senim::verifier::check_ballot_batch(parameters(), "batch-e", t);
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO("ballot " << i);
    REQUIRE(out[i].proofs.has_value());
    CHECK(out[i].proofs->ok() == (i != 0 && i != 299));
  }
  CHECK(out[0].proofs->error().code == Errc::equation_failed);
  CHECK(out[299].proofs->error().code == Errc::equation_failed);
}
