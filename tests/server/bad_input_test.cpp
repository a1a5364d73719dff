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
#include "tests/protocol/wire_edits.hpp"
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

// `statement_bytes` signed again by the principal that signed `entry`.
Bytes signed_again(const senim::sim::ElectionBuilder& b, const Bytes& entry,
                   const std::string& statement_bytes) {
  return b.sign_as(senim::protocol::parse_entry(entry)->entry.signer(), statement_bytes);
}

// `entry` with its statement changed by `edit`, signed again by its signer.
template <class Edit>
Bytes resign(const senim::sim::ElectionBuilder& b, const Bytes& entry, Edit edit) {
  v1::Statement st = senim::protocol::parse_entry(entry)->statement;
  edit(st);
  return signed_again(b, entry, senim::protocol::serialize(st));
}

// `entry` with one byte of its signature's s (Ed25519's S) flipped: still
// canonical, so the equation is what fails, in either scheme (§11.1).
Bytes with_bad_signature(const Bytes& entry) {
  auto parsed = senim::protocol::parse_entry(entry);
  std::string sig = parsed->entry.signature();
  sig[40] = static_cast<char>(sig[40] ^ 0x20);
  parsed->entry.set_signature(sig);
  const std::string bytes = senim::protocol::serialize(parsed->entry);
  return {bytes.begin(), bytes.end()};
}

// Posts `body` and checks the answer, and that the board did not move.
void expect_refused(senim::net::HttpClient& client, const std::string& endpoint, const Bytes& body,
                    unsigned status, const std::string& code) {
  const auto before = senim::test::snapshot(client);
  const auto answer = senim::test::post_entry(client, body, endpoint);
  INFO(endpoint << ": " << answer.status << " " << answer.error.code() << ": "
                << answer.error.message());
  CHECK(answer.status == status);
  CHECK(answer.error.code() == code);
  CHECK(!answer.error.message().empty());
  CHECK(senim::test::snapshot(client) == before);
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

  void refused(const std::string& endpoint, const Bytes& body, unsigned status,
               const std::string& code) {
    expect_refused(*f.client, endpoint, body, status, code);
  }
};

}  // namespace

