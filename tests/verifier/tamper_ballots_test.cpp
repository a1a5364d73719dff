// The tamper catalogue, checks 10–15: ballots and challenges
// (docs/verifier-checks.md). A board that adds, changes or repeats a ballot
// posts a tally consistent with the log it then holds (retally), so that
// only the check about the ballot itself can fail.
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

#include "protocol/entry.hpp"
#include "tests/verifier/tamper_fixture.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using senim::to_string;
using senim::protocol::CredentialKey;
using senim::sim::demo_choices;
using senim::sim::ElectionBuilder;
using senim::v1::Statement;
using senim::verifier::Check;
using senim::verifier::Report;
using namespace senim::tamper;

// --- 10 eligibility ----------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "eligibility: a ballot under a stranger's credential", "[tamper]") {
  const CredentialKey stranger = CredentialKey::generate();
  insert(leaf::kClose, ballot(stranger, 1, demo_choices(0, {1, 1, 0, 0, 0})));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::eligibility));
  CHECK_THAT(first_failure(report, Check::eligibility),
             StartsWith(at(leaf::kClose)) &&
                 Contains("a ballot signed by " + senim::to_hex(stranger.public_key()) +
                          ", which is not on the credential list"));
}

TEST_CASE_METHOD(TamperFixture, "eligibility: a challenge under a stranger's credential",
                 "[tamper]") {
  const CredentialKey stranger = CredentialKey::generate();
  insert(leaf::kClose, challenge(stranger, 1, demo_choices(1, {0, 0, 0, 0, 0})));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::eligibility));
  CHECK_THAT(first_failure(report, Check::eligibility),
             StartsWith(at(leaf::kClose)) && Contains("a challenged ballot signed by"));
}

// --- 11 ballot-form -----------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "ballot-form: a ballot naming another election's base hash",
                 "[tamper]") {
  edit(leaf::kBallotV3,
       [](Statement& st) { st.mutable_ballot()->set_base_hash(std::string(32, 'B')); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_form));
  CHECK_THAT(first_failure(report, Check::ballot_form),
             StartsWith(at(leaf::kBallotV3)) && Contains("ballot is for another election"));
}

TEST_CASE_METHOD(TamperFixture, "ballot-form: a ballot whose credential field names another voter",
                 "[tamper]") {
  const std::string other = to_string(b.voter_key(kIdleVoter).public_key());
  edit(leaf::kBallotV3, [&](Statement& st) { st.mutable_ballot()->set_credential(other); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_form));
  CHECK_THAT(first_failure(report, Check::ballot_form),
             StartsWith(at(leaf::kBallotV3)) && Contains("is not its signer"));
}

TEST_CASE_METHOD(TamperFixture, "ballot-form: a first ballot numbered 0", "[tamper]") {
  edit(leaf::kBallotV3, [](Statement& st) { st.mutable_ballot()->set_sequence(0); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_form));
  CHECK_THAT(first_failure(report, Check::ballot_form),
             StartsWith(at(leaf::kBallotV3)) && Contains("sequence numbers start at 1"));
}

TEST_CASE_METHOD(TamperFixture, "ballot-form: a ballot missing its second contest", "[tamper]") {
  edit(leaf::kBallotV3,
       [](Statement& st) { st.mutable_ballot()->mutable_contests()->RemoveLast(); });
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_form));
  CHECK_THAT(
      first_failure(report, Check::ballot_form),
      StartsWith(at(leaf::kBallotV3)) && Contains("ballot has 1 contests; the election has 2"));
}

