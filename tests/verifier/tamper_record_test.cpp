// The tamper catalogue, checks 1–4: the record file, the Merkle log, the
// board's tree heads and the entries' signatures (docs/verifier-checks.md).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "crypto/merkle.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/entry.hpp"
#include "tests/protocol/wire_edits.hpp"
#include "tests/verifier/tamper_fixture.hpp"
#include "tlog/base64.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/note.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using senim::Bytes;
using senim::sim::demo_choices;
using senim::verifier::Check;
using senim::verifier::Report;
using namespace senim::tamper;

namespace {

// Writes the honest layout of `f`'s entries, then lets `damage` change the file.
Report verify_damaged(const TamperFixture& f,
                      const std::function<void(const std::string&)>& damage) {
  const std::string path = temp_record_path("damaged");
  write_frames(path, f.frames());
  damage(path);
  Report report = verify_file(path);
  std::filesystem::remove(path);
  return report;
}

void append_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Report verify_frames(const std::vector<RecordFrame>& frames) {
  const std::string path = temp_record_path("frames");
  write_frames(path, frames);
  Report report = verify_file(path);
  std::filesystem::remove(path);
  return report;
}

// The current entries as frames, without a checkpoint.
std::vector<RecordFrame> entry_frames(const TamperFixture& f, std::uint64_t count) {
  std::vector<RecordFrame> out;
  for (std::uint64_t i = 0; i < count; ++i)
    out.push_back({senim::protocol::FrameKind::entry, f.b.entries().at(i)});
  return out;
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "the tamper fixture's honest record passes every check",
                 "[tamper]") {
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report).empty());
  for (const auto& c : senim::verifier::kChecks) {
    INFO(c.id);
    // Check 19 has nothing to check in an election without witnesses.
    CHECK((report.result(c.check).items > 0) == (c.check != Check::witness_quorum));
  }
  // What the board recomputes after a tamper is, on an honest log, what it posted.
  retally();
  const Report again = verify();
  INFO(again.to_text());
  CHECK(failed(again).empty());
  CHECK(again.verified_result->SerializeAsString() == report.verified_result->SerializeAsString());
}

// --- 1 record-format ---------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "record-format: a file without the record magic", "[tamper]") {
  const Report report = verify_damaged(*this, [](const std::string& path) {
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(0);
    file.put('X');
  });
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith("record: ") && Contains("bad magic"));
}

TEST_CASE_METHOD(TamperFixture,
                 "record-format: a record cut off inside a frame after its last checkpoint",
                 "[tamper]") {
  const Report report = verify_damaged(*this, [](const std::string& path) {
    // An entry frame announcing 100 bytes, of which only 10 arrived.
    Bytes partial(5 + 10, 0x2a);
    const std::uint8_t header[] = {1, 0, 0, 0, 100};
    std::copy(std::begin(header), std::end(header), partial.begin());
    append_bytes(path, partial);
  });
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith("record: ") && Contains("truncated frame payload"));
}

TEST_CASE_METHOD(TamperFixture,
                 "record-format: a frame of an unknown kind after the last checkpoint",
                 "[tamper]") {
  const Report report = verify_damaged(*this, [](const std::string& path) {
    append_bytes(path, {7, 0, 0, 0, 0});
  });
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith("record: ") && Contains("unknown frame kind 7"));
}

TEST_CASE_METHOD(TamperFixture, "record-format: an entry that is not a protobuf Entry, in the log",
                 "[tamper]") {
  const std::string junk = "not an entry";
  insert(leaf::kBallotV1, Bytes(junk.begin(), junk.end()));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith(at(leaf::kBallotV1)) && Contains("entry does not parse"));
}

// §11.1.1: one encoding per entry. A ballot re-signed by its voter with its
// statement's bytes re-encoded, each breaking one rule: libprotobuf would
// read the same ballot (under another tracking code); the verifier refuses
// the entry and names the rule.
TEST_CASE_METHOD(TamperFixture,
                 "record-format: a ballot with an unknown field, a padded varint or two bodies",
                 "[tamper][canonical]") {
  using Edit = Bytes (*)(senim::ByteView);
  const std::vector<std::pair<Edit, std::string>> edits{
      {senim::test::wire::with_unknown_field,
       "unknown_field: Statement field 127 (wire type 0) is not a field of Statement"},
      {senim::test::wire::with_padded_length,
       "noncanonical_varint: Statement.election_id (its length): a varint of 2 bytes"},
      {senim::test::wire::with_two_bodies,
       "repeated_field: Statement.body holds both setup and ballot (libprotobuf would keep the "
       "last)"},
  };
  const Bytes honest = b.entries().at(leaf::kBallotV3);
  const std::string statement = senim::protocol::parse_entry(honest)->entry.statement();
  for (const auto& [edit, says] : edits) {
    const Bytes edited = edit(senim::as_bytes(statement));
    b.replace_entry(leaf::kBallotV3,
                    senim::protocol::make_entry_from_statement_bytes(
                        b.voter_key(3), std::string(edited.begin(), edited.end())));
    retally();  // the board's tally, as if it had counted what it could parse
    const Report report = verify();
    INFO(report.to_text());
    CHECK(failed(report) == only(Check::record_format));
    CHECK_THAT(first_failure(report, Check::record_format),
               StartsWith(at(leaf::kBallotV3)) && Contains("entry does not parse: " + says));
  }
}

