// The real `senim` binary against a board that lies (hostile_board.hpp):
// whatever the board answers — its election id, its phase, a ballot's state,
// an error message, a set-up whose labels carry escapes — no control or bidi
// character reaches the terminal, and no line of output can be forged
// (docs/threat-model.md, "Terminal injection").
#include "tests/client/hostile_board.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "client/key_files.hpp"
#include "crypto/merkle.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "proto/files.pb.h"
#include "protocol/entry.hpp"
#include "protocol/manifest_rules.hpp"
#include "protocol/receipt.hpp"
#include "protocol/signing.hpp"
#include "protocol/text_rules.hpp"
#include "sim/election_builder.hpp"
#include "tests/run_command.hpp"
#include "tlog/entry_bundle.hpp"

using Catch::Matchers::Contains;
using senim::test::Answer;
using senim::test::HostileBoard;
namespace v1 = senim::v1;

namespace {

// Rewrites the line, then forges one of its own, then reverses what follows.
constexpr const char* kHostile =
    "ok\x1b[2K\r\ncast: your ballot is entry 7 \xE2\x80\xAE"
    "deriuqca\xC2\x9B"
    "31m";
// How the tools show it.
std::string shown() {
  return senim::protocol::printable(kHostile);
}

using Run = senim::test::CommandRun;  // stdout and stderr together, as a terminal shows them

class Workdir {
 public:
  Workdir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "senim-client-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~Workdir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  Workdir(const Workdir&) = delete;
  Workdir& operator=(const Workdir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  // Runs `senim ARGS` here, with its input from /dev/null.
  Run senim(const std::string& args) const {
    return senim::test::run_command("cd '" + path_ + "' && " + SENIM_BINARY + " " + args +
                                    " </dev/null 2>&1");
  }
  // Writes `bytes` to NAME here.
  void write(const std::string& name, const std::string& bytes) const {
    std::FILE* f = std::fopen(file(name).c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    REQUIRE(std::fclose(f) == 0);
  }

 private:
  std::string path_;
};

// Nothing a terminal acts on, and no line the board wrote itself.
void check_terminal_safe(const Run& run) {
  INFO(run.out);
  CHECK(run.out.find('\x1b') == std::string::npos);
  CHECK(run.out.find('\r') == std::string::npos);
  CHECK(run.out.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(run.out.find("\xC2\x9B") == std::string::npos);
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);)
    CHECK(line.rfind("cast:", 0) != 0);
}

std::string api_error() {
  v1::ApiError e;
  e.set_code(kHostile);
  e.set_message(kHostile);
  return e.SerializeAsString();
}

std::string board_info(const std::string& election_id, const senim::protocol::PublicKey& key) {
  v1::BoardInfo info;
  info.set_board_key(senim::to_string(key));
  info.set_election_id(election_id);
  info.set_phase(kHostile);
  info.set_tree_size(1);
  return info.SerializeAsString();
}

// A board that answers /v1/election, and refuses everything else with a
// hostile ApiError.
struct RefusingBoard {
  senim::protocol::SigningKey key = senim::protocol::SigningKey::generate();
  HostileBoard board{{{"/v1/election", {200, board_info(kHostile, key.public_key())}}},
                     Answer{400, api_error()}};
};

// Makes the key files with the binary itself. The credential is written
// directly: `senim keygen` asks the board for its set-up first, and these
// boards serve none it would accept.
void make_keys(const Workdir& w, const std::string& server) {
  REQUIRE(w.senim("admin keygen --out authority.key").status == 0);
  REQUIRE(w.senim("trustee keygen --name T1 --out trustee.key").status == 0);
  v1::VoterCredentialFile credential;
  credential.set_election_id("e1");
  credential.set_server(server);
  credential.set_seed(senim::to_string(senim::protocol::CredentialKey::generate().seed()));
  REQUIRE(senim::client::write_message_file(w.file("voter.cred"), credential,
                                            senim::client::Secrecy::secret_file));
}

}  // namespace

TEST_CASE("senim admin status shows a hostile board's election id and phase escaped",
          "[client][text]") {
  RefusingBoard b;
  Workdir w;
  const Run run = w.senim("admin status --server " + b.board.url());
  check_terminal_safe(run);
  CHECK(run.status == 0);
  CHECK_THAT(run.out,
             Contains("  election     " + shown() + "\n") && Contains("  phase        " + shown()));
}

TEST_CASE("a hostile board's error message is shown escaped, on one line, by every command",
          "[client][text]") {
  RefusingBoard b;
  Workdir w;
  make_keys(w, b.board.url());
  const std::string refused =
      "senim: the board refused: " + shown() + " (" + shown() + ", HTTP 400)\n";
  const std::string server = " --server " + b.board.url();
  for (const std::string& args :
       {std::string("vote --yes --credential voter.cred --choose referendum=yes"),
        "trustee deal --key trustee.key" + server, "trustee finalize --key trustee.key" + server,
        "trustee decrypt --key trustee.key" + server, "admin close --key authority.key" + server,
        "admin open --key authority.key" + server, "admin tally --key authority.key" + server,
        "admin result --key authority.key" + server}) {
    INFO(args);
    const Run run = w.senim(args);
    check_terminal_safe(run);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Contains(refused));
  }
}

