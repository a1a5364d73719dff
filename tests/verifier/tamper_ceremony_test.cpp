// The tamper catalogue, checks 5–9: the set-up, who may post what and when,
// the key ceremony, the joint key and the credential list
// (docs/verifier-checks.md).
#include <catch2/catch.hpp>

#include "crypto/key_ceremony.hpp"
#include "protocol/entry.hpp"
#include "protocol/trustee_messages.hpp"
#include "tests/verifier/tamper_fixture.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using senim::Bytes;
using senim::to_string;
using senim::protocol::CredentialKey;
using senim::protocol::SigningKey;
using senim::sim::demo_choices;
using senim::sim::ElectionBuilder;
using senim::v1::Statement;
using senim::verifier::Check;
using senim::verifier::Report;
using namespace senim::tamper;

namespace {

// Keeps the entries before `count` only.
void cut(TamperFixture& f, std::uint64_t count) {
  while (f.b.entries().size() > count)
    f.b.erase_entry(f.b.entries().size() - 1);
}

Statement complaint(const TamperFixture& f, std::uint32_t accuser, std::uint32_t dealer) {
  Statement st = f.b.statement();
  st.mutable_complaint()->set_trustee(accuser);
  st.mutable_complaint()->set_dealer(dealer);
  st.mutable_complaint()->set_box_secret_key(
      to_string(f.b.trustee_box(accuser).secret_key.bytes()));
  return st;
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "the tamper fixture re-run under its own set-up passes",
                 "[tamper]") {
  rebuild_under(statement(leaf::kSetup));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report).empty());
  CHECK(statement(leaf::kOpen).open().joint_key() != "");
}

// --- 5 setup ---------------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture,
                 "setup: a contest repeats an option id, and everyone plays along with it",
                 "[tamper]") {
  Statement st = statement(leaf::kSetup);
  st.mutable_setup()->mutable_manifest()->mutable_contests(1)->mutable_options(1)->set_id(
      "candidate-1");
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(
      first_failure(report, Check::setup),
      StartsWith(at(leaf::kSetup)) && Contains("contest council option \"candidate-1\" repeats"));
}

TEST_CASE_METHOD(
    TamperFixture,
    "setup: an option label with an escape sequence that rewrites the terminal line, and "
    "everyone plays along with it",
    "[tamper]") {
  Statement st = statement(leaf::kSetup);
  (*st.mutable_setup()
        ->mutable_manifest()
        ->mutable_contests(1)
        ->mutable_options(1)
        ->mutable_label()
        ->mutable_text())["en"] = "Baurzhan\x1b[2K\rAigul";
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK(first_failure(report, Check::setup) ==
        at(leaf::kSetup) +
            "manifest: contest council option candidate-2 label (en): control character U+001B at "
            "byte 8");
}

TEST_CASE_METHOD(TamperFixture,
                 "setup: a trustee name with a right-to-left override, and everyone plays along "
                 "with it",
                 "[tamper]") {
  Statement st = statement(leaf::kSetup);
  st.mutable_setup()->mutable_trustees(0)->set_name(
      "Trustee \xE2\x80\xAE"
      "1");
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK(first_failure(report, Check::setup) ==
        at(leaf::kSetup) + "set-up: trustee 1 name: bidirectional control U+202E at byte 8");
}

TEST_CASE_METHOD(TamperFixture, "setup: a set-up signed by a key other than the authority it names",
                 "[tamper]") {
  const auto setup = senim::protocol::parse_entry(b.entries().at(leaf::kSetup));
  b.replace_entry(leaf::kSetup, senim::protocol::make_entry_from_statement_bytes(
                                    b.trustee_key(1), setup->entry.statement()));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(first_failure(report, Check::setup),
             StartsWith(at(leaf::kSetup)) && Contains("must be signed by its own authority key"));
}

// §6.3.1: box keys. Each case re-runs the election under the changed set-up,
// so that only check 5 can fail.