TEST_CASE_METHOD(TamperFixture,
                 "ballot-form: a ballot encrypted with every nonce 0 (readable by anyone)",
                 "[tamper]") {
  // Its proofs are valid: only §9.3 step 1's identity rule refuses it.
  auto zero = senim::protocol::encrypt_ballot_with(parameters(), b.voter_key(3).public_key(), 1,
                                                   demo_choices(0, {0, 0, 0, 1, 1}),
                                                   [] { return senim::crypto::Scalar(); });
  REQUIRE(zero.ok());
  Statement st = b.statement();
  *st.mutable_ballot() = zero->ballot;
  b.replace_entry(leaf::kBallotV3, ElectionBuilder::sign(b.voter_key(3), st));
  retally();  // it does not decode: nobody counts it
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_form));
  CHECK_THAT(first_failure(report, Check::ballot_form),
             StartsWith(at(leaf::kBallotV3)) &&
                 Contains("contest 1 option 1: α is the identity (a nonce of 0)"));
}

TEST_CASE_METHOD(TamperFixture,
                 "ballot-form: a range proof's response written as v + ℓ (not canonical)",
                 "[tamper]") {
  // v + ℓ is the same scalar mod ℓ, so a lenient reader would accept the
  // proof; §9.3 step 1 requires every scalar canonical, so the ballot fails
  // its form (check 11), does not decode, and is not counted.
  edit(leaf::kBallotV3, [](Statement& st) {
    std::string proof = st.ballot().contests(0).selection_proofs(0);
    // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
    const unsigned char ell[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                   0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
    unsigned carry = 0;
    for (std::size_t i = 0; i < 32; ++i) {  // branch 0's v: bytes 96..127 (§5.3)
      const unsigned sum = static_cast<unsigned char>(proof[96 + i]) + ell[i] + carry;
      proof[96 + i] = static_cast<char>(sum & 0xff);
      carry = sum >> 8;
    }
    REQUIRE(carry == 0);
    st.mutable_ballot()->mutable_contests(0)->set_selection_proofs(0, proof);
  });
  retally();  // it does not decode: nobody counts it
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_form));
  CHECK_THAT(first_failure(report, Check::ballot_form),
             StartsWith(at(leaf::kBallotV3)) && Contains("contest 1 option 1") &&
                 Contains("scalar is not reduced mod l (non-canonical)"));
}

// --- 12 ballot-proofs ---------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture,
                 "ballot-proofs: one option ciphertext swapped for another ballot's, re-signed",
                 "[tamper]") {
  const std::string theirs = statement(leaf::kBallotV1).ballot().contests(0).selections(0);
  edit(leaf::kBallotV3,
       [&](Statement& st) { st.mutable_ballot()->mutable_contests(0)->set_selections(0, theirs); });
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_proofs));
  CHECK_THAT(first_failure(report, Check::ballot_proofs),
             StartsWith(at(leaf::kBallotV3)) && Contains("contest 1 option 1"));
}

TEST_CASE_METHOD(TamperFixture, "ballot-proofs: a proof copied from another ballot, re-signed",
                 "[tamper]") {
  const std::string theirs = statement(leaf::kBallotV1).ballot().contests(1).selection_proofs(2);
  edit(leaf::kBallotV3, [&](Statement& st) {
    st.mutable_ballot()->mutable_contests(1)->set_selection_proofs(2, theirs);
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_proofs));
  CHECK_THAT(first_failure(report, Check::ballot_proofs),
             StartsWith(at(leaf::kBallotV3)) && Contains("contest 2 option 3"));
}

TEST_CASE_METHOD(TamperFixture,
                 "ballot-proofs: a ballot copied to another credential (its proofs name the first)",
                 "[tamper]") {
  Statement st = statement(leaf::kBallotV1);
  st.mutable_ballot()->set_credential(to_string(b.voter_key(kIdleVoter).public_key()));
  st.mutable_ballot()->set_sequence(1);
  insert(leaf::kClose, ElectionBuilder::sign(b.voter_key(kIdleVoter), st));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::ballot_proofs));
  CHECK_THAT(first_failure(report, Check::ballot_proofs),
             StartsWith(at(leaf::kClose)) && Contains("contest 1 option 1"));
}

// --- 13 no-duplicate-ballot --------------------------------------------------------

