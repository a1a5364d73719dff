// Signed notes (docs/protocol.md §13.3) against c2sp.org/signed-note's own
// example and golang.org/x/mod/sumdb/note's test vectors (note_test.go),
// plus every refusal the specification implies.
#include "tlog/note.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/tlog/tlog_test_support.hpp"
#include "tlog/base64.hpp"
#include "tlog/text.hpp"
#include "tlog/vkey.hpp"

using senim::Bytes;
using senim::Errc;
using senim::Expected;
using namespace senim::tlog;
using senim::tlog::test::code_of;

namespace {

// c2sp.org/signed-note, "Verifier keys — Example".
const std::string& kSpecVkey() {
  static const std::string value =
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
  return value;
}
const std::string& kSpecNote() {
  static const std::string value =
      "This is an example message.\n"
      "\n"
      "\u2014 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
      "\n";
  return value;
}

// golang.org/x/mod/sumdb/note/note_test.go.
const std::string& kPeterVkey() {
  static const std::string value =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  return value;
}
const std::string& kPeterSkeyData() {
  static const std::string value = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";  // 0x01 ‖ seed
  return value;
}
const std::string& kEnochVkey() {
  static const std::string value =
      "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
  return value;
}
const std::string& kGoText() {
  static const std::string value =
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n";
  return value;
}
const std::string& kPeterSig() {
  static const std::string value =
      "\u2014 PeterNeumann "
      "x08go/ZJkuBS9UG/"
      "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  return value;
}
const std::string& kEnochSig() {
  static const std::string value =
      "\u2014 EnochRoot "
      "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
      "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
  return value;
}

VerifierKey vkey(const std::string& text) {
  Expected<VerifierKey> key = parse_vkey(text);
  REQUIRE(key.ok());
  return *key;
}

// The message with "ABCD" inserted into the signature at byte `at` of the
// line (still valid base64, but a different signature): note_test.go's
// tampering.
std::string tampered(const std::string& line, std::size_t at = 60) {
  return line.substr(0, at) + "ABCD" + line.substr(at);
}

}  // namespace

TEST_CASE("signed-note spec example: the vkey parses and verifies the note", "[tlog][note]") {
  const VerifierKey key = vkey(kSpecVkey());
  CHECK(key.name == "example.com/foo");
  CHECK(key.key_id == 0x530d903a);
  CHECK(key.type == kSignatureTypeEd25519);
  CHECK(format_vkey(key) == kSpecVkey());
  const std::vector<VerifierKey> known{key};
  Expected<OpenedNote> opened = open_note(kSpecNote(), known);
  REQUIRE(opened.ok());
  CHECK(opened->text == "This is an example message.\n");
  REQUIRE(opened->verified.size() == 1);
  CHECK(opened->verified[0].key == key);
  CHECK_FALSE(opened->verified[0].timestamp.has_value());
  CHECK(opened->unknown.empty());
}

TEST_CASE("signed-note spec example: the quasimodo note parses", "[tlog][note]") {
  const std::string note =
      "Ognuno sta solo sul cuor della terra\n"
      "trafitto da un raggio di sole:\n"
      "\n"
      "ed \u00e8 subito sera.\n"
      "\n"
      "\u2014 quasimodo.example/salvatore "
      "NnugSzTjtVAewIS+Z/iJhUPeFDkO/"
      "5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
  Expected<Note> parsed = parse_note(note);
  REQUIRE(parsed.ok());
  // The text is separated by the *last* empty line: it keeps its own.
  CHECK(parsed->text ==
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito "
        "sera.\n");
  REQUIRE(parsed->signatures.size() == 1);
  CHECK(parsed->signatures[0].name == "quasimodo.example/salvatore");
  CHECK(parsed->signatures[0].key_id == 0x367ba04b);
  CHECK(parsed->signatures[0].signature.size() == 64);
  CHECK(format_note(*parsed) == note);
}

TEST_CASE("x/mod vectors: signing with PeterNeumann's seed gives Go's exact note",
          "[tlog][note][interop]") {
  const std::optional<Bytes> skey = base64_decode(kPeterSkeyData());
  REQUIRE(skey.has_value());
  REQUIRE(skey->size() == 33);
  REQUIRE((*skey)[0] == kSignatureTypeEd25519);
  const auto peter = test::make_test_key_from_seed("PeterNeumann", kSignatureTypeEd25519,
                                                   senim::ByteView(*skey).subspan(1));
  CHECK(peter.vkey == vkey(kPeterVkey()));
  CHECK(format_vkey(peter.vkey) == kPeterVkey());
  CHECK(test::signed_note(kGoText(), {peter.note_signer()}) == kGoText() + "\n" + kPeterSig());
}