namespace {

senim::crypto::BoxPublicKey box_key_of(const Statement& setup, int t) {
  senim::crypto::BoxPublicKey box{};
  REQUIRE(senim::copy_exact(setup.setup().trustees(t - 1).box_key(), box));
  return box;
}

// Trustee t signs `box` for this election and board, and it becomes its box key.
void sign_box_key_into(const TamperFixture& f, Statement& setup, int t,
                       const senim::crypto::BoxPublicKey& box) {
  auto* info = setup.mutable_setup()->mutable_trustees(t - 1);
  info->set_box_key(to_string(box));
  info->set_box_key_signature(to_string(
      senim::protocol::sign_box_key(f.b.trustee_key(static_cast<std::uint32_t>(t)),
                                    setup.election_id(), f.b.board_key().public_key(), box)));
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "setup: a trustee's box key without its signature", "[tamper]") {
  Statement st = statement(leaf::kSetup);
  st.mutable_setup()->mutable_trustees(1)->clear_box_key_signature();
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(first_failure(report, Check::setup),
             StartsWith(at(leaf::kSetup)) &&
                 Contains("set-up: trustee 2: box key signature must be 64 bytes, got 0"));
}

TEST_CASE_METHOD(TamperFixture, "setup: a box key signed for another board", "[tamper]") {
  Statement st = statement(leaf::kSetup);
  const auto box = box_key_of(st, 2);
  const SigningKey elsewhere = SigningKey::generate();
  st.mutable_setup()->mutable_trustees(1)->set_box_key_signature(to_string(
      senim::protocol::sign_box_key(b.trustee_key(2), "tamper-2026", elsewhere.public_key(), box)));
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(first_failure(report, Check::setup),
             StartsWith(at(leaf::kSetup)) &&
                 Contains("set-up: trustee 2: box key " + senim::to_hex(box) +
                          " is not signed by its trustee for election \"tamper-2026\" on board " +
                          senim::to_hex(b.board_key().public_key())));
}

TEST_CASE_METHOD(TamperFixture, "setup: two trustees with the same box key, each signed",
                 "[tamper]") {
  Statement st = statement(leaf::kSetup);
  sign_box_key_into(*this, st, 3, box_key_of(st, 1));
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(
      first_failure(report, Check::setup),
      StartsWith(at(leaf::kSetup)) && Contains("set-up: trustee 3 repeats trustee 1's box key"));
}

TEST_CASE_METHOD(TamperFixture, "setup: a box key equal to a trustee's signing key", "[tamper]") {
  Statement st = statement(leaf::kSetup);
  sign_box_key_into(*this, st, 1, b.trustee_key(2).public_key());
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(first_failure(report, Check::setup),
             StartsWith(at(leaf::kSetup)) &&
                 Contains("set-up: trustee 1's box key is trustee 2's signing key"));
}

TEST_CASE_METHOD(TamperFixture, "setup: a box key of small order, signed", "[tamper]") {
  Statement st = statement(leaf::kSetup);
  senim::crypto::BoxPublicKey one{};
  one[0] = 1;  // u = 1: the point of order 1
  sign_box_key_into(*this, st, 2, one);
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(first_failure(report, Check::setup), StartsWith(at(leaf::kSetup)) &&
                                                      Contains("set-up: trustee 2's box key 01") &&
                                                      Contains("is a point of small order"));
}

// Issue 7, item 2: trustee 1's box key was revealed by its complaint in an
// earlier ceremony of this election, on another board. An authority that
// names it again, with the trustee's old signature, is caught by check 5.
TEST_CASE_METHOD(TamperFixture,
                 "setup: a box key revealed by a complaint in an earlier ceremony, named again",
                 "[tamper][regression]") {
  const auto earlier = senim::sim::failed_earlier_ceremony(b, 1, 2);
  const auto exposed = earlier->parsed(0).statement.setup().trustees(0);

  Statement st = statement(leaf::kSetup);
  *st.mutable_setup()->mutable_trustees(0) = exposed;
  rebuild_under(st);
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::setup));
  CHECK_THAT(first_failure(report, Check::setup),
             StartsWith(at(leaf::kSetup)) &&
                 Contains("set-up: trustee 1: box key " +
                          senim::to_hex(senim::as_bytes(exposed.box_key())) +
                          " is not signed by its trustee for election \"tamper-2026\" on board " +
                          senim::to_hex(b.board_key().public_key())));
}

// --- 6 roles-and-phases ---------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "roles-and-phases: a ballot cast after the close", "[tamper]") {
  insert(leaf::kClose + 1, ballot(kIdleVoter, 1, demo_choices(0, {1, 0, 0, 0, 0})));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::roles_and_phases));
  CHECK_THAT(first_failure(report, Check::roles_and_phases),
             StartsWith(at(leaf::kClose + 1)) && Contains("a ballot outside the voting period"));
}

TEST_CASE_METHOD(TamperFixture, "roles-and-phases: a credential list signed by a trustee",
                 "[tamper]") {
  const CredentialKey stranger = CredentialKey::generate();
  Statement st = b.statement();
  auto* c = st.mutable_credentials()->add_credentials();
  c->set_key(to_string(stranger.public_key()));
  c->set_district("region-1");
  insert(leaf::kCredentials + 1, ElectionBuilder::sign(b.trustee_key(1), st));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::roles_and_phases));
  CHECK_THAT(first_failure(report, Check::roles_and_phases),
             StartsWith(at(leaf::kCredentials + 1)) &&
                 Contains("a credential list not signed by the election authority"));
}

