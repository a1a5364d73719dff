// tlog-policy files (docs/protocol.md §13.7): the spec's example with real
// keys, the quorum truth table, and a test for every refusal.
#include "tlog/policy.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "tests/tlog/tlog_test_support.hpp"

using senim::Errc;
using senim::Expected;
using senim::Hash32;
using senim::Status;
using namespace senim::tlog;

namespace {

const std::string& kOrigin() {
  static const std::string value = "example.com/log";
  return value;
}

struct Keys {
  test::TestKey log = test::make_test_key(kOrigin(), kSignatureTypeEd25519, 1);
  std::map<std::string, test::TestKey> witnesses;
  Keys() {
    std::uint8_t seed = 10;
    for (const char* name : {"X1", "X2", "X3", "Y1", "Y2", "Y3"}) {
      witnesses.emplace(name, test::make_test_key("w.example/" + std::string(name),
                                                  kSignatureTypeCosignatureV1, seed++));
    }
  }
  std::string w(const std::string& name) const { return format_vkey(witnesses.at(name).vkey); }
  std::string l() const { return format_vkey(log.vkey); }
};

const Keys& keys() {
  static const Keys k;
  return k;
}

// c2sp.org/tlog-policy's example, with real keys.
std::string spec_example() {
  const Keys& k = keys();
  return "log " + k.l() + "\n\n" +                        //
         "witness X1 " + k.w("X1") + "\n" +               //
         "witness X2 " + k.w("X2") + "\n" +               //
         "witness X3 " + k.w("X3") + "\n" +               //
         "group X-witnesses 2 X1 X2 X3\n\n" +             //
         "witness Y1 " + k.w("Y1") + "\n" +               //
         "witness Y2 " + k.w("Y2") + "\n" +               //
         "witness Y3 " + k.w("Y3") + "\n" +               //
         "group Y-witnesses any Y1 Y2 Y3\n\n" +           //
         "group X-and-Y all X-witnesses Y-witnesses\n" +  //
         "quorum X-and-Y\n";
}

Errc refusal(const std::string& text) {
  Expected<Policy> p = parse_policy(text);
  REQUIRE_FALSE(p.ok());
  INFO(p.error().message);
  CHECK(p.error().message.find("policy") != std::string::npos);
  return p.error().code;
}

}  // namespace

TEST_CASE("tlog-policy spec example parses, formats and evaluates", "[tlog][policy]") {
  Expected<Policy> p = parse_policy(spec_example());
  REQUIRE(p.ok());
  REQUIRE(p->logs.size() == 1);
  CHECK(p->logs[0].key == keys().log.vkey);
  CHECK(p->witnesses.size() == 6);
  REQUIRE(p->groups.size() == 3);
  CHECK(p->groups[0].k == 2);
  CHECK(p->groups[1].k == 1);
  CHECK(p->groups[2].k == 2);
  CHECK(p->quorum == "X-and-Y");
  CHECK(*parse_policy(format_policy(*p)) == *p);

  // Two of the X witnesses and one Y witness, in every way that matters.
  CHECK(quorum_satisfied(*p, {"X1", "X2", "Y3"}));
  CHECK(quorum_satisfied(*p, {"X1", "X3", "Y1", "Y2"}));
  CHECK_FALSE(quorum_satisfied(*p, {"X1", "Y1", "Y2", "Y3"}));  // one X
  CHECK_FALSE(quorum_satisfied(*p, {"X1", "X2", "X3"}));        // no Y
  CHECK_FALSE(quorum_satisfied(*p, {}));
  // Names that are groups or unknown count for nothing.
  CHECK_FALSE(quorum_satisfied(*p, {"X-witnesses", "Y-witnesses", "X-and-Y"}));
}

TEST_CASE("tlog-policy: quorum none, single witness, comments and whitespace", "[tlog][policy]") {
  const Keys& k = keys();
  Expected<Policy> none = parse_policy("quorum none\n");
  REQUIRE(none.ok());
  CHECK(none->logs.empty());
  CHECK(quorum_satisfied(*none, {}));

  const std::string text =
      "# a comment\n"
      "   # an indented comment\n"
      "\t \n"
      "\tlog\t" +
      k.l() + "  https://log.example/  \n" + "witness  X1 \t" + k.w("X1") + "\n" + "quorum X1   \n";
  Expected<Policy> single = parse_policy(text);
  REQUIRE(single.ok());
  CHECK(single->logs[0].url == "https://log.example/");
  CHECK(quorum_satisfied(*single, {"X1"}));
  CHECK_FALSE(quorum_satisfied(*single, {"X2"}));
  // Names are opaque octets: "K" and the Kelvin sign are different names.
  Expected<Policy> kelvin = parse_policy("witness K " + k.w("X1") + "\nwitness \u212a " +
                                         k.w("X2") + "\nquorum \u212a\n");
  REQUIRE(kelvin.ok());
  CHECK_FALSE(quorum_satisfied(*kelvin, {"K"}));
  CHECK(quorum_satisfied(*kelvin, {"\u212a"}));
}

