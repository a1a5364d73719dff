// Bad input on every write endpoint: each is refused with the right status
// and ApiError code, and the board is unchanged (same tree size and root).
#include <array>
#include <catch2/catch.hpp>
#include <map>

#include "protocol/entry.hpp"
#include "server/limits.hpp"
#include "tests/server/board_fixture.hpp"

using senim::Bytes;
using senim::protocol::BallotChoices;
using senim::test::ElectionFixture;
namespace v1 = senim::v1;

namespace {

const std::array<const char*, 12> kWriteEndpoints{
    "/v1/setup",       "/v1/deals", "/v1/ready",    "/v1/complaints",
    "/v1/credentials", "/v1/open",  "/v1/ballots",  "/v1/challenges",
    "/v1/close",       "/v1/tally", "/v1/partials", "/v1/result"};

BallotChoices yes() {
  return BallotChoices{{{1U, 0U}}};
}

// The key among the election's principals that signed `entry`.
senim::protocol::SigningKey signer_of(const senim::sim::ElectionBuilder& b, const Bytes& entry) {
  const std::string signer = senim::protocol::parse_entry(entry)->entry.signer();
  auto copy = [](const senim::protocol::SigningKey& k) {
    return *senim::protocol::SigningKey::from_seed(k.seed());
  };
  if (senim::same_bytes(signer, b.authority_key().public_key()))
    return copy(b.authority_key());
  for (std::uint32_t t = 1; t <= b.plan().trustees; ++t) {
    if (senim::same_bytes(signer, b.trustee_key(t).public_key()))
      return copy(b.trustee_key(t));
  }
  for (std::uint32_t v = 0; v < b.plan().voters; ++v) {
    if (senim::same_bytes(signer, b.voter_public_key(v)))
      return b.voter_key(v);
  }
  throw std::runtime_error("unknown signer");
}

// `entry` with its statement changed by `edit`, signed again by its signer.
template <class Edit>
Bytes resign(const senim::sim::ElectionBuilder& b, const Bytes& entry, Edit edit) {
  v1::Statement st = senim::protocol::parse_entry(entry)->statement;
  edit(st);
  return senim::protocol::make_entry(signer_of(b, entry), st);
}

// An election made to the end (every kind of entry but a complaint, which
// is made here), with the board posted up to and including the ballots.
struct Prepared {
  ElectionFixture f{3};
  std::map<std::string, Bytes> sample;  // endpoint → a valid entry of its kind
  std::size_t posted = 0;

  Prepared() {
    auto& b = *f.builder;
    b.prepare();
    b.cast(0, yes());
    b.challenge(1, yes());
    b.finish();
    for (const Bytes& e : b.entries())
      sample.emplace(senim::test::endpoint_for(e), e);
    v1::Statement complaint = b.statement();
    complaint.mutable_complaint()->set_trustee(1);
    complaint.mutable_complaint()->set_dealer(2);
    complaint.mutable_complaint()->set_box_secret_key(std::string(32, '\x01'));
    sample["/v1/complaints"] = senim::protocol::make_entry(b.trustee_key(1), complaint);
    posted = f.index_of(v1::Statement::kClose);
    f.post_range(0, posted);
  }

  // Posts and checks the answer, and that the board did not move.
  void refused(const std::string& endpoint, const Bytes& body, unsigned status,
               const std::string& code) {
    const auto before = senim::test::snapshot(*f.client);
    const auto answer = senim::test::post_entry(*f.client, body, endpoint);
    INFO(endpoint << ": " << answer.status << " " << answer.error.code() << ": "
                  << answer.error.message());
    CHECK(answer.status == status);
    CHECK(answer.error.code() == code);
    CHECK(!answer.error.message().empty());
    CHECK(senim::test::snapshot(*f.client) == before);
  }
};

}  // namespace

TEST_CASE("every write endpoint refuses a malformed body", "[server][bad-input]") {
  Prepared p;
  const Bytes garbage{0xff, 0xff, 0xff, 0x07, 0x00};
  for (const std::string endpoint : kWriteEndpoints) {
    p.refused(endpoint, garbage, 400, "invalid_encoding");
    p.refused(endpoint, Bytes{}, 400, "invalid_length");  // an empty Entry: no signer
  }
}

TEST_CASE("every write endpoint refuses an oversized body with 413", "[server][bad-input]") {
  Prepared p;
  const Bytes huge(senim::server::limits::kMaxBodyBytes + 1, 0x0a);
  for (const std::string endpoint : kWriteEndpoints)
    p.refused(endpoint, huge, 413, "too_large");
}

TEST_CASE("every write endpoint refuses another kind of entry and names the right endpoint",
          "[server][bad-input]") {
  Prepared p;
  for (const std::string endpoint : kWriteEndpoints) {
    const std::string other = endpoint == "/v1/ballots" ? "/v1/open" : "/v1/ballots";
    const auto before = senim::test::snapshot(*p.f.client);
    const auto answer = senim::test::post_entry(*p.f.client, p.sample.at(other), endpoint);
    INFO(endpoint << ": " << answer.error.message());
    CHECK(answer.status == 400);
    CHECK(answer.error.code() == "invalid_argument");
    CHECK(answer.error.message().find("post it to " + other) != std::string::npos);
    CHECK(senim::test::snapshot(*p.f.client) == before);
  }
}

