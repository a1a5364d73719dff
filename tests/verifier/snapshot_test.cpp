// The verifier fed incrementally and resumed from snapshots
// (verifier/record_verifier.hpp, verifier/snapshot.hpp): it reaches exactly
// the report of one pass over the record, wherever it was stopped, and a
// damaged snapshot is refused, never used.
#include "verifier/snapshot.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "protocol/ballot.hpp"
#include "protocol/canonical.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "sim/election_builder.hpp"
#include "tamper_fixture.hpp"
#include "verifier/record_verifier.hpp"

using namespace senim;
using senim::sim::demo_choices;

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("senim-snapshot-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

struct Frame {
  protocol::FrameKind kind;
  Bytes payload;
  std::uint64_t offset;
};

std::vector<Frame> read_frames(const std::string& path) {
  auto reader = protocol::RecordReader::open(path);
  REQUIRE(reader.ok());
  std::vector<Frame> out;
  while (true) {
    auto frame = reader->next();
    REQUIRE(frame.ok());
    if (!frame->has_value())
      break;
    out.push_back({(*frame)->kind, (*frame)->payload, (*frame)->offset});
  }
  return out;
}

// The report without what differs between runs.
std::string comparable(verifier::Report report) {
  report.seconds = 0;
  report.record.clear();
  return report.to_json();
}

// Feeds the frames, stopping after `stop_after` of them to save a snapshot,
// and resuming in a new verifier (new report) from it; returns the report.
verifier::Report resume_at(const std::string& record, const std::vector<Frame>& frames,
                           std::size_t stop_after, const std::string& snapshot,
                           verifier::Mode mode = verifier::Mode::record) {
  verifier::Report first;
  first.item(verifier::Check::record_format);  // as verify_record counts the file's header
  {
    verifier::LogVerifier log(record, first, 2, mode);
    for (std::size_t i = 0; i < stop_after; ++i) {
      if (frames[i].kind == protocol::FrameKind::entry)
        log.add_entry(frames[i].payload, frames[i].offset);
      else
        log.add_checkpoint(frames[i].payload);
    }
    const std::uint64_t next =
        stop_after < frames.size() ? frames[stop_after].offset : std::filesystem::file_size(record);
    REQUIRE(log.save_snapshot(snapshot, next).ok());
  }
  verifier::Report report;
  std::uint64_t next = 0;
  auto log = verifier::LogVerifier::restore_snapshot(snapshot, record, report, 2, next, mode);
  REQUIRE(log.ok());
  std::size_t i = stop_after;
  CHECK((i == frames.size() || frames[i].offset == next));
  for (; i < frames.size(); ++i) {
    if (frames[i].kind == protocol::FrameKind::entry)
      (*log)->add_entry(frames[i].payload, frames[i].offset);
    else
      (*log)->add_checkpoint(frames[i].payload);
  }
  (*log)->finish();
  report.entries = (*log)->size();
  return report;
}

}  // namespace

TEST_CASE("a verifier resumed from a snapshot anywhere in the log reports what one pass does",
          "[verifier][snapshot]") {
  tamper::TamperFixture f;  // re-votes, a challenge, districts, a tally, partials, a result
  const std::string record = temp_path("honest.rec");
  REQUIRE(f.b.write_record(record).ok());
  const std::string expected = comparable(verifier::verify_record(record));
  const std::vector<Frame> frames = read_frames(record);
  const std::string snapshot = temp_path("honest.snap");
  // Before anything, in the ceremony, in voting (after a superseded ballot),
  // after the tally, before the result, at the end.
  for (const verifier::Mode mode : {verifier::Mode::record, verifier::Mode::live}) {
    for (std::size_t stop : {std::size_t{0}, std::size_t{3}, std::size_t{8}, std::size_t{12},
                             std::size_t{15}, std::size_t{18}, std::size_t{21}, frames.size()}) {
      INFO("snapshot after " << stop << " frames, live " << (mode == verifier::Mode::live));
      CHECK(comparable(resume_at(record, frames, stop, snapshot, mode)) == expected);
    }
  }
  std::filesystem::remove(record);
  std::filesystem::remove(snapshot);
}

