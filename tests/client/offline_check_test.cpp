// `senim check RECEIPT --record FILE` and `senim check --record FILE --code
// CODE` (docs/voter-guide.md §8): a receipt checked against a saved record,
// offline, by the real binary. The election is the simulator's; receipts are
// made as the board makes them (an inclusion proof under a checkpoint the
// board key signed), so each refusal below is one a voter could meet.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "crypto/merkle.hpp"
#include "protocol/ballot_state.hpp"
#include "protocol/entry.hpp"
#include "protocol/receipt.hpp"
#include "protocol/record.hpp"
#include "protocol/tracking_code.hpp"
#include "sim/election_builder.hpp"
#include "tests/run_command.hpp"

using Catch::Matchers::Contains;
using senim::Bytes;
using senim::test::run_command;
namespace fs = std::filesystem;
namespace protocol = senim::protocol;

namespace {

senim::sim::ElectionPlan plan(const std::string& election) {
  senim::sim::ElectionPlan p;
  p.manifest = senim::sim::demo_manifest(election, 1);
  p.trustees = 3;
  p.threshold = 2;
  p.voters = 3;
  return p;
}

struct Offline {
  fs::path dir;
  senim::sim::ElectionBuilder b;
  std::uint64_t first_ballot = 0;   // voter 0's first ballot: superseded
  std::uint64_t second_ballot = 0;  // voter 1's ballot: counted

  explicit Offline(const std::string& election = "offline-2026") : b(plan(election)) {
    dir = fs::temp_directory_path() /
          ("senim-offline-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(dir);
    b.prepare();
    first_ballot = b.entries().size();
    b.cast(0, senim::sim::demo_choices(1, {1, 0, 0, 0, 0}));
    second_ballot = b.entries().size();
    b.cast(1, senim::sim::demo_choices(0, {0, 1, 0, 0, 0}));
    b.cast(0, senim::sim::demo_choices(0, {0, 0, 1, 0, 0}));  // voter 0 votes again
    b.finish();
  }
  ~Offline() { fs::remove_all(dir); }
  Offline(const Offline&) = delete;
  Offline& operator=(const Offline&) = delete;

  static int& counter() {
    static int n = 0;
    return n;
  }
  // The receipt of entry `index` under the board's checkpoint of `size` entries.
  std::string receipt(std::uint64_t index, std::uint64_t size) const {
    senim::crypto::merkle::MerkleLog log;
    for (std::uint64_t i = 0; i < size; ++i)
      log.append(b.entries()[i]);
    auto proof = log.inclusion_proof(index, size);
    REQUIRE(proof.ok());
    auto text = protocol::make_receipt(b.entries()[index], index, *proof, b.checkpoint(size));
    REQUIRE(text.ok());
    const fs::path path = dir / ("receipt-" + std::to_string(index) + ".tlog-proof");
    std::ofstream(path) << *text;
    return path.string();
  }
  std::string record(const std::string& name = "record.senim") const {
    const fs::path path = dir / name;
    REQUIRE(b.write_record(path.string()).ok());
    return path.string();
  }
  std::string code_of(std::uint64_t index) const {
    auto parsed = protocol::parse_entry(b.entries()[index]);
    REQUIRE(parsed.ok());
    return protocol::short_tracking_code(protocol::entry_tracking_code(*parsed));
  }
};

senim::test::CommandRun senim_check(const std::string& args) {
  return run_command(std::string(SENIM_BINARY) + " check " + args + " 2>&1");
}

}  // namespace

TEST_CASE("senim check --record checks a receipt offline and says the ballot's state",
          "[offline]") {
  Offline o;
  const std::string record = o.record();
  const std::string counted = o.receipt(o.second_ballot, o.second_ballot + 1);
  auto run = senim_check(counted + " --record " + record);
  INFO(run.out);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("your ballot (entry " + std::to_string(o.second_ballot) +
                               ") is in the record, and the record's log of " +
                               std::to_string(o.b.entries().size()) +
                               " entries, signed by the board, extends the " +
                               std::to_string(o.second_ballot + 1)));
  CHECK_THAT(run.out, Contains("tracking code " + o.code_of(o.second_ballot) + ": counted"));

  const std::string replaced = o.receipt(o.first_ballot, o.first_ballot + 1);
  run = senim_check(replaced + " --record " + record);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("tracking code " + o.code_of(o.first_ballot) + ": superseded"));
}

TEST_CASE("senim check --record --code finds a ballot by its tracking code", "[offline]") {
  Offline o;
  const std::string record = o.record();
  std::string code = o.code_of(o.second_ballot);
  auto run = senim_check("--record " + record + " --code " + code);
  INFO(run.out);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Contains("tracking code " + code + " is entry " +
                               std::to_string(o.second_ballot) + " of the record of election"));
  CHECK_THAT(run.out, Contains(code + ": counted"));
  // Lower case and without dashes is the same code.
  std::string loose;
  for (char c : code) {
    if (c != '-')
      loose.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  CHECK(senim_check("--record " + record + " --code " + loose).status == 0);

  run = senim_check("--record " + record + " --code 0000-0000-0000-0000");
  CHECK(run.status != 0);
  CHECK_THAT(run.out, Contains("no ballot with tracking code 0000-0000-0000-0000 in the record"));
}