TEST_CASE_METHOD(TamperFixture,
                 "record-format: a board re-encodes a signed entry (an unknown field in the Entry)",
                 "[tamper][canonical]") {
  // The Entry's own bytes are not signed: the signature still verifies.
  b.replace_entry(leaf::kBallotV3,
                  senim::test::wire::with_unknown_field(b.entries().at(leaf::kBallotV3)));
  retally();
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith(at(leaf::kBallotV3)) &&
                 Contains("unknown_field: Entry field 127 (wire type 0) is not a field of Entry"));
}

TEST_CASE_METHOD(TamperFixture,
                 "record-format: a checkpoint frame that is not a signed note, before the last one",
                 "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kOpen);
  const std::string junk = "board\n9\nnot base64\n";
  frames.push_back(checkpoint_frame(junk));
  for (std::uint64_t i = leaf::kOpen; i < leaf::kCount; ++i)
    frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(i)});
  frames.push_back(checkpoint_frame(checkpoint(leaf::kCount)));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith(at(leaf::kOpen)) &&
                 Contains("a checkpoint frame is not a checkpoint note: invalid_encoding"));
}

TEST_CASE_METHOD(TamperFixture,
                 "record-format: a board-signed note whose root is 31 bytes, before the last one",
                 "[tamper]") {
  // Signed by the board's key under its origin: a note, but not a checkpoint.
  const std::string text =
      b.log_origin() + "\n8\n" + senim::tlog::base64_encode(Bytes(31, 7)) + "\n";
  const auto vkey =
      *senim::protocol::board_verifier_key(b.log_origin(), b.board_key().public_key());
  const auto signer = *senim::tlog::ed25519_note_signer(
      vkey, [this](senim::ByteView m) { return b.board_key().sign(m); });
  const std::vector<senim::tlog::NoteSigner> signers{signer};
  const auto note = senim::tlog::sign_note(text, signers);
  REQUIRE(note.ok());
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kOpen);
  frames.push_back(checkpoint_frame(*note));
  for (std::uint64_t i = leaf::kOpen; i < leaf::kCount; ++i)
    frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(i)});
  frames.push_back(checkpoint_frame(checkpoint(leaf::kCount)));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::record_format));
  CHECK_THAT(first_failure(report, Check::record_format),
             StartsWith(at(leaf::kOpen)) && Contains("invalid_length"));
}

// Not a single-check case: a record that ends inside its only checkpoint has
// lost the board's signature over its entries too.
TEST_CASE_METHOD(TamperFixture,
                 "record-format and log-root: a record cut off inside its only checkpoint",
                 "[tamper]") {
  const Report report = verify_damaged(*this, [](const std::string& path) {
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  });
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"record-format", "log-root"});
  CHECK_THAT(first_failure(report, Check::record_format), Contains("truncated frame payload"));
  CHECK_THAT(first_failure(report, Check::log_root),
             StartsWith("record: ") && Contains("the record has no checkpoint"));
}

// --- 2 log-root ----------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture,
                 "log-root: an entry changed after its checkpoint was signed (re-signed by its "
                 "author)",
                 "[tamper]") {
  const auto signed_checkpoint = checkpoint(leaf::kCount);
  // Voter 2 "challenged" another ballot: a valid challenge, signed by voter 2.
  b.replace_entry(leaf::kChallengeV2, challenge(2, 1, demo_choices(1, {1, 0, 0, 0, 0})));
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kCount);
  frames.push_back(checkpoint_frame(signed_checkpoint));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::log_root));
  CHECK_THAT(
      first_failure(report, Check::log_root),
      StartsWith(at(leaf::kCount)) && Contains("signed root for size 22 is not the Merkle root"));
}