TEST_CASE_METHOD(TamperFixture, "roles-and-phases: a deal for trustee 2 signed by trustee 1",
                 "[tamper]") {
  insert(leaf::kDeal1 + 2, ElectionBuilder::sign(b.trustee_key(1), statement(leaf::kDeal1 + 1)));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::roles_and_phases));
  CHECK_THAT(first_failure(report, Check::roles_and_phases),
             StartsWith(at(leaf::kDeal1 + 2)) &&
                 Contains("a deal for trustee 2 not signed by that trustee"));
}

TEST_CASE_METHOD(TamperFixture, "roles-and-phases: a listed voter's ballot for another election",
                 "[tamper]") {
  const auto made =
      senim::protocol::parse_entry(ballot(kIdleVoter, 1, demo_choices(1, {0, 0, 0, 0, 1})));
  Statement st = made->statement;
  st.set_election_id("another-election");
  insert(leaf::kClose, ElectionBuilder::sign(b.voter_key(kIdleVoter), st));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::roles_and_phases));
  CHECK_THAT(
      first_failure(report, Check::roles_and_phases),
      StartsWith(at(leaf::kClose)) && Contains("a ballot for election \"another-election\""));
}

// Not a single-check case: the complaint ends the ceremony (check 7), and a
// board that goes on accepts messages no phase allows (check 6).
TEST_CASE_METHOD(TamperFixture,
                 "roles-and-phases and trustee-ceremony: voting goes on after a complaint",
                 "[tamper]") {
  insert(leaf::kReady1, ElectionBuilder::sign(b.trustee_key(2), complaint(*this, 2, 1)));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"roles-and-phases", "trustee-ceremony"});
  CHECK_THAT(first_failure(report, Check::trustee_ceremony),
             StartsWith(at(leaf::kReady1)) && Contains("is unfounded"));
  CHECK_THAT(
      first_failure(report, Check::roles_and_phases),
      StartsWith(at(leaf::kReady1 + 1)) && Contains("a ready message after the ceremony failed"));
}

// --- 7 trustee-ceremony ---------------------------------------------------------

// docs/protocol.md §6.5: a deal that fails CheckDeal leaves its dealer out of
// the qualified set Q and costs nothing else. The board that accepted it and
// the trustees who played along computed every key over Q (rebuild_under), so
// only check 7 fails: the joint key, every trustee's share (the bad dealer's
// own included: it is still a trustee and decrypts) and the result verify.

namespace {

TamperFixture::Redeal spoil_deal_of(std::uint32_t dealer,
                                    std::function<void(senim::v1::TrusteeDeal&)> spoil) {
  TamperFixture::Redeal redeal;
  redeal.edit = [dealer, spoil = std::move(spoil)](std::uint32_t t, senim::v1::TrusteeDeal& deal) {
    if (t == dealer)
      spoil(deal);
  };
  return redeal;
}

// Only check 7 fails, at `dealer`'s deal, naming it and `reason`; every
// partial decryption (3) verifies and the result is the decryption.
void only_the_dealer_is_left_out(const Report& report, std::uint32_t dealer,
                                 const std::string& reason) {
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::trustee_ceremony));
  CHECK_THAT(
      first_failure(report, Check::trustee_ceremony),
      StartsWith(at(leaf::kDeal1 + dealer - 1)) &&
          Contains("deal of trustee " + std::to_string(dealer)) && Contains(reason) &&
          Contains("trustee " + std::to_string(dealer) + " is left out of the qualified dealers"));
  CHECK(report.result(Check::joint_key).verdict() == senim::verifier::Verdict::passed);
  CHECK(report.result(Check::partial_decryptions).items == kTrustees);
  CHECK(report.result(Check::partial_decryptions).verdict() == senim::verifier::Verdict::passed);
  CHECK(report.result(Check::result).verdict() == senim::verifier::Verdict::passed);
}

}  // namespace

TEST_CASE_METHOD(TamperFixture,
                 "trustee-ceremony: a deal whose proofs of knowledge are swapped costs only its "
                 "dealer",
                 "[tamper]") {
  rebuild_under(statement(leaf::kSetup), spoil_deal_of(2, [](senim::v1::TrusteeDeal& deal) {
                  deal.mutable_commitment_proofs()->SwapElements(0, 1);
                }));
  only_the_dealer_is_left_out(verify(), 2, "dealer 2, coefficient 0");
}