TEST_CASE("tlog-policy refusals", "[tlog][policy]") {
  const Keys& k = keys();
  const std::string x1 = "witness X1 " + k.w("X1") + "\n";
  const std::string x2 = "witness X2 " + k.w("X2") + "\n";
  // Character set and lines.
  CHECK(refusal("quorum none\r\n") == Errc::invalid_encoding);
  CHECK(refusal(std::string("quorum none\n\0", 13)) == Errc::invalid_encoding);
  CHECK(refusal("quorum none\n\x7f\n") == Errc::invalid_encoding);
  CHECK(refusal("quorum none") == Errc::invalid_encoding);  // unterminated last line
  CHECK(refusal("") == Errc::invalid_encoding);             // no quorum
  CHECK(refusal("# only a comment\n") == Errc::invalid_encoding);
  CHECK(refusal("quorum none # trailing comment\n") == Errc::invalid_encoding);
  CHECK(refusal("logs " + k.l() + "\nquorum none\n") == Errc::invalid_encoding);
  CHECK(refusal("Quorum none\n") == Errc::invalid_encoding);
  // Logs.
  CHECK(refusal("log\nquorum none\n") == Errc::invalid_encoding);
  CHECK(refusal("log " + k.l() + " url extra\nquorum none\n") == Errc::invalid_encoding);
  CHECK(refusal("log not-a-vkey\nquorum none\n") == Errc::invalid_encoding);
  CHECK(refusal("log " + k.w("X1") + "\nquorum none\n") == Errc::invalid_argument);  // type 0x04
  const auto same_key_other_name =
      *make_verifier_key("other.example/log", kSignatureTypeEd25519, k.log.vkey.public_key);
  CHECK(refusal("log " + k.l() + "\nlog " + format_vkey(same_key_other_name) + "\nquorum none\n") ==
        Errc::duplicate);
  // Witnesses.
  CHECK(refusal("witness X1\nquorum none\n") == Errc::invalid_encoding);
  CHECK(refusal("witness X1 " + k.w("X1") + " url extra\nquorum none\n") == Errc::invalid_encoding);
  CHECK(refusal("witness X1 " + k.l() + "\nquorum none\n") == Errc::invalid_argument);  // 0x01
  CHECK(refusal(x1 + "witness X1 " + k.w("X2") + "\nquorum none\n") == Errc::duplicate);
  CHECK(refusal("witness none " + k.w("X1") + "\nquorum none\n") == Errc::duplicate);
  const auto same_witness_key = *make_verifier_key("another/name", kSignatureTypeCosignatureV1,
                                                   k.witnesses.at("X1").vkey.public_key);
  CHECK(refusal(x1 + "witness X9 " + format_vkey(same_witness_key) + "\nquorum none\n") ==
        Errc::duplicate);
  // Groups.
  CHECK(refusal(x1 + "group G any\nquorum G\n") == Errc::invalid_encoding);  // no members
  CHECK(refusal(x1 + "group G\nquorum G\n") == Errc::invalid_encoding);
  CHECK(refusal(x1 + "group G two X1\nquorum G\n") == Errc::invalid_encoding);
  CHECK(refusal(x1 + "group G 01 X1\nquorum G\n") == Errc::invalid_encoding);
  CHECK(refusal(x1 + "group G -1 X1\nquorum G\n") == Errc::invalid_encoding);
  CHECK(refusal(x1 + "group G 0 X1\nquorum G\n") == Errc::invalid_argument);
  CHECK(refusal(x1 + x2 + "group G 3 X1 X2\nquorum G\n") == Errc::invalid_argument);
  CHECK(refusal(x1 + "group G any X2\nquorum G\n") == Errc::not_found);
  CHECK(refusal("group G any X1\n" + x1 + "quorum G\n") == Errc::not_found);  // defined later
  CHECK(refusal(x1 + "group G any X1 none\nquorum G\n") == Errc::invalid_argument);
  CHECK(refusal(x1 + "group G all X1 X1\nquorum G\n") == Errc::duplicate);
  CHECK(refusal(x1 + x2 + "group G any X1\ngroup H any X1 X2\nquorum H\n") == Errc::duplicate);
  CHECK(refusal(x1 + "group X1 any X1\nquorum X1\n") == Errc::duplicate);
  CHECK(refusal(x1 + "group none any X1\nquorum none\n") == Errc::duplicate);
  CHECK(refusal(x1 + "group G any X1\ngroup G2 any G\ngroup G any G2\nquorum G\n") ==
        Errc::duplicate);
  CHECK(refusal(x1 + "group G any G\nquorum G\n") == Errc::not_found);  // no self-reference
  // The quorum.
  CHECK(refusal("quorum\n") == Errc::invalid_encoding);
  CHECK(refusal("quorum a b\n") == Errc::invalid_encoding);
  CHECK(refusal("quorum X1\n") == Errc::not_found);
  CHECK(refusal("quorum X1\n" + x1) == Errc::not_found);  // defined after the quorum
  CHECK(refusal("quorum none\nquorum none\n") == Errc::duplicate);
  // Size.
  CHECK(refusal(std::string(kMaxPolicyBytes, '#') + "\nquorum none\n") == Errc::invalid_length);
}

