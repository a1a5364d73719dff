// Bad input on every write endpoint: each is refused with the right status
// and ApiError code, and the board is unchanged (same tree size and root).
#include <array>
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "crypto/key_ceremony.hpp"
#include "protocol/entry.hpp"
#include "protocol/trustee_messages.hpp"
#include "server/limits.hpp"
#include "tests/server/board_fixture.hpp"
#include "tlog/vkey.hpp"

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

TEST_CASE("a set-up with a control or bidi character in a text is refused, naming the field",
          "[server][bad-input][text]") {
  ElectionFixture f;
  auto& b = *f.builder;
  b.setup();
  const Bytes& setup = b.entries().at(0);
  struct Case {
    std::function<void(v1::Statement&)> edit;
    std::string message;
  };
  const std::vector<Case> cases{
      {[](v1::Statement& st) {
         auto* option =
             st.mutable_setup()->mutable_manifest()->mutable_contests(0)->mutable_options(0);
         (*option->mutable_label()->mutable_text())["kk"] = "Иә\x1b[2K\rЖоқ";
       },
       "manifest: contest referendum option yes label (kk): control character U+001B at byte 4"},
      {[](v1::Statement& st) {
         (*st.mutable_setup()->mutable_manifest()->mutable_title()->mutable_text())["en"] =
             "National \xE2\x81\xA7referendum";
       },
       "manifest: title (en): bidirectional control U+2067 at byte 9"},
      {[](v1::Statement& st) { st.mutable_setup()->mutable_trustees(1)->set_name("Trustee\n2"); },
       "set-up: trustee 2 name: control character U+000A at byte 7"},
  };
  for (const Case& c : cases) {
    const Bytes bad = resign(b, setup, c.edit);
    const auto before = senim::test::snapshot(*f.client);
    const auto answer = senim::test::post_entry(*f.client, bad);
    INFO(answer.error.message());
    CHECK(answer.status == 400);
    CHECK(answer.error.code() == "invalid_argument");
    CHECK(answer.error.message() == c.message);
    CHECK(senim::test::snapshot(*f.client) == before);
  }
  // The same set-up without the characters is accepted.
  CHECK(senim::test::post_entry(*f.client, setup).status == 200);
}

// §6.3.1 at the board: a set-up whose box keys break a rule is refused with
// the rule's error, and the board stays empty.
TEST_CASE("a set-up with a bad box key is refused, and the board stays empty",
          "[server][bad-input][box-key]") {
  ElectionFixture f(1, 3, 2);
  auto& b = *f.builder;
  struct Case {
    const char* name;
    std::function<void(v1::Statement&)> edit;
    unsigned status;
    std::string code;
    std::string message;
  };
  const auto sign_into = [&](v1::Statement& st, int t, const senim::crypto::BoxPublicKey& box) {
    auto* info = st.mutable_setup()->mutable_trustees(t - 1);
    info->set_box_key(senim::to_string(box));
    info->set_box_key_signature(senim::to_string(senim::protocol::sign_box_key(
        b.trustee_key(static_cast<std::uint32_t>(t)), st.election_id(), f.board_key, box)));
  };
  const auto box_of = [](const v1::Statement& st, int t) {
    senim::crypto::BoxPublicKey box{};
    REQUIRE(senim::copy_exact(st.setup().trustees(t - 1).box_key(), box));
    return box;
  };
  const std::vector<Case> cases{
      {"missing signature",
       [](v1::Statement& st) {
         st.mutable_setup()->mutable_trustees(1)->clear_box_key_signature();
       },
       400, "invalid_length", "set-up: trustee 2: box key signature must be 64 bytes, got 0"},
      {"signed for another election",
       [&](v1::Statement& st) {
         const auto box = box_of(st, 2);
         st.mutable_setup()->mutable_trustees(1)->set_box_key_signature(senim::to_string(
             senim::protocol::sign_box_key(b.trustee_key(2), "another-2026", f.board_key, box)));
       },
       403, "signature_invalid", "set-up: trustee 2: box key"},
      {"two trustees with one box key", [&](v1::Statement& st) { sign_into(st, 2, box_of(st, 1)); },
       400, "invalid_argument", "set-up: trustee 2 repeats trustee 1's box key"},
      {"a box key of small order", [&](v1::Statement& st) { sign_into(st, 3, {}); }, 400,
       "invalid_argument", "is a point of small order"},
  };
  for (const Case& c : cases) {
    v1::Statement st = b.setup_statement();
    c.edit(st);
    const auto answer = senim::test::post_entry(
        *f.client, senim::sim::ElectionBuilder::sign(b.authority_key(), st), "/v1/setup");
    INFO(c.name << ": " << answer.status << " " << answer.error.code() << ": "
                << answer.error.message());
    CHECK(answer.status == c.status);
    CHECK(answer.error.code() == c.code);
    CHECK(answer.error.message().find(c.message) != std::string::npos);
    CHECK(senim::test::snapshot(*f.client).size == 0);
  }
}