TEST_CASE("every write endpoint refuses a bad signature with 403", "[server][bad-input]") {
  Prepared p;
  for (const std::string endpoint : kWriteEndpoints) {
    auto parsed = senim::protocol::parse_entry(p.sample.at(endpoint));
    std::string sig = parsed->entry.signature();
    sig[5] = static_cast<char>(sig[5] ^ 0x20);
    parsed->entry.set_signature(sig);
    const std::string bytes = parsed->entry.SerializeAsString();
    p.refused(endpoint, Bytes(bytes.begin(), bytes.end()), 403, "signature_invalid");
  }
}

TEST_CASE("every write endpoint refuses an entry for another election", "[server][bad-input]") {
  Prepared p;
  for (const std::string endpoint : kWriteEndpoints) {
    const Bytes other = resign(*p.f.builder, p.sample.at(endpoint),
                               [](v1::Statement& st) { st.set_election_id("another-election"); });
    p.refused(endpoint, other, 400, "invalid_argument");
  }
}

TEST_CASE("a ballot with an invalid proof is refused", "[server][bad-input]") {
  Prepared p;
  auto& b = *p.f.builder;
  const Bytes ballot = resign(b, p.sample.at("/v1/ballots"), [](v1::Statement& st) {
    st.mutable_ballot()->set_sequence(7);  // a fresh sequence: only the proof is wrong
    std::string* proof = st.mutable_ballot()->mutable_contests(0)->mutable_selection_proofs(0);
    (*proof)[40] = static_cast<char>((*proof)[40] ^ 0x01);
  });
  const auto before = senim::test::snapshot(*p.f.client);
  const auto answer = senim::test::post_entry(*p.f.client, ballot);
  INFO(answer.error.code() << ": " << answer.error.message());
  CHECK(answer.status == 400);
  CHECK((answer.error.code() == "challenge_mismatch" || answer.error.code() == "invalid_encoding" ||
         answer.error.code() == "equation_failed"));
  CHECK(senim::test::snapshot(*p.f.client) == before);
}

TEST_CASE("a ballot from a credential that is not listed is refused with 403",
          "[server][bad-input]") {
  ElectionFixture f(3);
  auto& b = *f.builder;
  b.prepare();
  b.cast(2, yes());
  const std::size_t credentials = f.index_of(v1::Statement::kCredentials);
  // The same list without voter 2.
  const Bytes shorter = resign(b, b.entries()[credentials], [](v1::Statement& st) {
    st.mutable_credentials()->mutable_credentials()->RemoveLast();
  });
  f.post_range(0, credentials);
  REQUIRE(senim::test::post_entry(*f.client, shorter).status == 200);
  f.post_range(credentials + 1, f.index_of(v1::Statement::kBallot));
  const auto before = senim::test::snapshot(*f.client);
  const auto answer = senim::test::post_entry(*f.client, b.entries().back());
  CHECK(answer.status == 403);
  CHECK(answer.error.code() == "not_authorized");
  CHECK(answer.error.message().find(senim::to_hex(b.voter_key(2).public_key())) !=
        std::string::npos);
  CHECK(senim::test::snapshot(*f.client) == before);
}

TEST_CASE("a ballot after the close is refused with 409", "[server][bad-input]") {
  Prepared p;
  const Bytes& ballot = p.sample.at("/v1/ballots");
  const Bytes fresh =
      resign(*p.f.builder, ballot, [](v1::Statement& st) { st.mutable_ballot()->set_sequence(2); });
  REQUIRE(senim::test::post_entry(*p.f.client, p.sample.at("/v1/close")).status == 200);
  p.refused("/v1/ballots", fresh, 409, "wrong_phase");
}

TEST_CASE("a different ballot that reuses a sequence number is refused with 409 duplicate",
          "[server][bad-input]") {
  ElectionFixture f(3);
  auto& b = *f.builder;
  b.prepare();
  b.cast(0, yes());
  b.cast(0, yes());  // sequence 2, other ciphertexts
  const Bytes first = b.entries().at(b.entries().size() - 2);
  // The second ballot's ciphertexts under the first one's sequence number:
  // other bytes, so not a retry of the first.
  const Bytes replay = resign(b, b.entries().back(),
                              [](v1::Statement& st) { st.mutable_ballot()->set_sequence(1); });
  REQUIRE(replay != first);
  f.post_range(0, b.entries().size() - 1);
  const auto before = senim::test::snapshot(*f.client);
  const auto answer = senim::test::post_entry(*f.client, replay);
  CHECK(answer.status == 409);
  CHECK(answer.error.code() == "duplicate");
  CHECK(answer.error.message() ==
        "ballot sequence 1 is not above this credential's last, 1 (a replayed ballot?)");
  CHECK(senim::test::snapshot(*f.client) == before);
}

TEST_CASE("wrong methods, unknown paths and content types are refused", "[server][bad-input]") {
  Prepared p;
  auto& c = *p.f.client;
  const auto before = senim::test::snapshot(c);
  auto r = c.get("/v1/ballots");
  REQUIRE(r.ok());
  CHECK(r->status == 405);
  r = c.post("/v1/election", "x");
  REQUIRE(r.ok());
  CHECK(r->status == 405);
  r = c.get("/v2/nothing");
  REQUIRE(r.ok());
  CHECK(r->status == 404);
  const Bytes& ballot = p.sample.at("/v1/ballots");
  r = c.post("/v1/ballots",
             std::string_view(reinterpret_cast<const char*>(ballot.data()), ballot.size()),
             "application/x-www-form-urlencoded");
  REQUIRE(r.ok());
  CHECK(r->status == 415);
  CHECK(senim::test::snapshot(c) == before);
}
