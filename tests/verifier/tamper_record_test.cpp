// The tamper catalogue, checks 1–4: the record file, the Merkle log, the
// board's tree heads and the entries' signatures (docs/verifier-checks.md).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "protocol/entry.hpp"
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
