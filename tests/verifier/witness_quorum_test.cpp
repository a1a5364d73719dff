// Check 19 (docs/verifier-checks.md): every cosignature of a policy witness
// on the record's checkpoints verifies (tlog-cosignature, type 0x04), and the
// final checkpoint meets the quorum of the manifest's witness policy. An
// election with three witnesses, quorum 2 of 3, its record's final
// checkpoint cosigned as each case says.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "protocol/record.hpp"
#include "protocol/signing.hpp"
#include "sim/election_builder.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"
#include "verifier/record_verifier.hpp"

using Catch::Matchers::Contains;
using senim::Bytes;
using senim::verifier::Check;
using senim::verifier::Verdict;

namespace {

struct Witness {
  std::string name;
  senim::protocol::SigningKey key;
  senim::tlog::VerifierKey vkey;
};

Witness witness(const std::string& name, std::uint8_t seed) {
  auto key = senim::protocol::SigningKey::from_seed(Bytes(32, seed));
  REQUIRE(key.ok());
  auto vkey = senim::tlog::make_verifier_key(
      name + ".observers.example", senim::tlog::kSignatureTypeCosignatureV1, key->public_key());
  REQUIRE(vkey.ok());
  return {name, std::move(*key), *vkey};
}

// The signature line `w` adds to `note` (a checkpoint): cosignature/v1.
std::string cosignature_line(const std::string& note, const Witness& w) {
  const std::string text = note.substr(0, note.find("\n\n") + 1);
  auto signer = senim::tlog::cosignature_v1_signer(
      w.vkey, [&](senim::ByteView m) { return w.key.sign(m); }, 1700000000);
  REQUIRE(signer.ok());
  auto line = senim::tlog::sign_note_text(text, *signer);
  REQUIRE(line.ok());
  return senim::tlog::format_signature_line(*line);
}

struct WitnessedRecord {
  std::vector<Witness> witnesses;
  std::unique_ptr<senim::sim::ElectionBuilder> b;
  std::string path;

  WitnessedRecord() {
    for (std::uint8_t i = 1; i <= 3; ++i)
      witnesses.push_back(witness("w" + std::to_string(i), i));
    senim::sim::ElectionPlan plan;
    plan.manifest = senim::sim::referendum_manifest("quorum-2026");
    std::string policy;
    for (const Witness& w : witnesses)
      policy += "witness " + w.name + " " + senim::tlog::format_vkey(w.vkey) + "\n";
    plan.manifest.set_witness_policy(policy + "group observers 2 w1 w2 w3\nquorum observers\n");
    plan.voters = 3;
    b = std::make_unique<senim::sim::ElectionBuilder>(std::move(plan));
    b->prepare();
    for (std::uint32_t v = 0; v < 3; ++v)
      b->cast(v, senim::protocol::BallotChoices{{{v % 2, 1 - v % 2}}});
    b->finish();
    path = (std::filesystem::temp_directory_path() /
            ("senim-quorum-" + std::to_string(::getpid()) + ".rec"))
               .string();
  }
  ~WitnessedRecord() { std::filesystem::remove(path); }

  // The record: every entry, then the board's checkpoint with `lines` added.
  senim::verifier::Report verify(const std::string& lines) const {
    auto writer = senim::protocol::RecordWriter::create(path);
    REQUIRE(writer.ok());
    for (const Bytes& e : b->entries())
      REQUIRE(writer->write(senim::protocol::FrameKind::entry, e).ok());
    const std::string note = b->checkpoint() + lines;
    REQUIRE(writer->write(senim::protocol::FrameKind::checkpoint, senim::as_bytes(note)).ok());
    REQUIRE(writer->finish().ok());
    return senim::verifier::verify_record(path);
  }
  std::string line(std::size_t w) const { return cosignature_line(b->checkpoint(), witnesses[w]); }
};

// Every check but `check` passed; `check`'s first message.
std::string only_failure(const senim::verifier::Report& report, Check check) {
  for (const auto& c : senim::verifier::kChecks) {
    INFO(c.id);
    CHECK(report.result(c.check).passed() == (c.check != check));
  }
  return report.result(check).first_message;
}

}  // namespace