TEST_CASE_METHOD(TamperFixture, "log-root: an entry after the last checkpoint", "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kResult);
  frames.push_back(checkpoint_frame(checkpoint(leaf::kResult)));
  frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(leaf::kResult)});
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::log_root));
  CHECK_THAT(
      first_failure(report, Check::log_root),
      StartsWith("record: ") && Contains("entries 21 to 21 are not covered by a checkpoint"));
}

TEST_CASE_METHOD(TamperFixture, "log-root: a checkpoint whose size is not the entries before it",
                 "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kCount);
  frames.push_back(checkpoint_frame(checkpoint(leaf::kCount - 1)));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::log_root));
  CHECK_THAT(
      first_failure(report, Check::log_root),
      StartsWith(at(leaf::kCount)) && Contains("a checkpoint of size 21 follows 22 entries"));
}

// --- 3 checkpoint-signatures -----------------------------------------------------

namespace {

// A record of every entry and then `note` as its checkpoint.
Report verify_with_checkpoint(const TamperFixture& f, const std::string& note) {
  std::vector<RecordFrame> frames = entry_frames(f, leaf::kCount);
  frames.push_back(checkpoint_frame(note));
  return verify_frames(frames);
}

}  // namespace

TEST_CASE_METHOD(TamperFixture, "checkpoint-signatures: a checkpoint signed by the authority's key",
                 "[tamper]") {
  const Report report = verify_with_checkpoint(*this, checkpoint(leaf::kCount, &b.authority_key()));
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::checkpoint_signatures));
  CHECK_THAT(first_failure(report, Check::checkpoint_signatures),
             StartsWith(at(leaf::kCount)) && Contains("note_unverified"));
  // A tree the board did not sign is not printed for comparison.
  CHECK_FALSE(report.tree_size.has_value());
  CHECK(report.to_text().find("tree head: size") == std::string::npos);
}

TEST_CASE_METHOD(TamperFixture,
                 "checkpoint-signatures: a checkpoint by the board's key for another origin",
                 "[tamper]") {
  const Report report =
      verify_with_checkpoint(*this, checkpoint(leaf::kCount, nullptr, "board.example/another"));
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::checkpoint_signatures));
  CHECK_THAT(first_failure(report, Check::checkpoint_signatures),
             StartsWith(at(leaf::kCount)) &&
                 Contains("invalid_argument: the checkpoint is for origin "
                          "\"board.example/another\"; the election's log is \"" +
                          b.log_origin() + "\""));
}

TEST_CASE_METHOD(TamperFixture,
                 "checkpoint-signatures: a checkpoint whose board signature has a flipped bit",
                 "[tamper]") {
  std::string note = checkpoint(leaf::kCount);
  // A base64 character inside the signature, changed: the line still
  // decodes (canonically), to another signature.
  char& c = note[note.size() - 10];
  c = c == 'A' ? 'Q' : 'A';
  const Report report = verify_with_checkpoint(*this, note);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::checkpoint_signatures));
  CHECK_THAT(first_failure(report, Check::checkpoint_signatures),
             StartsWith(at(leaf::kCount)) && Contains("signature_invalid"));
}

TEST_CASE_METHOD(TamperFixture,
                 "checkpoint-signatures: a board-signed checkpoint with an extension line",
                 "[tamper]") {
  senim::crypto::merkle::MerkleLog log;
  for (const Bytes& e : b.entries())
    log.append(e);
  const auto text = senim::tlog::format_checkpoint(
      senim::tlog::Checkpoint{b.log_origin(), log.size(), log.root(), {"time 1700000000"}});
  REQUIRE(text.ok());
  const auto vkey =
      *senim::protocol::board_verifier_key(b.log_origin(), b.board_key().public_key());
  const auto signer = *senim::tlog::ed25519_note_signer(
      vkey, [this](senim::ByteView m) { return b.board_key().sign(m); });
  const std::vector<senim::tlog::NoteSigner> signers{signer};
  const auto note = senim::tlog::sign_note(*text, signers);
  REQUIRE(note.ok());
  const Report report = verify_with_checkpoint(*this, *note);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::checkpoint_signatures));
  CHECK_THAT(first_failure(report, Check::checkpoint_signatures),
             StartsWith(at(leaf::kCount)) && Contains("has 1 extension lines"));
}

