// tlog-proof files (docs/protocol.md §13.8): the spec's example, a receipt's
// life (log-signed, then cosigned), and the refusals.
#include "tlog/proof_file.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "tests/tlog/tlog_test_support.hpp"
#include "tlog/base64.hpp"

using senim::Bytes;
using senim::Errc;
using senim::Expected;
using senim::Hash32;
using senim::crypto::merkle::MerkleLog;
using namespace senim::tlog;
namespace merkle = senim::crypto::merkle;

namespace {

const std::string& kSpecHead() {
  static const std::string value =
      "c2sp.org/tlog-proof@v1\n"
      "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
      "index 73894\n"
      "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
      "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
      "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
      "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
      "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
      "\n"
      "example.com/fancylog\n"
      "109482\n"
      "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
      "\n";
  return value;
}

Errc refusal(const std::string& text) {
  return test::code_of(parse_proof_file(text));
}

}  // namespace

TEST_CASE("tlog-proof spec example: the elided signatures are refused, the rest parses",
          "[tlog][proof]") {
  // The example elides its signatures ("hI2DJw[...]1roloI="): not base64.
  const std::string verbatim = kSpecHead() +
                               "\u2014 example.com/fancylog hI2DJw[...]1roloI=\n"
                               "\u2014 witness1.example mJirIklj[...]qY9v2B/5bg==\n";
  Expected<ProofFile> p = parse_proof_file(verbatim);
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == Errc::invalid_encoding);
  CHECK(p.error().message.find("example.com/fancylog") != std::string::npos);

  // With a well-formed signature line in their place.
  const NoteSignature sig{"example.com/fancylog", 0x848d8327, Bytes(64, 7)};
  const std::string file = kSpecHead() + format_signature_line(sig);
  p = parse_proof_file(file);
  REQUIRE(p.ok());
  CHECK(p->index == 73894);
  REQUIRE(p->extra.has_value());
  CHECK(std::string(p->extra->begin(), p->extra->end()).substr(0, 30) ==
        "age-v1.2.1-darwin-arm64.tar.gz");
  REQUIRE(p->inclusion_proof.size() == 5);
  CHECK(base64_encode(p->inclusion_proof[4]) == "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=");
  CHECK(p->checkpoint ==
        kSpecHead().substr(kSpecHead().find("example.com/fancylog")) + format_signature_line(sig));
  CHECK(format_proof_file(*p) == file);
}

TEST_CASE("tlog-proof refusals", "[tlog][proof]") {
  const NoteSignature sig{"example.com/log", 1, Bytes(64, 7)};
  const std::string note =
      "example.com/log\n3\n" + base64_encode(Hash32{}) + "\n\n" + format_signature_line(sig);
  const std::string hash = base64_encode(Hash32{}) + "\n";
  CHECK(parse_proof_file("c2sp.org/tlog-proof@v1\nindex 2\n" + hash + "\n" + note).ok());
  CHECK(parse_proof_file("c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n" + note)->extra ==
        std::optional<Bytes>(Bytes{}));  // empty extra data
  CHECK(refusal("c2sp.org/tlog-proof@v2\nindex 2\n\n" + note) == Errc::invalid_encoding);
  CHECK(refusal("index 2\n\n" + note) == Errc::invalid_encoding);
  CHECK(refusal("c2sp.org/tlog-proof@v1\n\n" + note) == Errc::invalid_encoding);
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex 02\n\n" + note) == Errc::invalid_encoding);
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex  2\n\n" + note) == Errc::invalid_encoding);
  CHECK(refusal("c2sp.org/tlog-proof@v1\nextra YQ\nindex 2\n\n" + note) ==
        Errc::invalid_encoding);  // unpadded
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex 2\nextra YQ==\n\n" + note) ==
        Errc::invalid_encoding);  // extra after the index
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex 2\n" + hash + note) ==
        Errc::invalid_encoding);  // no blank line
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex 2\nAAAA\n\n" + note) == Errc::invalid_length);
  std::string many = "c2sp.org/tlog-proof@v1\nindex 2\n";
  for (std::size_t i = 0; i < kMaxInclusionProofLines; ++i)
    many += hash;
  CHECK(parse_proof_file(many + "\n" + note).ok());
  CHECK(refusal(many + hash + "\n" + note) == Errc::invalid_length);
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex 2\n\nnot\na checkpoint\n\n" +
                format_signature_line(sig)) == Errc::invalid_encoding);
  CHECK(refusal("c2sp.org/tlog-proof@v1\nindex 2\n\n" + note.substr(0, note.size() - 1)) ==
        Errc::invalid_encoding);
}