TEST_CASE_METHOD(TamperFixture,
                 "trustee-ceremony: a deal with k+1 commitments costs only its dealer",
                 "[tamper][regression]") {
  rebuild_under(statement(leaf::kSetup), spoil_deal_of(1, [](senim::v1::TrusteeDeal& deal) {
                  deal.add_commitments(deal.commitments(1));
                  deal.add_commitment_proofs(deal.commitment_proofs(1));
                }));
  only_the_dealer_is_left_out(verify(), 1, "needs 2 commitments and proofs");
}

TEST_CASE_METHOD(TamperFixture,
                 "trustee-ceremony: a deal with k-1 commitments costs only its dealer",
                 "[tamper]") {
  rebuild_under(statement(leaf::kSetup), spoil_deal_of(3, [](senim::v1::TrusteeDeal& deal) {
                  deal.mutable_commitments()->RemoveLast();
                  deal.mutable_commitment_proofs()->RemoveLast();
                }));
  only_the_dealer_is_left_out(verify(), 3, "needs 2 commitments and proofs");
}

TEST_CASE_METHOD(TamperFixture,
                 "trustee-ceremony: a dealer whose A_{i,0} is the identity (proofs valid) costs "
                 "only itself",
                 "[tamper]") {
  Redeal redeal;
  redeal.polynomial = [](std::uint32_t t) {
    if (t != 1)
      return senim::crypto::SecretPolynomial::random(kThreshold);
    std::vector<senim::crypto::Scalar> a;
    a.emplace_back();  // a_{1,0} = 0: A_{1,0} is the identity
    a.push_back(senim::crypto::Scalar::random());
    return senim::crypto::SecretPolynomial::from_coefficients(std::move(a));
  };
  rebuild_under(statement(leaf::kSetup), redeal);
  only_the_dealer_is_left_out(verify(), 1, "dealer 1: A_{i,0} is the identity element");
}

TEST_CASE_METHOD(TamperFixture,
                 "trustee-ceremony: a deal with a non-canonical commitment costs only its dealer",
                 "[tamper]") {
  // p = 2^255 − 19 itself: a second, non-canonical encoding of 0 (§2.1).
  std::string p(32, '\xff');
  p.front() = '\xed';
  p.back() = '\x7f';
  rebuild_under(statement(leaf::kSetup), spoil_deal_of(2, [&](senim::v1::TrusteeDeal& deal) {
                  deal.set_commitments(1, p);
                }));
  only_the_dealer_is_left_out(
      verify(), 2, "not a canonical ristretto255 encoding: " + senim::to_hex(senim::as_bytes(p)));
}

TEST_CASE_METHOD(TamperFixture,
                 "joint-key: with two of three deals bad the ceremony gives no key (|Q| = 1 < k)",
                 "[tamper]") {
  for (std::uint64_t dealer : {leaf::kDeal1, leaf::kDeal1 + 1}) {
    edit(dealer, [](Statement& st) {
      st.mutable_deal()->add_commitments(st.deal().commitments(1));
      st.mutable_deal()->add_commitment_proofs(st.deal().commitment_proofs(1));
    });
  }
  const Report report = verify();
  INFO(report.to_text());
  CHECK(first_failure(report, Check::joint_key) ==
        at(leaf::kDeal1 + 2) +
            "the ceremony gives no key: 1 of 3 dealers qualify, fewer than the threshold k = 2; "
            "left out: 1 2");
  CHECK(report.result(Check::trustee_ceremony).failures == 2);
}

TEST_CASE_METHOD(TamperFixture, "trustee-ceremony: a ready whose proof of the share is another's",
                 "[tamper]") {
  const std::string other = statement(leaf::kReady1 + 1).ready().proof();
  edit(leaf::kReady1, [&](Statement& st) { st.mutable_ready()->set_proof(other); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::trustee_ceremony));
  CHECK_THAT(first_failure(report, Check::trustee_ceremony),
             StartsWith(at(leaf::kReady1)) && Contains("trustee 1's proof of its share"));
}

TEST_CASE_METHOD(TamperFixture,
                 "trustee-ceremony: an upheld complaint (dealer 1 sealed trustee 2 a bad share)",
                 "[tamper]") {
  const auto bad =
      senim::crypto::seal_share(1, 2, senim::crypto::Scalar::one(), b.trustee_box(2).public_key);
  REQUIRE(bad.ok());
  edit(leaf::kDeal1,
       [&](Statement& st) { st.mutable_deal()->set_encrypted_shares(1, to_string(*bad)); });
  // The ceremony stops at the complaint, as an honest board's record does.
  cut(*this, leaf::kReady1);
  append(ElectionBuilder::sign(b.trustee_key(2), complaint(*this, 2, 1)));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::trustee_ceremony));
  CHECK_THAT(first_failure(report, Check::trustee_ceremony),
             StartsWith(at(leaf::kReady1)) &&
                 Contains("trustee 2's complaint against trustee 1 is upheld"));
}

