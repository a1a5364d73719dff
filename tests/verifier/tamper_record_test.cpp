// The tamper catalogue, checks 1–4: the record file, the Merkle log, the
// board's tree heads and the entries' signatures (docs/verifier-checks.md).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "protocol/entry.hpp"
#include "tests/protocol/wire_edits.hpp"
#include "tests/verifier/tamper_fixture.hpp"

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

// The current entries as frames, without a head.
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
    CHECK(report.result(c.check).items > 0);
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
                 "record-format: a record cut off inside a frame after its last head", "[tamper]") {
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

TEST_CASE_METHOD(TamperFixture, "record-format: a frame of an unknown kind after the last head",
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

// Not a single-check case: a record that ends inside its only head has lost
// the board's signature over its entries too.
TEST_CASE_METHOD(TamperFixture,
                 "record-format and log-root: a record cut off inside its only tree head",
                 "[tamper]") {
  const Report report = verify_damaged(*this, [](const std::string& path) {
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  });
  INFO(report.to_text());
  CHECK(failed(report) == std::vector<std::string>{"record-format", "log-root"});
  CHECK_THAT(first_failure(report, Check::record_format), Contains("truncated frame payload"));
  CHECK_THAT(first_failure(report, Check::log_root),
             StartsWith("record: ") && Contains("the record has no signed tree head"));
}

// --- 2 log-root ----------------------------------------------------------------

TEST_CASE_METHOD(TamperFixture,
                 "log-root: an entry changed after its head was signed (re-signed by its author)",
                 "[tamper]") {
  const auto signed_head = head(leaf::kCount);
  // Voter 2 "challenged" another ballot: a valid challenge, signed by voter 2.
  b.replace_entry(leaf::kChallengeV2, challenge(2, 1, demo_choices(1, {1, 0, 0, 0, 0})));
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kCount);
  frames.push_back(head_frame(signed_head));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::log_root));
  CHECK_THAT(
      first_failure(report, Check::log_root),
      StartsWith(at(leaf::kCount)) && Contains("signed root for size 22 is not the Merkle root"));
}

TEST_CASE_METHOD(TamperFixture, "log-root: an entry after the last tree head", "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kResult);
  frames.push_back(head_frame(head(leaf::kResult)));
  frames.push_back({senim::protocol::FrameKind::entry, b.entries().at(leaf::kResult)});
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::log_root));
  CHECK_THAT(
      first_failure(report, Check::log_root),
      StartsWith("record: ") && Contains("entries 21 to 21 are not covered by a signed tree head"));
}

TEST_CASE_METHOD(TamperFixture, "log-root: a tree head whose size is not the entries before it",
                 "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kCount);
  frames.push_back(head_frame(head(leaf::kCount - 1)));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::log_root));
  CHECK_THAT(first_failure(report, Check::log_root),
             StartsWith(at(leaf::kCount)) && Contains("a tree head of size 21 follows 22 entries"));
}

// --- 3 tree-head-signatures -----------------------------------------------------

TEST_CASE_METHOD(TamperFixture, "tree-head-signatures: a head signed by the authority's key",
                 "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kCount);
  frames.push_back(head_frame(head(leaf::kCount, &b.authority_key())));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::tree_head_signatures));
  CHECK_THAT(first_failure(report, Check::tree_head_signatures),
             StartsWith(at(leaf::kCount)) && Contains("is not signed by board key"));
}

TEST_CASE_METHOD(TamperFixture, "tree-head-signatures: a head signed for another election",
                 "[tamper]") {
  std::vector<RecordFrame> frames = entry_frames(*this, leaf::kCount);
  frames.push_back(head_frame(head(leaf::kCount, nullptr, "another-election")));
  const Report report = verify_frames(frames);
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::tree_head_signatures));
  CHECK_THAT(first_failure(report, Check::tree_head_signatures),
             StartsWith(at(leaf::kCount)) && Contains("for election \"another-election\""));
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

TEST_CASE_METHOD(TamperFixture, "entry-signatures: one byte of a ballot's signature flipped",
                 "[tamper]") {
  b.replace_entry(leaf::kBallotV3, flip_signature_byte(b.entries().at(leaf::kBallotV3)));
  const Report report = verify();
  INFO(report.to_text());
  CHECK(failed(report) == only(Check::entry_signatures));
  CHECK_THAT(first_failure(report, Check::entry_signatures),
             StartsWith(at(leaf::kBallotV3)) && Contains("entry signature does not verify"));
}