TEST_CASE("every write endpoint refuses a malformed body", "[server][bad-input]") {
  Prepared p;
  const Bytes garbage{0x0a, 0x05, 0x01};  // a 5-byte statement of which 1 byte is there
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

// docs/protocol.md §12, admission order: the state's cheap rules come before
// the signature. The board is in voting: only a challenge and the close are
// acceptable now, so only they reach the signature check.
TEST_CASE("a bad signature is refused with 403 once the state's rules pass, not before",
          "[server][bad-input]") {
  Prepared p;
  const std::map<std::string, std::pair<unsigned, std::string>> expected{
      {"/v1/challenges", {403, "signature_invalid"}},
      {"/v1/close", {403, "signature_invalid"}},
      {"/v1/ballots", {409, "duplicate"}},  // sequence 1 is on the board already
  };
  for (const std::string endpoint : kWriteEndpoints) {
    const auto it = expected.find(endpoint);
    const auto [status, code] =
        it != expected.end() ? it->second : std::pair<unsigned, std::string>{409, "wrong_phase"};
    p.refused(endpoint, with_bad_signature(p.sample.at(endpoint)), status, code);
  }
  const Bytes fresh = resign(*p.f.builder, p.sample.at("/v1/ballots"),
                             [](v1::Statement& st) { st.mutable_ballot()->set_sequence(2); });
  p.refused("/v1/ballots", with_bad_signature(fresh), 403, "signature_invalid");
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
        "ballot sequence 1 does not rise above 1, this credential's last: a repeated or replayed "
        "ballot");
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

// §8.1 rule 8 and §8.2 at the board: a set-up whose log origin or witness
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

// --- docs/protocol.md §11.1.1: one encoding per entry -----------------------

TEST_CASE("every write endpoint refuses a non-canonical entry, each rule with its own code",
          "[server][bad-input][canonical]") {
  Prepared p;
  using Edit = Bytes (*)(senim::ByteView);
  const std::vector<std::pair<Edit, std::string>> edits{
      {senim::test::wire::with_unknown_field, "unknown_field"},
      {senim::test::wire::with_padded_length, "noncanonical_varint"},
      {senim::test::wire::with_two_bodies, "repeated_field"},  // last-oneof-wins
      {senim::test::wire::with_fields_swapped, "field_order"},
      {senim::test::wire::with_empty_id, "default_value"},
  };
  for (const std::string endpoint : kWriteEndpoints) {
    const Bytes& entry = p.sample.at(endpoint);
    const std::string statement = senim::protocol::parse_entry(entry)->entry.statement();
    for (const auto& [edit, code] : edits) {
      // Signed again by its author: only the encoding is wrong.
      const Bytes edited = edit(senim::as_bytes(statement));
      p.refused(endpoint,
                signed_again(*p.f.builder, entry, std::string(edited.begin(), edited.end())), 400,
                code);
    }
    // The Entry's own bytes are not signed: a board could pad them. Refused too.
    p.refused(endpoint, senim::test::wire::with_unknown_field(entry), 400, "unknown_field");
  }
}

// --- docs/protocol.md §9.5: a challenged ciphertext is never cast --------------

namespace {

// A fresh election on a real server, open, with `voters` listed voters.
struct Voting {
  ElectionFixture f;
  explicit Voting(std::uint32_t voters = 4, std::uint32_t max_ballots = 10) : f(voters) {
    senim::sim::ElectionPlan plan = f.builder->plan();
    plan.manifest.set_max_ballots_per_credential(max_ballots);
    f.builder = std::make_unique<senim::sim::ElectionBuilder>(std::move(plan));
    f.builder->prepare();
    f.post_range(0, f.builder->entries().size());
  }
  const senim::protocol::VotingParameters& params() const {
    return *f.builder->state().parameters();
  }
  senim::protocol::EncryptedBallot encrypt(std::uint32_t voter, std::uint32_t sequence,
                                           const BallotChoices& choices) const {
    return *senim::protocol::encrypt_ballot(params(), f.builder->voter_public_key(voter), sequence,
                                            choices);
  }
  // The statement bytes of `ballot` (what its tracking code is of).
  std::string statement(const v1::Ballot& ballot) const {
    v1::Statement st = f.builder->statement();
    *st.mutable_ballot() = ballot;
    return senim::protocol::serialize(st);
  }
  Bytes cast(std::uint32_t voter, const std::string& statement_bytes) const {
    return senim::protocol::make_entry_from_statement_bytes(f.builder->voter_key(voter),
                                                            statement_bytes);
  }
  Bytes challenge(std::uint32_t voter, const senim::protocol::EncryptedBallot& made,
                  const std::string& statement_bytes) const {
    v1::Statement st = f.builder->statement();
    *st.mutable_challenge() = senim::protocol::reveal_ballot(made, statement_bytes);
    return senim::protocol::make_entry(f.builder->voter_key(voter), st);
  }
  // Posted to its kind's endpoint; an entry that does not parse is a ballot.
  void refused(const Bytes& body, unsigned status, const std::string& code) {
    const std::string endpoint =
        senim::protocol::parse_entry(body) ? senim::test::endpoint_for(body) : "/v1/ballots";
    expect_refused(*f.client, endpoint, body, status, code);
  }
  void accepted(const Bytes& body) {
    const auto answer = senim::test::post_entry(*f.client, body);
    INFO(answer.error.code() << ": " << answer.error.message());
    REQUIRE(answer.status == 200);
  }
};

// The nonces `made` was encrypted with, as encrypt_ballot_with draws them:
// what its challenge reveals to everyone.
senim::protocol::NonceSource nonces_of(const senim::protocol::EncryptedBallot& made) {
  auto nonces = std::make_shared<std::vector<senim::crypto::Scalar>>();
  for (std::size_t c = 0; c < made.secrets.size(); ++c) {
    const auto& s = made.secrets[c];
    nonces->insert(nonces->end(), s.nonces.begin(), s.nonces.end());
    if (!made.ballot.contests(static_cast<int>(c)).blank().empty())
      nonces->push_back(s.blank_nonce);
  }
  auto next = std::make_shared<std::size_t>(0);
  return [nonces, next] { return nonces->at((*next)++); };
}

}  // namespace

TEST_CASE("a challenged ballot can never be cast, however it is encoded (issue 7)",
          "[server][bad-input][challenge]") {
  Voting v;
  const auto made = v.encrypt(0, 1, yes());
  const std::string shown = v.statement(made.ballot);
  // The attack: a challenge of the ballot with an unknown field added, so
  // that the original bytes have another tracking code. Refused at once.
  const Bytes padded = senim::test::wire::with_unknown_field(senim::as_bytes(shown));
  v.refused(v.challenge(0, made, std::string(padded.begin(), padded.end())), 400, "unknown_field");
  // An honest challenge; from now on its nonces are public.
  v.accepted(v.challenge(0, made, shown));
  // The very bytes, and the same bytes with an unknown field.
  v.refused(v.cast(0, shown), 409, "ciphertext_reused");
  v.refused(v.cast(0, std::string(padded.begin(), padded.end())), 400, "unknown_field");
  // The same ciphertexts and proofs under another sequence number: canonical,
  // another tracking code, valid proofs (they do not bind the sequence).
  v1::Ballot renumbered = made.ballot;
  renumbered.set_sequence(2);
  v.refused(v.cast(0, v.statement(renumbered)), 409, "ciphertext_reused");
  // Re-encrypted with the revealed nonces for another voter, freshly proven.
  auto copied = senim::protocol::encrypt_ballot_with(v.params(), v.f.builder->voter_public_key(2),
                                                     1, yes(), nonces_of(made));
  REQUIRE(copied.ok());
  REQUIRE(senim::protocol::ciphertext_alphas(copied->ballot) ==
          senim::protocol::ciphertext_alphas(made.ballot));
  v.refused(v.cast(2, v.statement(copied->ballot)), 409, "ciphertext_reused");
  // The same challenge again is the same entry: its receipt again (§11.3).
  v.accepted(v.challenge(0, made, shown));
  // A second challenge of the same ciphertexts, under another sequence
  // number: already opened.
  v.refused(v.challenge(0, made, v.statement(renumbered)), 409, "duplicate");
  // And a fresh encryption of the same choice is cast as usual.
  v.accepted(v.cast(0, v.statement(v.encrypt(0, 1, yes()).ballot)));
}

TEST_CASE("a cast ballot can never be challenged, not even under another credential",
          "[server][bad-input][challenge]") {
  Voting v;
  const auto made = v.encrypt(1, 1, yes());
  const std::string cast = v.statement(made.ballot);
  v.accepted(v.cast(1, cast));
  v.refused(v.challenge(1, made, cast), 409, "ciphertext_reused");
  // A device that made the cast ballot knows its nonces and could publish
  // them in a challenge of another voter's re-encryption: refused as well.
  auto copied = senim::protocol::encrypt_ballot_with(v.params(), v.f.builder->voter_public_key(3),
                                                     1, yes(), nonces_of(made));
  REQUIRE(copied.ok());
  v.refused(v.challenge(3, *copied, v.statement(copied->ballot)), 409, "ciphertext_reused");
}

// --- docs/protocol.md §9.3 step 1: no identity α --------------------------------

TEST_CASE("a ballot encrypted with every nonce 0 is refused: anyone could read it",
          "[server][bad-input]") {
  Voting v;
  auto zero = senim::protocol::encrypt_ballot_with(v.params(), v.f.builder->voter_public_key(0), 1,
                                                   yes(), [] { return senim::crypto::Scalar(); });
  REQUIRE(zero.ok());  // its proofs are valid: only the identity rule refuses it
  const Bytes entry = v.cast(0, v.statement(zero->ballot));
  v.refused(entry, 400, "identity_element");
  const auto answer = senim::test::post_entry(*v.f.client, entry);
  CHECK_THAT(answer.error.message(),
             Catch::Matchers::Contains("contest 1 option 1: α is the identity"));
}

// --- docs/protocol.md §9.6: last < sequence ≤ max_ballots_per_credential ------

TEST_CASE(
    "sequence numbers run from 1 to the manifest's limit, and 2^32-1 no longer ends re-voting",
    "[server][bad-input][revote]") {
  Voting v(2, 2);
  auto ballot = [&](std::uint32_t sequence) {
    return v.cast(0, v.statement(v.encrypt(0, sequence, yes()).ballot));
  };
  v.refused(ballot(UINT32_MAX), 400, "out_of_range");
  v.refused(ballot(3), 400, "out_of_range");
  v.accepted(ballot(1));
  v.refused(ballot(1), 409, "duplicate");
  v.accepted(ballot(2));
  // The limit is reached: no number is left.
  v.refused(ballot(2), 409, "duplicate");
  v.refused(ballot(3), 400, "out_of_range");
  v1::CredentialStatus status;
  REQUIRE(senim::test::get_message(
              *v.f.client, "/v1/credentials/" + senim::to_hex(v.f.builder->voter_public_key(0)),
              status) == 200);
  CHECK(status.last_sequence() == 2);
}

// --- docs/protocol.md §12: cheap checks before costly ones ------------------------

TEST_CASE("an unlisted credential is refused before its signature or proofs are looked at",
          "[server][bad-input][order]") {
  Voting v;
  const auto stranger = senim::protocol::CredentialKey::generate();
  auto made = senim::protocol::encrypt_ballot(v.params(), stranger.public_key(), 1, yes());
  REQUIRE(made.ok());
  std::string* proof = made->ballot.mutable_contests(0)->mutable_selection_proofs(0);
  (*proof)[40] = static_cast<char>((*proof)[40] ^ 0x01);  // a broken proof …
  v1::Statement st = v.f.builder->statement();
  *st.mutable_ballot() = made->ballot;
  // … and a broken signature: neither is reached.
  const Bytes entry = with_bad_signature(senim::protocol::make_entry(stranger, st));
  v.refused(entry, 403, "not_authorized");
  // A listed voter's replay with the same two faults: the sequence rule first.
  v.accepted(v.cast(1, v.statement(v.encrypt(1, 1, yes()).ballot)));
  v1::Ballot replay = v.encrypt(1, 1, yes()).ballot;
  *replay.mutable_contests(0)->mutable_selection_proofs(0) = *proof;
  v.refused(with_bad_signature(v.cast(1, v.statement(replay))), 409, "duplicate");
  // With the state's rules met, the signature, then the proofs.
  replay.set_sequence(2);
  v.refused(with_bad_signature(v.cast(1, v.statement(replay))), 403, "signature_invalid");
  const Bytes bad_proof = v.cast(1, v.statement(replay));
  const auto answer = senim::test::post_entry(*v.f.client, bad_proof);
  CHECK(answer.status == 400);
  CHECK((answer.error.code() == "challenge_mismatch" || answer.error.code() == "equation_failed" ||
         answer.error.code() == "invalid_encoding"));
}