TEST_CASE("a receipt: the entry in extra, verified, then cosigned to a quorum", "[tlog][proof]") {
  const std::string origin = "board.example/election";
  const auto log = test::make_test_key(origin, kSignatureTypeEd25519, 1);
  const auto w1 = test::make_test_key("w1.example", kSignatureTypeCosignatureV1, 2);
  const auto w2 = test::make_test_key("w2.example", kSignatureTypeCosignatureV1, 3);
  const Policy policy = *parse_policy(
      "log " + format_vkey(log.vkey) + "\nwitness w1 " + format_vkey(w1.vkey) + "\nwitness w2 " +
      format_vkey(w2.vkey) + "\ngroup both all w1 w2\n" + "quorum both\n");
  const std::vector<VerifierKey> log_keys = log_keys_of(policy);
  MerkleLog tree;
  std::vector<Bytes> entries;
  for (int i = 0; i < 13; ++i) {
    entries.push_back(Bytes(static_cast<std::size_t>(i + 1), static_cast<std::uint8_t>(i)));
    tree.append(entries.back());
  }
  const std::uint64_t index = 9;
  const std::string text = *format_checkpoint(Checkpoint{origin, 13, tree.root(), {}});
  ProofFile receipt{entries[index], index, *tree.inclusion_proof(index, 13),
                    test::signed_note(text, {log.note_signer()})};
  const std::string file = format_proof_file(receipt);
  Expected<ProofFile> parsed = parse_proof_file(file);
  REQUIRE(parsed.ok());
  CHECK(*parsed == receipt);
  const Hash32 leaf = merkle::leaf_hash(*parsed->extra);

  Expected<CheckpointVerification> v = verify_proof_file(*parsed, leaf, log_keys, policy);
  REQUIRE(v.ok());
  CHECK(v->cosignatures.empty());
  CHECK_FALSE(v->quorum_met);  // a fresh receipt: only the board's signature

  SECTION("cosigned later by both witnesses") {
    ProofFile cosigned = *parsed;
    cosigned.checkpoint = test::signed_note(
        text, {log.note_signer(), w1.cosigner(1700000001), w2.cosigner(1700000002)});
    v = verify_proof_file(cosigned, leaf, log_keys, policy);
    REQUIRE(v.ok());
    CHECK(v->witnesses == std::set<std::string>{"w1", "w2"});
    CHECK(v->quorum_met);
  }
  SECTION("another entry's hash") {
    CHECK(
        verify_proof_file(*parsed, merkle::leaf_hash(entries[8]), log_keys, policy).error().code ==
        Errc::merkle_root_mismatch);
  }
  SECTION("another index") {
    ProofFile moved = *parsed;
    moved.index = 8;
    CHECK(verify_proof_file(moved, leaf, log_keys, policy).error().code ==
          Errc::merkle_root_mismatch);
    moved.index = 13;
    CHECK(verify_proof_file(moved, leaf, log_keys, policy).error().code == Errc::merkle_bad_proof);
  }
  SECTION("a truncated proof") {
    ProofFile cut = *parsed;
    cut.inclusion_proof.pop_back();
    CHECK(verify_proof_file(cut, leaf, log_keys, policy).error().code == Errc::merkle_bad_proof);
  }
  SECTION("not the board's signature") {
    const auto impostor = test::make_test_key(origin, kSignatureTypeEd25519, 66);
    ProofFile forged = *parsed;
    forged.checkpoint = test::signed_note(text, {impostor.note_signer()});
    CHECK(verify_proof_file(forged, leaf, log_keys, policy).error().code == Errc::note_unverified);
  }
}