TEST_CASE("x/mod vectors: Open's verified, unknown and unverified cases", "[tlog][note][interop]") {
  const VerifierKey peter = vkey(kPeterVkey());
  const VerifierKey enoch = vkey(kEnochVkey());
  const std::string both = kGoText() + "\n" + kPeterSig() + kEnochSig();

  SECTION("one known, one unknown") {
    const std::vector<VerifierKey> known{peter};
    Expected<OpenedNote> n = open_note(both, known);
    REQUIRE(n.ok());
    CHECK(n->text == kGoText());
    REQUIRE(n->verified.size() == 1);
    CHECK(n->verified[0].signature.name == "PeterNeumann");
    CHECK(n->verified[0].signature.key_id == 0xc74f20a3);
    REQUIRE(n->unknown.size() == 1);
    CHECK(n->unknown[0].name == "EnochRoot");
    CHECK(n->unknown[0].key_id == 0xaf0cfe78);
  }
  SECTION("both known") {
    const std::vector<VerifierKey> known{peter, enoch};
    Expected<OpenedNote> n = open_note(both, known);
    REQUIRE(n.ok());
    CHECK(n->verified.size() == 2);
    CHECK(n->unknown.empty());
  }
  SECTION("none known: note_unverified, like UnverifiedNoteError") {
    Expected<OpenedNote> n = open_note(both, {});
    CHECK(code_of(n) == Errc::note_unverified);
    CHECK(n.error().message.find("PeterNeumann+c74f20a3") != std::string::npos);
  }
  SECTION("a name or an ID matching alone is an unknown key") {
    VerifierKey wrong_name = peter;
    wrong_name.name = "PeterNeuman";
    VerifierKey wrong_id = peter;
    wrong_id.key_id = 0xc74f20a4;
    const std::vector<VerifierKey> known{wrong_name, wrong_id};
    CHECK(code_of(open_note(both, known)) == Errc::note_unverified);
  }
  SECTION("ambiguous known keys are refused") {
    const std::vector<VerifierKey> known{enoch, peter, enoch};
    CHECK(code_of(open_note(kGoText() + "\n" + kPeterSig(), known)) == Errc::invalid_argument);
  }
}

TEST_CASE("x/mod vectors: a known key's bad signature rejects the note", "[tlog][note]") {
  const std::vector<VerifierKey> known{vkey(kPeterVkey())};
  Expected<OpenedNote> n = open_note(kGoText() + "\n" + tampered(kPeterSig()), known);
  CHECK(code_of(n) == Errc::signature_invalid);
  CHECK(n.error().message == "invalid signature for key PeterNeumann+c74f20a3");
  // Even when a good signature by the same key comes first: every line of a
  // known key is verified.
  CHECK(code_of(open_note(kGoText() + "\n" + kPeterSig() + tampered(kPeterSig()), known)) ==
        Errc::signature_invalid);
}

TEST_CASE("x/mod vectors: repeated signatures are listed once", "[tlog][note]") {
  const std::vector<VerifierKey> known{vkey(kPeterVkey())};
  const std::string msg = kGoText() + "\n" + kPeterSig() + kPeterSig() + kEnochSig() + kEnochSig() +
                          tampered(kEnochSig());
  Expected<OpenedNote> n = open_note(msg, known);
  REQUIRE(n.ok());
  CHECK(n->verified.size() == 1);
  REQUIRE(n->unknown.size() == 2);  // enoch, and enoch with "ABCD"
  CHECK(n->unknown[0].signature != n->unknown[1].signature);
}

TEST_CASE("x/mod vectors: malformed notes", "[tlog][note]") {
  const std::vector<VerifierKey> known{vkey(kPeterVkey())};
  const std::vector<std::string> bad = {
      kGoText(),         // no signatures
      kGoText() + "\n",  // blank line, no signatures
      kGoText() + "\n" + kPeterSig().substr(0, kPeterSig().size() - 1),  // unterminated line
      "\x01" + kGoText() + "\n" + kPeterSig(),                           // control character
      "\xff" + kGoText() + "\n" + kPeterSig(),                           // invalid UTF-8
      kGoText() +
          "\n\u2014 Bad Name "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      kGoText() + "\n" + kPeterSig() + "Unexpected line.\n",
  };
  for (const std::string& msg : bad) {
    INFO(msg);
    CHECK(code_of(open_note(msg, known)) == Errc::invalid_encoding);
  }
}