TEST_CASE_METHOD(TamperFixture, "trustee-ceremony: an unfounded complaint ends the ceremony too",
                 "[tamper]") {
  cut(*this, leaf::kReady1);
  append(ElectionBuilder::sign(b.trustee_key(3), complaint(*this, 3, 2)));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::trustee_ceremony));
  CHECK_THAT(first_failure(report, Check::trustee_ceremony),
             StartsWith(at(leaf::kReady1)) &&
                 Contains("trustee 3's complaint against trustee 2 is unfounded"));
}

// --- 8 joint-key -------------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "joint-key: an open naming a key other than the ceremony's",
                 "[tamper]") {
  const std::string x1 = statement(leaf::kReady1).ready().public_share();
  edit(leaf::kOpen, [&](Statement& st) { st.mutable_open()->set_joint_key(x1); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::joint_key));
  CHECK_THAT(first_failure(report, Check::joint_key),
             StartsWith(at(leaf::kOpen)) &&
                 Contains("the open names a joint key other than the ceremony's"));
}

TEST_CASE_METHOD(TamperFixture, "joint-key: an open naming another base hash", "[tamper]") {
  edit(leaf::kOpen, [](Statement& st) { st.mutable_open()->set_base_hash(std::string(32, 'B')); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::joint_key));
  CHECK_THAT(first_failure(report, Check::joint_key),
             StartsWith(at(leaf::kOpen)) &&
                 Contains("the open names a base hash other than the election's"));
}

TEST_CASE_METHOD(TamperFixture,
                 "joint-key: a trustee announces a public share its commitments do not imply",
                 "[tamper]") {
  const std::string x1 = statement(leaf::kReady1).ready().public_share();
  edit(leaf::kReady1 + 1, [&](Statement& st) { st.mutable_ready()->set_public_share(x1); });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::joint_key));
  CHECK_THAT(first_failure(report, Check::joint_key),
             StartsWith(at(leaf::kReady1 + 1)) &&
                 Contains("trustee 2 announces a public share other than"));
}

// --- 9 credential-list ---------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "credential-list: a credential listed twice", "[tamper]") {
  edit(leaf::kCredentials, [](Statement& st) {
    auto* list = st.mutable_credentials();
    *list->add_credentials() = list->credentials(3);
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::credential_list));
  CHECK_THAT(first_failure(report, Check::credential_list),
             StartsWith(at(leaf::kCredentials)) &&
                 Contains("credential 7 of the list: duplicate credential"));
}

TEST_CASE_METHOD(TamperFixture, "credential-list: a credential in a district the manifest lacks",
                 "[tamper]") {
  const CredentialKey stranger = CredentialKey::generate();
  edit(leaf::kCredentials, [&](Statement& st) {
    auto* c = st.mutable_credentials()->add_credentials();
    c->set_key(to_string(stranger.public_key()));
    c->set_district("region-9");
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::credential_list));
  CHECK_THAT(first_failure(report, Check::credential_list),
             StartsWith(at(leaf::kCredentials)) &&
                 Contains("credential 7 of the list: unknown district \"region-9\""));
}

// §8.5: a credential is a ristretto255 point other than the identity, whose
// encoding is canonical.
TEST_CASE_METHOD(TamperFixture, "credential-list: the identity as a credential", "[tamper]") {
  edit(leaf::kCredentials, [&](Statement& st) {
    auto* c = st.mutable_credentials()->add_credentials();
    c->set_key(std::string(32, '\0'));
    c->set_district("region-1");
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::credential_list));
  CHECK_THAT(first_failure(report, Check::credential_list),
             StartsWith(at(leaf::kCredentials)) &&
                 Contains("credential 7 of the list: credential key is the identity"));
}

TEST_CASE_METHOD(TamperFixture, "credential-list: a credential that is no ristretto255 encoding",
                 "[tamper]") {
  edit(leaf::kCredentials, [&](Statement& st) {
    auto* c = st.mutable_credentials()->add_credentials();
    c->set_key(std::string(32, '\xff'));  // ≥ p: not canonical (§2.1)
    c->set_district("region-1");
  });
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::credential_list));
  CHECK_THAT(
      first_failure(report, Check::credential_list),
      StartsWith(at(leaf::kCredentials)) && Contains("is not a canonical ristretto255 encoding"));
}