TEST_CASE_METHOD(
    TamperFixture,
    "no-duplicate-ballot: a ballot's entry appended again, the tally following the log",
    "[tamper]") {
  insert(leaf::kClose, b.entries().at(leaf::kBallotV1));
  retally();  // the re-vote rule: the copy replaces the original
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::no_duplicate_ballot));
  CHECK_THAT(first_failure(report, Check::no_duplicate_ballot),
             StartsWith(at(leaf::kClose)) && Contains("ballot sequence 1 does not rise above 1") &&
                 Contains("(credential " + senim::to_hex(b.voter_key(1).public_key()) + ")"));
}

TEST_CASE_METHOD(
    TamperFixture,
    "no-duplicate-ballot: a voter's old ballot replayed after its re-vote, and counted",
    "[tamper]") {
  insert(leaf::kClose, b.entries().at(leaf::kBallotV0));
  retally();  // counts the replay, not the re-vote
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::no_duplicate_ballot));
  CHECK_THAT(first_failure(report, Check::no_duplicate_ballot),
             StartsWith(at(leaf::kClose)) && Contains("ballot sequence 1 does not rise above 2"));
}

TEST_CASE_METHOD(TamperFixture,
                 "no-duplicate-ballot: a ballot numbered 2^32-1, beyond the re-vote limit",
                 "[tamper]") {
  // The proofs do not bind the number: re-signed, the ballot is valid but for it.
  edit(leaf::kBallotV3, [](Statement& st) { st.mutable_ballot()->set_sequence(UINT32_MAX); });
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::no_duplicate_ballot));
  CHECK_THAT(first_failure(report, Check::no_duplicate_ballot),
             StartsWith(at(leaf::kBallotV3)) &&
                 Contains("ballot sequence 4294967295 exceeds the election's "
                          "max_ballots_per_credential, 10"));
}

// Not a single-check case: counting both copies also counts a ballot that a
// later ballot of its credential (the copy) supersedes, though the tally
// names the superseded ballots right.
TEST_CASE_METHOD(TamperFixture,
                 "no-duplicate-ballot and aggregate: a ballot appended again and counted twice",
                 "[tamper]") {
  insert(leaf::kClose, b.entries().at(leaf::kBallotV1));
  Retally twice;
  twice.choose = [](std::vector<std::uint64_t>& counted, std::vector<std::uint64_t>&) {
    counted.push_back(leaf::kBallotV1);
  };
  retally(twice);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"no-duplicate-ballot", "aggregate"});
  CHECK_THAT(first_failure(report, Check::no_duplicate_ballot), StartsWith(at(leaf::kClose)));
  CHECK_THAT(first_failure(report, Check::aggregate),
             StartsWith(at(leaf::kTally + 1)) &&
                 Contains("district \"region-2\": 3 ballots published as counted, 2 in the log"));
}

// --- 14 revote-rule -----------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture,
                 "revote-rule: the tally says no ballot was superseded, and sums right",
                 "[tamper]") {
  Retally none;
  none.edit_tally = [](senim::v1::EncryptedTally& tally) {
    senim::protocol::set_superseded(tally, {});
  };
  retally(none);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::revote_rule));
  CHECK_THAT(first_failure(report, Check::revote_rule),
             StartsWith(at(leaf::kTally)) &&
                 Contains("the tally says 0 ballots were superseded; the re-vote rule "
                          "supersedes 1 ballot (entries 9)"));
}

TEST_CASE_METHOD(TamperFixture,
                 "revote-rule: the tally names another superseded ballot, and sums right",
                 "[tamper]") {
  Retally other;
  other.edit_tally = [](senim::v1::EncryptedTally& tally) {
    senim::protocol::set_superseded(tally, {leaf::kRevoteV0});
  };
  retally(other);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::revote_rule));
  CHECK_THAT(first_failure(report, Check::revote_rule),
             StartsWith(at(leaf::kTally)) &&
                 Contains("is not the hash of the 1 ballot the re-vote rule supersedes") &&
                 Contains("(entries 9)"));
}