TEST_CASE("a resumed verifier still finds a tampered ballot after the snapshot",
          "[verifier][snapshot]") {
  tamper::TamperFixture f;
  f.b.replace_entry(tamper::leaf::kBallotV3,
                    tamper::flip_signature_byte(f.b.entries()[tamper::leaf::kBallotV3]));
  const std::string record = temp_path("tampered.rec");
  REQUIRE(f.b.write_record(record).ok());
  const verifier::Report one_pass = verifier::verify_record(record);
  REQUIRE(tamper::failed(one_pass) == tamper::only(verifier::Check::entry_signatures));
  const std::vector<Frame> frames = read_frames(record);
  const std::string snapshot = temp_path("tampered.snap");
  const verifier::Report resumed = resume_at(record, frames, 10, snapshot);
  CHECK(tamper::failed(resumed) == tamper::only(verifier::Check::entry_signatures));
  CHECK(tamper::first_failure(resumed, verifier::Check::entry_signatures) ==
        tamper::first_failure(one_pass, verifier::Check::entry_signatures));
  CHECK(comparable(resumed) == comparable(one_pass));
  std::filesystem::remove(record);
  std::filesystem::remove(snapshot);
}

TEST_CASE("a damaged, truncated or foreign snapshot is refused", "[verifier][snapshot]") {
  tamper::TamperFixture f;
  const std::string record = temp_path("damage.rec");
  REQUIRE(f.b.write_record(record).ok());
  const std::vector<Frame> frames = read_frames(record);
  const std::string snapshot = temp_path("damage.snap");
  {
    verifier::Report report;
    verifier::LogVerifier log(record, report, 1);
    for (std::size_t i = 0; i < 12; ++i)
      log.add_entry(frames[i].payload, frames[i].offset);
    REQUIRE(log.save_snapshot(snapshot, frames[12].offset).ok());
  }
  std::string bytes;
  {
    std::ifstream in(snapshot, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto restore_error = [&](const std::string& contents) {
    {
      std::ofstream out(snapshot, std::ios::binary | std::ios::trunc);
      out << contents;
    }
    verifier::Report report;
    std::uint64_t next = 0;
    auto log = verifier::LogVerifier::restore_snapshot(snapshot, record, report, 1, next);
    REQUIRE_FALSE(log.ok());
    return log.error();
  };
  SECTION("one byte changed in the credential table") {
    std::string damaged = bytes;
    damaged[damaged.size() - 40] ^= 0x01;
    const Error e = restore_error(damaged);
    CHECK(e.code == Errc::invalid_encoding);
    CHECK(e.message.find("damaged") != std::string::npos);
  }
  SECTION("truncated") {
    CHECK(restore_error(bytes.substr(0, bytes.size() - 33)).code == Errc::invalid_encoding);
    CHECK(restore_error(bytes.substr(0, 10)).code == Errc::invalid_encoding);
  }
  SECTION("another version") {
    std::string other = bytes;
    other[11] = static_cast<char>(verifier::kSnapshotVersion + 1);
    const Error e = restore_error(other);
    CHECK(e.code == Errc::invalid_encoding);
    CHECK(e.message.find("version") != std::string::npos);
  }
  SECTION("not a snapshot") {
    CHECK(restore_error("SENIMREC and more").code == Errc::invalid_encoding);
  }
  SECTION("a record verifier's snapshot, restored as a live one") {
    verifier::Report report;
    std::uint64_t next = 0;
    auto log = verifier::LogVerifier::restore_snapshot(snapshot, record, report, 1, next,
                                                       verifier::Mode::live);
    REQUIRE_FALSE(log.ok());
    CHECK(log.error().code == Errc::invalid_encoding);
    CHECK(log.error().message.find("a record's, not a live one's") != std::string::npos);
  }
  SECTION("missing") {
    std::filesystem::remove(snapshot);
    verifier::Report report;
    std::uint64_t next = 0;
    auto log = verifier::LogVerifier::restore_snapshot(snapshot, record, report, 1, next);
    REQUIRE_FALSE(log.ok());
    CHECK(log.error().code == Errc::io_error);
  }
  std::filesystem::remove(record);
  std::filesystem::remove(snapshot);
}

namespace {

// Feeds entries [from, to) of the record, then settles: what a witness does
// before it cosigns a checkpoint of size `to`.
void feed(verifier::LogVerifier& log, const std::vector<Frame>& frames, std::size_t from,
          std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    REQUIRE(frames[i].kind == protocol::FrameKind::entry);
    log.add_entry(frames[i].payload, frames[i].offset);
  }
  log.settle();
}

// Check 15 as a live verifier judges it, entry by entry and across a
// snapshot taken just before `breaking`, the later of the two entries that
// break it (the other is before the snapshot): the failure shows as soon as
// `breaking` is settled, at the cast ballot's entry and with the
// message of senim-verify's second pass, where a record verifier waits for
// finish(); and the whole run reports what senim-verify reports.
void require_judged_live(tamper::TamperFixture& f, std::uint64_t breaking, std::uint64_t cast,
                         std::uint64_t challenge, const std::string& name) {
  const std::string record = temp_path(name + ".rec");
  REQUIRE(f.b.write_record(record).ok());
  const verifier::Report one_pass = verifier::verify_record(record);
  REQUIRE(tamper::failed(one_pass) == tamper::only(verifier::Check::challenges));
  const std::string message =
      "ciphertext 1 of this cast ballot was opened by the challenge at "
      "entry " +
      std::to_string(challenge);
  const std::vector<Frame> frames = read_frames(record);
  const std::string snapshot = temp_path(name + ".snap");

  verifier::Report report;
  verifier::Report batch;
  {
    verifier::LogVerifier live(record, report, 2, verifier::Mode::live);
    verifier::LogVerifier at_end(record, batch, 2);
    feed(live, frames, 0, breaking);
    feed(at_end, frames, 0, breaking);
    CHECK(report.passed());
    REQUIRE(live.save_snapshot(snapshot, frames[breaking].offset).ok());
    feed(at_end, frames, breaking, breaking + 1);
    CHECK(batch.passed());  // a record is judged at its end
  }
  verifier::Report resumed;
  std::uint64_t next = 0;
  auto live = verifier::LogVerifier::restore_snapshot(snapshot, record, resumed, 2, next,
                                                      verifier::Mode::live);
  REQUIRE(live.ok());
  CHECK(next == frames[breaking].offset);
  feed(**live, frames, breaking, breaking + 1);
  INFO(resumed.to_text());
  CHECK(tamper::failed(resumed) == tamper::only(verifier::Check::challenges));
  const auto where = resumed.first_failed_entry();
  REQUIRE(where.has_value());
  CHECK(where->first == cast);
  CHECK(resumed.result(verifier::Check::challenges).first_message.find(message) !=
        std::string::npos);
  CHECK(tamper::first_failure(resumed, verifier::Check::challenges) ==
        tamper::first_failure(one_pass, verifier::Check::challenges));
  std::size_t i = breaking + 1;
  for (; i < frames.size() && frames[i].kind == protocol::FrameKind::entry; ++i)
    (*live)->add_entry(frames[i].payload, frames[i].offset);
  for (; i < frames.size(); ++i)
    (*live)->add_checkpoint(frames[i].payload);
  (*live)->finish();
  resumed.item(verifier::Check::record_format);  // the file's header, as verify_record counts it
  resumed.entries = (*live)->size();
  CHECK(comparable(resumed) == comparable(one_pass));
  std::filesystem::remove(record);
  std::filesystem::remove(snapshot);
}

}  // namespace

TEST_CASE("a live verifier finds a challenged ballot cast at the cast, across a snapshot",
          "[verifier][snapshot][live]") {
  tamper::TamperFixture f;
  // Voter 2 casts the very ballot it challenged (signed by voter 2).
  const std::string shown = f.statement(tamper::leaf::kChallengeV2).challenge().ballot_statement();
  f.b.replace_entry(tamper::leaf::kBallotV2,
                    protocol::make_entry_from_statement_bytes(f.b.voter_key(2), shown));
  f.retally();
  require_judged_live(f, tamper::leaf::kBallotV2, tamper::leaf::kBallotV2,
                      tamper::leaf::kChallengeV2, "cast-after");
}

TEST_CASE("a live verifier finds a challenge of a cast ballot at the challenge, across a snapshot",
          "[verifier][snapshot][live]") {
  tamper::TamperFixture f;
  // Voter 4's cast ballot, made here so that its nonces are known, and a
  // challenge of the very same ballot posted after it, before the close.
  const protocol::EncryptedBallot made =
      f.encrypt(f.b.voter_key(4).public_key(), 1, demo_choices(1, {0, 1, 0, 0, 0}));
  v1::Statement cast = f.b.statement();
  *cast.mutable_ballot() = made.ballot;
  f.restate(tamper::leaf::kBallotV4, cast);
  v1::Statement challenge = f.b.statement();
  *challenge.mutable_challenge() = protocol::reveal_ballot(made, protocol::serialize(cast));
  f.insert(tamper::leaf::kClose, sim::ElectionBuilder::sign(f.b.voter_key(4), challenge));
  f.retally();
  require_judged_live(f, tamper::leaf::kClose, tamper::leaf::kBallotV4, tamper::leaf::kClose,
                      "challenge-after");
}