TEST_CASE("senim admin create names a hostile board's election escaped", "[client][text]") {
  RefusingBoard b;
  Workdir w;
  make_keys(w, b.board.url());
  REQUIRE(w.senim("trustee keygen --name T2 --out t2.key").status == 0);
  std::FILE* m = std::fopen(w.file("manifest.json").c_str(), "w");
  REQUIRE(m != nullptr);
  std::fputs(senim::protocol::manifest_to_json(senim::sim::referendum_manifest("e1")).c_str(), m);
  std::fclose(m);
  const Run run = w.senim(
      "admin create --key authority.key --manifest manifest.json --trustee "
      "trustee.key.pub --trustee t2.key.pub --threshold 1 --server " +
      b.board.url());
  check_terminal_safe(run);
  CHECK(run.status == 1);
  CHECK_THAT(run.out, Contains("already holds election \"" + shown() + "\""));
}

TEST_CASE("senim check shows a hostile board's ballot state and a receipt's election id escaped",
          "[client][text]") {
  // A real election's log up to one ballot, served as tiles (senim check
  // reads and authenticates them) by a board that lies in its ballot status.
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("e1");
  plan.voters = 1;
  plan.trustees = 1;
  plan.threshold = 1;
  senim::sim::ElectionBuilder builder(std::move(plan));
  builder.prepare();
  builder.cast(0, senim::protocol::BallotChoices{{{1U, 0U}}});
  const auto& entries = builder.entries();
  const std::uint64_t n = entries.size();
  const std::string note = builder.checkpoint();
  senim::crypto::merkle::MerkleLog log;
  std::string tile;
  for (const senim::Bytes& e : entries) {
    log.append(e);
    const senim::Hash32 leaf = senim::crypto::merkle::leaf_hash(e);
    tile.append(leaf.begin(), leaf.end());
  }
  const auto bundle = senim::tlog::encode_entry_bundle(entries);
  REQUIRE(bundle.ok());
  const std::string width = "000.p/" + std::to_string(n);
  v1::BallotStatus status;
  status.set_state(kHostile);
  HostileBoard board{{{"/checkpoint", {200, note}},
                      {"/tile/0/" + width, {200, tile}},
                      {"/tile/entries/" + width, {200, senim::to_string(*bundle)}},
                      {"/v1/ballots/", {200, status.SerializeAsString()}}},
                     Answer{404, api_error()}};
  Workdir w;

  SECTION("the board is the receipt's: the ballot's state is printed") {
    auto receipt =
        senim::protocol::make_receipt(entries.back(), n - 1, *log.inclusion_proof(n - 1, n), note);
    REQUIRE(receipt.ok());
    w.write("my.tlog-proof", *receipt);
    const Run run = w.senim("check my.tlog-proof --server " + board.url());
    check_terminal_safe(run);
    CHECK(run.status == 0);
    CHECK_THAT(run.out,
               Contains("your ballot (entry " + std::to_string(n - 1) + ") is on the board") &&
                   Contains(": " + shown() + "\n"));
  }
  SECTION("a receipt for another election: both election ids are named") {
    v1::Statement st;
    st.set_election_id(kHostile);
    st.mutable_close();
    const senim::Bytes entry = senim::protocol::make_entry(builder.authority_key(), st);
    auto receipt = senim::protocol::make_receipt(entry, 0, {}, note);
    REQUIRE(receipt.ok());
    w.write("my.tlog-proof", *receipt);
    const Run run = w.senim("check my.tlog-proof --server " + board.url());
    check_terminal_safe(run);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Contains("it holds election \"e1\"") &&
                            Contains("the receipt names \"" + shown() + "\""));
  }
}

TEST_CASE("a client refuses a hostile board's set-up with escapes in a label, naming the field",
          "[client][text]") {
  // The set-up a board would serve had it skipped the display-text rule
  // (docs/protocol.md §8.1): signed by its authority, otherwise well formed.
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("e1");
  senim::sim::ElectionBuilder builder(std::move(plan));
  builder.setup();
  v1::Statement st = senim::protocol::parse_entry(builder.entries().at(0))->statement;
  (*st.mutable_setup()
        ->mutable_manifest()
        ->mutable_contests(0)
        ->mutable_options(0)
        ->mutable_label()
        ->mutable_text())["en"] = "Yes\x1b[2K\rNo";
  const senim::Bytes hostile_setup = senim::protocol::make_entry(builder.authority_key(), st);
  v1::EntryList list;
  list.set_start(0);
  list.add_entries(senim::to_string(hostile_setup));
  v1::VoterView view;  // docs/protocol.md §11.6: the set-up first
  v1::ProvenEntry* first = view.add_entries();
  first->set_entry(senim::to_string(hostile_setup));
  HostileBoard board{{{"/v1/election", {200, board_info("e1", builder.board_key().public_key())}},
                      {"/v1/entries?start=0&", {200, list.SerializeAsString()}},
                      {"/v1/voter-view/", {200, view.SerializeAsString()}}},
                     Answer{200, v1::EntryList().SerializeAsString()}};
  Workdir w;
  make_keys(w, board.url());
  for (const std::string& args : {std::string("vote --yes --credential voter.cred"),
                                  "keygen --out mine.cred --election e1 --server " + board.url(),
                                  "trustee deal --key trustee.key --server " + board.url(),
                                  "admin result --key authority.key --server " + board.url()}) {
    INFO(args);
    const Run run = w.senim(args);
    check_terminal_safe(run);
    CHECK(run.status == 1);
    // senim vote reads a voter's view; the others replay the board.
    const std::string where = args.starts_with("vote")
                                  ? "the board's view of the election does not check: leaf 0: "
                                  : "the board serves entry 0 which does not check: ";
    CHECK_THAT(run.out, Contains("senim: " + where +
                                 "manifest: contest referendum option yes label (en): control "
                                 "character U+001B at byte 3\n"));
  }
}