TEST_CASE("senim check --record refuses a receipt of another election's board", "[offline]") {
  Offline mine;
  Offline other("another-2026");
  const std::string receipt = other.receipt(other.second_ballot, other.second_ballot + 1);
  auto run = senim_check(receipt + " --record " + mine.record());
  INFO(run.out);
  CHECK(run.status != 0);
  CHECK_THAT(run.out, Contains("is not of the board that gave this receipt"));
  CHECK_THAT(run.out, Contains("the receipt names \"another-2026\""));
}

TEST_CASE("senim check --record refuses a record that does not hold the receipt's entry",
          "[offline]") {
  Offline o;
  const std::string receipt = o.receipt(o.second_ballot, o.second_ballot + 1);
  // The record as it was before the ballot: entries and a checkpoint of that size.
  while (o.b.entries().size() > o.second_ballot)
    o.b.erase_entry(o.b.entries().size() - 1);
  auto run = senim_check(receipt + " --record " + o.record("short.senim"));
  INFO(run.out);
  CHECK(run.status != 0);
  CHECK_THAT(run.out, Contains("the record ends at " + std::to_string(o.second_ballot) +
                               " entries, before the " + std::to_string(o.second_ballot + 1) +
                               " of your receipt"));
}

TEST_CASE("senim check --record calls a record that forks from the receipt evidence", "[offline]") {
  Offline o;
  const std::string receipt = o.receipt(o.second_ballot, o.second_ballot + 1);
  // The board signs a log where the ballot before it was replaced.
  o.b.replace_entry(o.first_ballot, o.b.entries()[o.second_ballot + 1]);
  auto run = senim_check(receipt + " --record " + o.record("fork.senim"));
  INFO(run.out);
  CHECK(run.status == 1);
  const std::string m = std::to_string(o.second_ballot + 1);
  const std::string n = std::to_string(o.b.entries().size());
  CHECK_THAT(run.out, Contains("THE BOARD IS NOT CONSISTENT WITH YOUR RECEIPT (size " + m +
                               "; the log at " + (o.dir / "fork.senim").string() + " has size " +
                               n + "): the board's tree of size " + n +
                               " begins with a tree of size " + m + " whose root is "));
  // The evidence is written beside the receipt, from the record's own
  // entries, and proves the fork offline.
  const std::string evidence = receipt + ".fork-" + m + "-" + n + ".evidence";
  CHECK_THAT(run.out, Contains("fork evidence written to " + evidence));
  REQUIRE(fs::exists(evidence));
  auto proven = run_command(std::string(SENIM_VERIFY_BINARY) + " --evidence " + evidence + " 2>&1");
  INFO(proven.out);
  CHECK(proven.status == 0);
  CHECK_THAT(proven.out, Contains("PROVEN: the board's tree of size " + n +
                                  " begins with a tree of size " + m));
  CHECK_FALSE(fs::exists(receipt + ".checkpoint"));
}

TEST_CASE(
    "senim check --record: a checkpoint kept from an earlier check (the latest, or the witnessed "
    "one) that the record forks from is evidence",
    "[offline]") {
  Offline o;
  const std::string receipt = o.receipt(o.second_ballot, o.second_ballot + 1);
  // An earlier check kept the board's checkpoint of the honest log.
  const std::string honest = o.b.checkpoint(o.b.entries().size());
  const std::string kept =
      receipt + GENERATE(std::string(".checkpoint"), std::string(".witnessed"));
  std::ofstream(kept) << honest;
  // The record signed later replaces the last entry (after the receipt's).
  o.b.replace_entry(o.b.entries().size() - 1, o.b.entries()[o.first_ballot]);
  auto run = senim_check(receipt + " --record " + o.record("fork.senim"));
  INFO(run.out);
  CHECK(run.status == 1);
  const std::string n = std::to_string(o.b.entries().size());
  CHECK_THAT(run.out, Contains("THE BOARD IS NOT CONSISTENT WITH THE CHECKPOINT KEPT IN " + kept +
                               " (size " + n));
  CHECK_THAT(run.out,
             Contains("the board signed two trees of size " + n + " with different roots"));
  const std::string evidence = receipt + ".fork-" + n + "-" + n + ".evidence";
  REQUIRE(fs::exists(evidence));
  auto proven = run_command(std::string(SENIM_VERIFY_BINARY) + " --evidence " + evidence + " 2>&1");
  CHECK(proven.status == 0);
  // The kept checkpoint is not replaced by the forked one.
  std::ifstream in(kept);
  CHECK(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()) ==
        honest);
}

TEST_CASE("senim check --record refuses a damaged or missing record file", "[offline]") {
  Offline o;
  const std::string receipt = o.receipt(o.second_ballot, o.second_ballot + 1);
  const std::string record = o.record();
  // A frame length made larger than the file: the frame is cut off.
  const std::string damaged = (o.dir / "damaged.senim").string();
  fs::copy_file(record, damaged);
  fs::resize_file(damaged, fs::file_size(record) - 7);
  auto run = senim_check(receipt + " --record " + damaged);
  INFO(run.out);
  CHECK(run.status != 0);
  CHECK_THAT(run.out, Contains("cannot read the record " + damaged));

  // Not a record at all.
  run = senim_check(receipt + " --record " + receipt);
  CHECK(run.status != 0);
  CHECK_THAT(run.out, Contains("not a senim election record"));

  run = senim_check(receipt + " --record " + (o.dir / "none.senim").string());
  CHECK(run.status != 0);
  CHECK_THAT(run.out, Contains("cannot read the record " + (o.dir / "none.senim").string() +
                               ": cannot open record"));
}
