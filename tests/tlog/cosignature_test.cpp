// cosignature/v1 (docs/protocol.md §13.5) against c2sp.org/tlog-cosignature's
// examples, and its refusals.
#include "tlog/cosignature.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/tlog/tlog_test_support.hpp"
#include "tlog/base64.hpp"
#include "tlog/checkpoint.hpp"

using senim::Bytes;
using senim::Errc;
using senim::Expected;
using namespace senim::tlog;
using senim::tlog::test::code_of;

namespace {

const std::string& kCheckpoint() {
  static const std::string value =
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  return value;
}

}  // namespace

TEST_CASE("tlog-cosignature spec example: the signed message", "[tlog][cosignature]") {
  CHECK(cosignature_v1_message(1679315147, kCheckpoint()) ==
        "cosignature/v1\n"
        "time 1679315147\n"
        "example.com/behind-the-sofa\n"
        "20852163\n"
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

TEST_CASE("tlog-cosignature spec example: the witness line's timestamped_signature",
          "[tlog][cosignature]") {
  // The spec's example cosignature by witness.example.com/w1 carries the
  // timestamp of its example message.
  Expected<NoteSignature> line = parse_signature_line(
      "\u2014 witness.example.com/w1 "
      "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
      "mbIUBkBIfZ+qnA==");
  REQUIRE(line.ok());
  CHECK(line->key_id == 0x8d66cf3f);
  Expected<TimestampedSignature> ts = decode_timestamped_signature(line->signature);
  REQUIRE(ts.ok());
  CHECK(ts->timestamp == 1679315147);
  CHECK(encode_timestamped_signature(*ts) == line->signature);
}

TEST_CASE("timestamped_signature: 72 bytes, timestamp at most 2^63 - 1", "[tlog][cosignature]") {
  TimestampedSignature ts{kMaxCosignatureTimestamp, {}};
  Bytes bytes = encode_timestamped_signature(ts);
  REQUIRE(bytes.size() == 72);
  CHECK(bytes[0] == 0x7f);
  CHECK(decode_timestamped_signature(bytes)->timestamp == kMaxCosignatureTimestamp);
  bytes[0] = 0x80;  // 2^63
  CHECK(code_of(decode_timestamped_signature(bytes)) == Errc::out_of_range);
  bytes.pop_back();
  CHECK(code_of(decode_timestamped_signature(bytes)) == Errc::invalid_length);
}

TEST_CASE("cosign and verify, and what breaks a cosignature", "[tlog][cosignature]") {
  const auto witness = test::make_test_key("witness.example/w1", kSignatureTypeCosignatureV1, 3);
  const std::vector<VerifierKey> known{witness.vkey};
  Expected<NoteSignature> sig = sign_note_text(kCheckpoint(), witness.cosigner(1679315147));
  REQUIRE(sig.ok());
  CHECK(sig->key_id == compute_key_id("witness.example/w1", 0x04, witness.vkey.public_key));
  CHECK(sig->signature.size() == 72);
  CHECK(verify_cosignature_v1(witness.vkey, kCheckpoint(), sig->signature).value() == 1679315147);

  const std::string note = kCheckpoint() + "\n" + format_signature_line(*sig);
  Expected<OpenedNote> opened = open_note(note, known);
  REQUIRE(opened.ok());
  REQUIRE(opened->verified.size() == 1);
  CHECK(opened->verified[0].timestamp == std::optional<std::uint64_t>(1679315147));

  SECTION("another timestamp") {
    Bytes bad = sig->signature;
    bad[7] ^= 1;
    CHECK(code_of(verify_cosignature_v1(witness.vkey, kCheckpoint(), bad)) ==
          Errc::signature_invalid);
  }
  SECTION("another checkpoint") {
    CHECK(code_of(verify_cosignature_v1(
              witness.vkey, "example.com/behind-the-sofa\n20852164\n" + kCheckpoint().substr(37),
              sig->signature)) == Errc::signature_invalid);
  }
  SECTION("a timestamp over 2^63 - 1, or a short signature, is a bad signature") {
    Bytes bad = sig->signature;
    bad[0] = 0x80;
    CHECK(code_of(verify_cosignature_v1(witness.vkey, kCheckpoint(), bad)) ==
          Errc::signature_invalid);
    bad = sig->signature;
    bad.pop_back();
    CHECK(code_of(verify_cosignature_v1(witness.vkey, kCheckpoint(), bad)) ==
          Errc::signature_invalid);
  }
  SECTION("a plain Ed25519 signature by the same key is not a cosignature") {
    // Its key ID is computed with 0x01, so the reader does not even match it.
    Expected<VerifierKey> as_log =
        make_verifier_key(witness.vkey.name, kSignatureTypeEd25519, witness.vkey.public_key);
    REQUIRE(as_log.ok());
    auto signer = *ed25519_note_signer(*as_log, witness.sign_fn());
    const std::string plain = test::signed_note(kCheckpoint(), {signer});
    CHECK(code_of(open_note(plain, known)) == Errc::note_unverified);
  }
}

TEST_CASE("cosignature_v1_signer refusals", "[tlog][cosignature]") {
  const auto witness = test::make_test_key("w", kSignatureTypeCosignatureV1, 4);
  const auto log = test::make_test_key("l", kSignatureTypeEd25519, 5);
  CHECK(code_of(cosignature_v1_signer(witness.vkey, witness.sign_fn(), 0)) ==
        Errc::invalid_argument);
  CHECK(code_of(cosignature_v1_signer(witness.vkey, witness.sign_fn(),
                                      kMaxCosignatureTimestamp + 1)) == Errc::invalid_argument);
  CHECK(code_of(cosignature_v1_signer(log.vkey, log.sign_fn(), 1)) == Errc::invalid_argument);
  CHECK(cosignature_v1_signer(witness.vkey, witness.sign_fn(), kMaxCosignatureTimestamp).ok());
  // Only checkpoints are cosigned.
  CHECK(code_of(sign_note_text("not a checkpoint\n", witness.cosigner(1))) ==
        Errc::invalid_encoding);
  CHECK(code_of(verify_cosignature_v1(log.vkey, kCheckpoint(), Bytes(72))) ==
        Errc::invalid_argument);
}