TEST_CASE("check 19: a final checkpoint cosigned by 2 of 3 policy witnesses meets the quorum",
          "[verifier][quorum]") {
  WitnessedRecord r;
  const auto report = r.verify(r.line(0) + r.line(2));
  INFO(report.to_text());
  CHECK(report.outcome() == senim::verifier::Outcome::verified);
  CHECK(report.result(Check::witness_quorum).verdict() == Verdict::passed);
  CHECK(report.cosigners == std::vector<std::string>{"w1", "w3"});
  CHECK_THAT(report.to_text(),
             Contains("witnessed: cosigned by w1, w3 (quorum observers: 2 of w1, w2, w3: met)"));
  CHECK_THAT(report.to_text(),
             Contains("VERIFIED: 18 passed, 0 failed, 1 not applicable"));  // 15: no challenge
}

TEST_CASE("check 19: a cosignature of a policy witness that does not verify",
          "[verifier][quorum]") {
  WitnessedRecord r;
  std::string bad = r.line(1);
  // One base64 character of the signature changed (still a valid encoding).
  bad[bad.size() - 3] = bad[bad.size() - 3] == 'A' ? 'B' : 'A';
  const auto report = r.verify(r.line(0) + bad + r.line(2));
  INFO(report.to_text());
  CHECK(report.outcome() == senim::verifier::Outcome::failed);
  CHECK_THAT(only_failure(report, Check::witness_quorum), Contains("signature_invalid"));
  CHECK(report.result(Check::witness_quorum).first_entry == r.b->entries().size());
}

TEST_CASE("check 19: a cosignature by a key the policy does not name counts for nothing",
          "[verifier][quorum]") {
  WitnessedRecord r;
  // Named like w2, but another key: signed-note ignores its line.
  const Witness impostor = witness("w2", 9);
  const auto report = r.verify(r.line(0) + cosignature_line(r.b->checkpoint(), impostor));
  INFO(report.to_text());
  CHECK(report.outcome() == senim::verifier::Outcome::failed);
  CHECK_THAT(
      only_failure(report, Check::witness_quorum),
      Contains("quorum_not_met: the checkpoint of size " + std::to_string(r.b->entries().size()) +
               " is cosigned by {w1} (ignored, "
               "not keys of the policy: w2.observers.example+") &&
          Contains("the election needs quorum observers: 2 of w1, w2, w3"));
  CHECK(report.cosigners == std::vector<std::string>{"w1"});
}

TEST_CASE("check 19: a final checkpoint with fewer cosignatures than the quorum",
          "[verifier][quorum]") {
  WitnessedRecord r;
  SECTION("one of two") {
    const auto report = r.verify(r.line(1));
    INFO(report.to_text());
    CHECK_THAT(only_failure(report, Check::witness_quorum),
               Contains("quorum_not_met: the checkpoint of size") && Contains("cosigned by {w2}"));
    CHECK_THAT(report.to_text(),
               Contains("witnessed: cosigned by w2 (quorum observers: 2 of w1, w2, w3: NOT met)"));
  }
  SECTION("none: not yet witnessed") {
    const auto report = r.verify("");
    INFO(report.to_text());
    CHECK_THAT(only_failure(report, Check::witness_quorum),
               Contains("cosigned by no witness of the election"));
    CHECK_THAT(report.to_text(), Contains("witnessed: no witness (quorum observers"));
  }
}

TEST_CASE("check 19 is not applicable under `quorum none`", "[verifier][quorum]") {
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("none-2026");
  plan.voters = 1;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  b.cast(0, senim::protocol::BallotChoices{{{1, 0}}});
  b.finish();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("senim-none-" + std::to_string(::getpid())))
          .string();
  REQUIRE(b.write_record(path).ok());
  const auto report = senim::verifier::verify_record(path);
  std::filesystem::remove(path);
  INFO(report.to_text());
  CHECK(report.outcome() == senim::verifier::Outcome::verified);
  CHECK(report.result(Check::witness_quorum).verdict() == Verdict::not_applicable);
  CHECK_THAT(report.result(Check::witness_quorum).skipped, Contains("`quorum none`"));
  CHECK_THAT(report.to_text(),
             Contains("VERIFIED: 17 passed, 0 failed, 2 not applicable"));  // 15 and 19
}