TEST_CASE("note limits: at least 16 post-quantum-size signatures, at most 100 lines, 256 KiB",
          "[tlog][note]") {
  const VerifierKey peter = vkey(kPeterVkey());
  const std::vector<VerifierKey> known{peter};
  // 16 unknown signatures of 4 + 4,900 bytes (ML-DSA-87 is 4,627) and Peter's.
  std::string msg = kGoText() + "\n";
  for (std::uint32_t i = 0; i < 16; ++i) {
    NoteSignature big{"pq.example/" + std::to_string(i), i, Bytes(4900, 0x5a)};
    msg += format_signature_line(big);
  }
  msg += kPeterSig();
  Expected<OpenedNote> n = open_note(msg, known);
  REQUIRE(n.ok());
  CHECK(n->unknown.size() == 16);

  std::string many = kGoText() + "\n";
  for (int i = 0; i < 100; ++i)
    many += kPeterSig();
  CHECK(open_note(many, known).ok());
  CHECK(code_of(open_note(many + kPeterSig(), known)) == Errc::invalid_length);

  const std::string huge = std::string(kMaxNoteBytes, 'a') + "\n\n" + kPeterSig();
  CHECK(code_of(parse_note(huge)) == Errc::invalid_length);
}

TEST_CASE("note characters: UTF-8 strictly, no control characters but newline", "[tlog][note]") {
  const auto check_text = [](const std::string& text) {
    return parse_note(text + "\n" + kPeterSig()).ok();
  };
  CHECK(check_text("plain\n"));
  CHECK(check_text("\u049b\u0430\u0437\u0430\u049b\u0448\u0430 \U0001F5F3\n"));  // Kazakh, emoji
  CHECK(check_text("del \x7f is not a control character below U+0020\n"));
  CHECK_FALSE(check_text("tab\there\n"));
  CHECK_FALSE(check_text("carriage return\r\n"));
  CHECK_FALSE(check_text(std::string("nul\0here\n", 9)));
  CHECK_FALSE(check_text("overlong \xc0\xaf\n"));
  CHECK_FALSE(check_text("overlong \xe0\x80\xaf\n"));
  CHECK_FALSE(check_text("surrogate \xed\xa0\x80\n"));
  CHECK_FALSE(check_text("above U+10FFFF \xf4\x90\x80\x80\n"));
  CHECK_FALSE(check_text("truncated \xe2\x80\n"));
  CHECK_FALSE(check_text("lone continuation \x80\n"));
}

TEST_CASE("key names: non-empty, no Unicode spaces, no plus", "[tlog][note]") {
  const Bytes sig(68, 1);
  const auto line_ok = [&](const std::string& name) {
    return parse_signature_line("\u2014 " + name + " " + base64_encode(sig)).ok();
  };
  CHECK(line_ok("example.com/log"));
  CHECK(line_ok("\u0441\u0430\u0439\u043b\u0430\u0443.kz/\u0442\u0430\u049b\u0442\u0430"));
  CHECK_FALSE(line_ok(""));
  CHECK_FALSE(line_ok("a+b"));
  CHECK_FALSE(line_ok("no\u00a0break"));      // U+00A0 NO-BREAK SPACE
  CHECK_FALSE(line_ok("ideographic\u3000"));  // U+3000
  CHECK_FALSE(line_ok("thin\u2009space"));    // U+2009
  CHECK_FALSE(line_ok("nel\u0085"));          // U+0085
  CHECK(line_ok("zero\u200bwidth"));          // U+200B is not White_Space
  CHECK(is_valid_key_name("a"));
  CHECK_FALSE(is_valid_key_name("bad\xff"));
}

TEST_CASE("signature lines: strict base64 and shape", "[tlog][note]") {
  const std::string name = "\u2014 PeterNeumann ";
  const std::string b64 =
      "x08go/ZJkuBS9UG/"
      "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";
  CHECK(parse_signature_line(name + b64).ok());
  // In a 68-byte encoding the character before '=' holds 4 data bits and 2
  // zero padding bits; 'M' → 'N' sets a padding bit: the same bytes to a
  // lenient decoder, a second spelling to a strict one.
  std::string non_canonical = b64;
  non_canonical[non_canonical.size() - 2] = 'N';
  CHECK(code_of(parse_signature_line(name + non_canonical)) == Errc::invalid_encoding);
  CHECK(code_of(parse_signature_line(name + b64.substr(0, b64.size() - 1))) ==
        Errc::invalid_encoding);  // padding missing
  CHECK(code_of(parse_signature_line(name + " " + b64)) == Errc::invalid_encoding);
  CHECK(code_of(parse_signature_line(name + b64 + " ")) == Errc::invalid_encoding);
  CHECK(code_of(parse_signature_line("- PeterNeumann " + b64)) == Errc::invalid_encoding);
  CHECK(code_of(parse_signature_line(name + "AAAAAA==")) == Errc::invalid_encoding);  // 4 bytes
  CHECK(code_of(parse_signature_line(name)) == Errc::invalid_encoding);
}