// Not a tamper: cosignatures of keys the policy does not name are ignored
// by checks 2 and 3 (signed-note: unknown keys' lines are ignored).
TEST_CASE_METHOD(TamperFixture,
                 "a checkpoint with a cosignature by a key the policy does not name passes",
                 "[tamper]") {
  const auto witness = senim::protocol::SigningKey::generate();
  const auto vkey = *senim::tlog::make_verifier_key(
      "stranger.example", senim::tlog::kSignatureTypeCosignatureV1, witness.public_key());
  const auto cosigner = *senim::tlog::cosignature_v1_signer(
      vkey, [&](senim::ByteView m) { return witness.sign(m); }, 1700000000);
  std::string note = checkpoint(leaf::kCount);
  const std::string text = note.substr(0, note.rfind("\n\n") + 1);
  const auto line = senim::tlog::sign_note_text(text, cosigner);
  REQUIRE(line.ok());
  note += senim::tlog::format_signature_line(*line);
  const Report report = verify_with_checkpoint(*this, note);
  INFO(report.to_text());
  CHECK(failed(report).empty());
}

// --- 4 entry-signatures ---------------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "entry-signatures: one byte of a trustee's deal signature flipped",
                 "[tamper]") {
  const std::uint64_t deal2 = leaf::kDeal1 + 1;
  b.replace_entry(deal2, flip_signature_byte(b.entries().at(deal2)));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(first_failure(report, Check::entry_signatures),
             StartsWith(at(deal2)) && Contains("entry signature does not verify under signer"));
}

// A ballot's signature is a credential signature (docs/protocol.md
// §11.1.2), checked in the ballot batch's MSM: a bad one is found by the
// bisection and named alone, with the one-by-one message.
TEST_CASE_METHOD(TamperFixture, "entry-signatures: one byte of a ballot's signature flipped",
                 "[tamper]") {
  b.replace_entry(leaf::kBallotV3, flip_signature_byte(b.entries().at(leaf::kBallotV3), 40));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(
      first_failure(report, Check::entry_signatures),
      StartsWith(at(leaf::kBallotV3)) && Contains("credential signature does not verify under " +
                                                  senim::to_hex(b.voter_public_key(3))));
  CHECK(report.result(Check::entry_signatures).failures == 1);
}

TEST_CASE_METHOD(TamperFixture, "entry-signatures: a ballot's signature s replaced by s + ℓ",
                 "[tamper]") {
  std::string sig =
      senim::protocol::parse_entry(b.entries().at(leaf::kBallotV3))->entry.signature();
  // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
  const std::uint8_t order[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                  0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                  0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = static_cast<std::uint8_t>(sig[32 + i]) + order[i] + carry;
    sig[32 + i] = static_cast<char>(sum & 0xff);
    carry = sum >> 8;
  }
  b.replace_entry(leaf::kBallotV3, with_signature(b.entries().at(leaf::kBallotV3), sig));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(first_failure(report, Check::entry_signatures),
             StartsWith(at(leaf::kBallotV3)) && Contains("s is not a canonical scalar"));
}

TEST_CASE_METHOD(TamperFixture, "entry-signatures: a ballot's signature R not an encoding",
                 "[tamper]") {
  std::string sig =
      senim::protocol::parse_entry(b.entries().at(leaf::kBallotV3))->entry.signature();
  sig[31] = static_cast<char>(sig[31] ^ 0x80);  // bit 255: never canonical (§2.1)
  b.replace_entry(leaf::kBallotV3, with_signature(b.entries().at(leaf::kBallotV3), sig));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(
      first_failure(report, Check::entry_signatures),
      StartsWith(at(leaf::kBallotV3)) && Contains("R is not a canonical ristretto255 encoding"));
}

TEST_CASE_METHOD(TamperFixture, "entry-signatures: a ballot re-signed by another credential",
                 "[tamper]") {
  // The idle voter signs voter 3's statement; the entry still names voter 3.
  const Bytes honest = b.entries().at(leaf::kBallotV3);
  const Bytes other = senim::protocol::make_entry_from_statement_bytes(
      b.voter_key(kIdleVoter), senim::protocol::parse_entry(honest)->entry.statement());
  b.replace_entry(leaf::kBallotV3,
                  with_signature(honest, senim::protocol::parse_entry(other)->entry.signature()));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(first_failure(report, Check::entry_signatures),
             StartsWith(at(leaf::kBallotV3)) && Contains("credential signature does not verify"));
}

TEST_CASE_METHOD(TamperFixture, "entry-signatures: a challenge's signature flipped", "[tamper]") {
  const std::uint64_t challenge = leaf::kChallengeV2;
  b.replace_entry(challenge, flip_signature_byte(b.entries().at(challenge), 40));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(first_failure(report, Check::entry_signatures),
             StartsWith(at(challenge)) && Contains("credential signature does not verify"));
}