// Not single-check cases: a tally that names the wrong ballots as superseded
// and sums accordingly breaks both promises.
TEST_CASE_METHOD(
    TamperFixture,
    "revote-rule and aggregate: the tally supersedes the re-vote and counts the ballot it replaced",
    "[tamper]") {
  Retally swapped;
  swapped.choose = [](std::vector<std::uint64_t>& counted, std::vector<std::uint64_t>& superseded) {
    std::replace(counted.begin(), counted.end(), leaf::kRevoteV0, leaf::kBallotV0);
    superseded = {leaf::kRevoteV0};
  };
  retally(swapped);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"revote-rule", "aggregate"});
  CHECK_THAT(first_failure(report, Check::revote_rule), StartsWith(at(leaf::kTally)));
  CHECK_THAT(first_failure(report, Check::aggregate), StartsWith(at(leaf::kTally)));
}

TEST_CASE_METHOD(
    TamperFixture,
    "revote-rule and aggregate: the tally skips a ballot nothing supersedes, and does not count it",
    "[tamper]") {
  Retally skipped;
  skipped.choose = [](std::vector<std::uint64_t>& counted, std::vector<std::uint64_t>& superseded) {
    std::erase(counted, leaf::kBallotV3);
    superseded.push_back(leaf::kBallotV3);
  };
  retally(skipped);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"revote-rule", "aggregate"});
  CHECK_THAT(first_failure(report, Check::revote_rule),
             StartsWith(at(leaf::kTally)) &&
                 Contains("the tally says 2 ballots were superseded; the re-vote rule "
                          "supersedes 1 ballot"));
}

// Not a single-check case: the foreign ballot breaks check 6 and naming it
// as superseded breaks check 14; the aggregate, which never counted it, holds.
TEST_CASE_METHOD(TamperFixture,
                 "revote-rule and roles-and-phases: the tally skips a ballot for another election",
                 "[tamper]") {
  const auto made =
      senim::protocol::parse_entry(ballot(kIdleVoter, 1, demo_choices(1, {0, 0, 0, 0, 1})));
  Statement st = made->statement;
  st.set_election_id("another-election");
  insert(leaf::kClose, ElectionBuilder::sign(b.voter_key(kIdleVoter), st));
  Retally skipped;
  skipped.choose = [](std::vector<std::uint64_t>&, std::vector<std::uint64_t>& superseded) {
    superseded.push_back(leaf::kClose);
  };
  retally(skipped);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"roles-and-phases", "revote-rule"});
  CHECK_THAT(first_failure(report, Check::revote_rule),
             StartsWith(at(leaf::kTally + 1)) &&
                 Contains("the tally says 2 ballots were superseded; the re-vote rule "
                          "supersedes 1 ballot"));
}

// --- 15 challenges ------------------------------------------------------------------

// The opened statement of the challenge at kChallengeV2, changed by `mutate`
// and written back (its ciphertexts and proofs stay valid: they bind
// neither the sequence number nor the statement's election id).
static void edit_opened(TamperFixture& f, const std::function<void(Statement&)>& mutate) {
  f.edit(leaf::kChallengeV2, [&](Statement& st) {
    Statement opened;
    REQUIRE(opened.ParseFromString(st.challenge().ballot_statement()));
    mutate(opened);
    st.mutable_challenge()->set_ballot_statement(opened.SerializeAsString());
  });
}

TEST_CASE_METHOD(TamperFixture, "challenges: the opened ballot is numbered 0", "[tamper]") {
  edit_opened(*this, [](Statement& opened) { opened.mutable_ballot()->set_sequence(0); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kChallengeV2)) && Contains("sequence numbers start at 1"));
}

TEST_CASE_METHOD(TamperFixture, "challenges: the opened ballot names another election",
                 "[tamper]") {
  edit_opened(*this, [](Statement& opened) { opened.set_election_id("another-election"); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kChallengeV2)) &&
                 Contains("challenged ballot is for election \"another-election\""));
}