TEST_CASE("the line number is in the message", "[tlog][policy]") {
  Expected<Policy> p = parse_policy("# 1\n# 2\nquorum nobody\n");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().message.rfind("policy line 3: ", 0) == 0);
}

TEST_CASE("verify_checkpoint: log signature, cosigners, quorum", "[tlog][policy]") {
  const Keys& k = keys();
  const Policy policy = *parse_policy(spec_example());
  const std::string text = *format_checkpoint(Checkpoint{kOrigin(), 5, Hash32{}, {}});
  const auto cosigner = [&](const std::string& name) {
    return k.witnesses.at(name).cosigner(1700000000);
  };
  const std::vector<VerifierKey> log_keys = log_keys_of(policy);

  const std::string quorate = test::signed_note(
      text, {k.log.note_signer(), cosigner("X1"), cosigner("X3"), cosigner("Y2")});
  Expected<CheckpointVerification> v = verify_checkpoint(quorate, log_keys, policy);
  REQUIRE(v.ok());
  CHECK(v->checkpoint.size == 5);
  CHECK(v->log_signatures.size() == 1);
  CHECK(v->cosignatures.size() == 3);
  CHECK(v->witnesses == std::set<std::string>{"X1", "X3", "Y2"});
  CHECK(v->quorum_met);
  CHECK(require_quorum(*v, policy).ok());

  const std::string short_of_quorum =
      test::signed_note(text, {k.log.note_signer(), cosigner("X1"), cosigner("Y2")});
  v = verify_checkpoint(short_of_quorum, log_keys, policy);
  REQUIRE(v.ok());
  CHECK_FALSE(v->quorum_met);
  Status s = require_quorum(*v, policy);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::quorum_not_met);
  CHECK(s.error().message.find("X1, Y2") != std::string::npos);

  // Cosigned but not signed by the log.
  const std::string no_log = test::signed_note(text, {cosigner("X1"), cosigner("X2")});
  CHECK(verify_checkpoint(no_log, log_keys, policy).error().code == Errc::note_unverified);
  // Signed by nobody known at all.
  const auto stranger = test::make_test_key(kOrigin(), kSignatureTypeEd25519, 99);
  CHECK(verify_checkpoint(test::signed_note(text, {stranger.note_signer()}), log_keys, policy)
            .error()
            .code == Errc::note_unverified);
  // A log the reader does not accept for this origin.
  const std::string other_origin = test::signed_note(
      *format_checkpoint(Checkpoint{"other.example", 5, Hash32{}, {}}), {k.log.note_signer()});
  CHECK(verify_checkpoint(other_origin, log_keys, policy).error().code == Errc::unknown_log);
  // A known witness's bad cosignature rejects the note.
  std::string bad = quorate;
  const std::size_t last = bad.rfind('\n', bad.size() - 2);
  bad[last + 30] = bad[last + 30] == 'A' ? 'B' : 'A';
  CHECK(verify_checkpoint(bad, log_keys, policy).error().code == Errc::signature_invalid);
}