TEST_CASE("vkeys: x/mod's manglings are all refused", "[tlog][note][interop]") {
  CHECK(parse_vkey(kPeterVkey()).ok());
  // Every proper substring and every single-byte increment (note_test.go's
  // TestNewVerifier).
  for (std::size_t i = 0; i <= kPeterVkey().size(); ++i) {
    for (std::size_t j = i + 1; j <= kPeterVkey().size(); ++j) {
      if (i == 0 && j == kPeterVkey().size())
        continue;
      INFO(kPeterVkey().substr(i, j - i));
      CHECK_FALSE(parse_vkey(kPeterVkey().substr(i, j - i)).ok());
    }
  }
  for (std::size_t i = 0; i < kPeterVkey().size(); ++i) {
    std::string mangled = kPeterVkey();
    ++mangled[i];
    INFO(mangled);
    CHECK_FALSE(parse_vkey(mangled).ok());
  }
  // Wrong key length and unknown algorithm, each with its key hash adjusted.
  // Go refuses the first for its length; its base64 is not canonical either
  // ('Y' before "==" sets padding bits), which is what refuses it here.
  CHECK(code_of(parse_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                           "LDE4izWy10TWBADKEY==")) == Errc::invalid_encoding);
  CHECK(code_of(parse_vkey("PeterNeumann+" + senim::to_hex(std::vector<std::uint8_t>{0, 0, 0, 0}) +
                           "+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==")) ==
        Errc::invalid_length);  // 33 bytes of key, canonical: refused for its length first
  CHECK(code_of(parse_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                           "LDE4izWy10TW")) == Errc::invalid_argument);
  // Uppercase hex is not the canonical form.
  CHECK(code_of(parse_vkey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                           "LDE4izWy10TW")) == Errc::invalid_encoding);
}

TEST_CASE("key IDs: SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4], so 0x01 and 0x04 differ",
          "[tlog][note]") {
  const VerifierKey peter = vkey(kPeterVkey());
  CHECK(compute_key_id("PeterNeumann", kSignatureTypeEd25519, peter.public_key) == 0xc74f20a3);
  Expected<VerifierKey> as_cosigner =
      make_verifier_key("PeterNeumann", kSignatureTypeCosignatureV1, peter.public_key);
  REQUIRE(as_cosigner.ok());
  CHECK(as_cosigner->key_id != peter.key_id);
  CHECK(code_of(make_verifier_key("bad name", kSignatureTypeEd25519, peter.public_key)) ==
        Errc::invalid_argument);
  CHECK(code_of(make_verifier_key("x", 0x02, peter.public_key)) == Errc::invalid_argument);
}

TEST_CASE("sign_note: refuses what is not a note text", "[tlog][note]") {
  const auto key = test::make_test_key("example.com/log", kSignatureTypeEd25519, 7);
  const std::vector<NoteSigner> signers{key.note_signer()};
  CHECK(code_of(sign_note("abc", signers)) == Errc::invalid_encoding);
  CHECK(code_of(sign_note("", signers)) == Errc::invalid_encoding);
  CHECK(code_of(sign_note("tab\t\n", signers)) == Errc::invalid_encoding);
  CHECK(code_of(sign_note("abc\n", {})) == Errc::invalid_argument);
  const auto cosigner = test::make_test_key("w.example", kSignatureTypeCosignatureV1, 8);
  CHECK(code_of(ed25519_note_signer(cosigner.vkey, cosigner.sign_fn())) == Errc::invalid_argument);
  // A text with empty lines of its own signs and opens back to itself.
  const std::string text = "a\n\nb\n";
  const std::vector<VerifierKey> known{key.vkey};
  Expected<OpenedNote> n = open_note(*sign_note(text, signers), known);
  REQUIRE(n.ok());
  CHECK(n->text == text);
}