// §8.1 rule 6 and §8.2 at the board: a set-up whose log origin or witness
// policy breaks its rule is refused with the rule's error, the board stays
// empty and signs nothing.
TEST_CASE("a set-up with a bad log origin or witness policy is refused, and the board stays empty",
          "[server][bad-input][checkpoint]") {
  ElectionFixture f(1);
  auto& b = *f.builder;
  const std::string board_vkey = senim::tlog::format_vkey(f.vkey);
  const auto w = senim::protocol::SigningKey::generate();
  const std::string witness_vkey =
      senim::tlog::format_vkey(*senim::tlog::make_verifier_key("w1.example", 0x04, w.public_key()));
  struct Case {
    const char* name;
    std::function<void(v1::Statement&)> edit;
    std::string code;
    std::string message;
  };
  const std::vector<Case> cases{
      {"no origin", [](v1::Statement& st) { st.mutable_setup()->clear_log_origin(); },
       "invalid_argument", "set-up: log origin must be 1 to 255 bytes, not 0"},
      {"an origin with a space",
       [](v1::Statement& st) { st.mutable_setup()->set_log_origin("board kz/ref"); },
       "invalid_argument", "set-up: log origin byte 5 is 0x20"},
      {"an origin with '+'",
       [](v1::Statement& st) { st.mutable_setup()->set_log_origin("board+kz/ref"); },
       "invalid_argument", "set-up: log origin byte 5 is 0x2b"},
      {"a policy with a log line",
       [&](v1::Statement& st) {
         st.mutable_setup()->mutable_manifest()->set_witness_policy(
             "log " + board_vkey + "\nwitness w1 " + witness_vkey + "\nquorum w1\n");
       },
       "invalid_argument", "manifest: witness policy: line 1 names a log"},
      {"a policy without a quorum",
       [&](v1::Statement& st) {
         st.mutable_setup()->mutable_manifest()->set_witness_policy("witness w1 " + witness_vkey +
                                                                    "\n");
       },
       "invalid_encoding", "manifest: witness policy: "},
      {"a witness with the board's key type",
       [&](v1::Statement& st) {
         st.mutable_setup()->mutable_manifest()->set_witness_policy("witness w1 " + board_vkey +
                                                                    "\nquorum w1\n");
       },
       "invalid_argument", "manifest: witness policy: policy line 1"},
  };
  for (const Case& c : cases) {
    v1::Statement st = b.setup_statement();
    c.edit(st);
    const auto answer = senim::test::post_entry(
        *f.client, senim::sim::ElectionBuilder::sign(b.authority_key(), st), "/v1/setup");
    INFO(c.name << ": " << answer.status << " " << answer.error.code() << ": "
                << answer.error.message());
    CHECK(answer.status == 400);
    CHECK(answer.error.code() == c.code);
    CHECK(answer.error.message().find(c.message) != std::string::npos);
    CHECK(senim::test::snapshot(*f.client).size == 0);
    CHECK(f.client->get("/checkpoint")->status == 404);
  }
}

// Issue 7, item 2, at the board: trustee 1 complained in an earlier ceremony
// of this election on another board, revealing its box key. A set-up naming
// that key again, with the trustee's old signature, is refused by the new
// board; the same set-up with a fresh, signed box key is accepted.
TEST_CASE("a box key revealed by a complaint on an earlier board is refused by the next",
          "[server][bad-input][box-key][regression]") {
  ElectionFixture f(1, 3, 2);
  auto& b = *f.builder;
  const auto earlier = senim::sim::failed_earlier_ceremony(b, 1, 2);
  const v1::TrusteeInfo exposed = earlier->parsed(0).statement.setup().trustees(0);

  v1::Statement st = b.setup_statement();
  *st.mutable_setup()->mutable_trustees(0) = exposed;
  const auto answer = senim::test::post_entry(
      *f.client, senim::sim::ElectionBuilder::sign(b.authority_key(), st), "/v1/setup");
  INFO(answer.error.message());
  CHECK(answer.status == 403);
  CHECK(answer.error.code() == "signature_invalid");
  CHECK(answer.error.message().find(
            "set-up: trustee 1: box key " + senim::to_hex(senim::as_bytes(exposed.box_key())) +
            " is not signed by its trustee for election \"server-test-2026\" on board " +
            senim::to_hex(f.board_key)) != std::string::npos);
  CHECK(senim::test::snapshot(*f.client).size == 0);
  // The honest set-up, with trustee 1's fresh box key, goes on.
  b.setup();
  f.post_range(0, 1);
}