TEST_CASE_METHOD(TamperFixture, "challenges: a challenged ballot whose revealed choice is altered",
                 "[tamper]") {
  edit(leaf::kChallengeV2, [](Statement& st) {
    auto* referendum = st.mutable_challenge()->mutable_contests(0);
    referendum->set_choices(0, 0);  // "yes" was shown as chosen; now it claims "no" …
    referendum->set_choices(1, 1);
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kChallengeV2)) &&
                 Contains("contest 1 option 1: the revealed choice and nonce do not reproduce"));
}

TEST_CASE_METHOD(TamperFixture, "challenges: a challenged ballot whose revealed nonce is altered",
                 "[tamper]") {
  edit(leaf::kChallengeV2, [](Statement& st) {
    auto* council = st.mutable_challenge()->mutable_contests(1);
    council->set_nonces(3, council->nonces(4));
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kChallengeV2)) && Contains("contest 2 option 4"));
}

TEST_CASE_METHOD(TamperFixture, "challenges: a challenged ballot later cast and counted",
                 "[tamper]") {
  // Voter 2's cast ballot is replaced by the very ballot it challenged, signed by voter 2.
  const std::string shown = statement(leaf::kChallengeV2).challenge().ballot_statement();
  b.replace_entry(leaf::kBallotV2,
                  senim::protocol::make_entry_from_statement_bytes(b.voter_key(2), shown));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kBallotV2)) &&
                 Contains("ciphertext 1 of this cast ballot was opened by the challenge at entry " +
                          std::to_string(leaf::kChallengeV2)));
}

TEST_CASE_METHOD(TamperFixture,
                 "challenges: the challenged ciphertexts cast under another sequence number",
                 "[tamper]") {
  // Another statement, so another tracking code; the same ciphertexts and
  // proofs (which do not bind the number), so the same public nonces.
  auto shown = senim::protocol::parse_statement(
      senim::as_bytes(statement(leaf::kChallengeV2).challenge().ballot_statement()));
  REQUIRE(shown.ok());
  shown->mutable_ballot()->set_sequence(2);
  restate(leaf::kBallotV2, *shown);
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kBallotV2)) &&
                 Contains("of this cast ballot was opened by the challenge at entry " +
                          std::to_string(leaf::kChallengeV2) + ": its vote is public"));
}

TEST_CASE_METHOD(TamperFixture, "challenges: the same challenge posted twice", "[tamper]") {
  insert(leaf::kClose, b.entries().at(leaf::kChallengeV2));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kClose)) &&
                 Contains("ciphertext 1 of the challenged ballot was already opened by the "
                          "challenge at entry " +
                          std::to_string(leaf::kChallengeV2)));
}

TEST_CASE_METHOD(TamperFixture,
                 "challenges: a challenge posted after a ballot was cast opens its ciphertexts",
                 "[tamper]") {
  // Voter 4's cast ballot, made here so that its nonces are known, and a
  // challenge of the very same ballot posted after it.
  const senim::protocol::EncryptedBallot made =
      encrypt(b.voter_key(4).public_key(), 1, demo_choices(1, {0, 1, 0, 0, 0}));
  Statement cast = b.statement();
  *cast.mutable_ballot() = made.ballot;
  restate(leaf::kBallotV4, cast);
  Statement challenge = b.statement();
  *challenge.mutable_challenge() =
      senim::protocol::reveal_ballot(made, senim::protocol::serialize(cast));
  insert(leaf::kClose, ElectionBuilder::sign(b.voter_key(4), challenge));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::challenges));
  CHECK_THAT(first_failure(report, Check::challenges),
             StartsWith(at(leaf::kBallotV4)) &&
                 Contains("ciphertext 1 of this cast ballot was opened by the challenge at entry " +
                          std::to_string(leaf::kClose)));
}
