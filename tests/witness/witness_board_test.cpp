// senim witnesses against the real senim-server (docs/protocol.md §11.4,
// §14): the manifest's witness policy names three `senim witness serve`
// processes, the board pushes its checkpoints to them, each checks every new
// entry from the board's tiles before it cosigns, and the board serves the
// cosignatures on /checkpoint. A second board with the same key and origin
// but other entries (a split view) gets no cosignature from a witness that
// saw the first, and the fork evidence the witness keeps is proven offline
// by senim-verify --evidence; a voter of the second board whose senim check
// asks the witnesses what they cosigned finds the fork and writes evidence
// too.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "protocol/board_checkpoint.hpp"
#include "protocol/fork_evidence.hpp"
#include "tests/run_command.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/witness/witness_process.hpp"
#include "tlog/note.hpp"
#include "tlog/witness_protocol.hpp"

using namespace senim;
using senim::test::ElectionFixture;
using senim::test::ServerProcess;
using senim::test::WitnessProcess;
using Clock = std::chrono::steady_clock;

using senim::test::eventually;

namespace {

std::string get_body(const std::string& url, const std::string& path, unsigned want = 200) {
  auto http = net::HttpClient::create(url);
  REQUIRE(http.ok());
  auto r = http->get(path);
  REQUIRE(r.ok());
  REQUIRE(r->status == want);
  return r->body;
}

// Three witnesses, quorum 2 of 3, for the manifest of a board at `board_url`
// with verifier key `board`: each started watching it, on its own port.
struct Witnesses {
  test::TempDir tmp;
  std::vector<std::unique_ptr<WitnessProcess>> all;

  Witnesses() {
    for (const char* name : {"w1", "w2", "w3"})
      all.push_back(std::make_unique<WitnessProcess>(SENIM_BINARY, tmp.path(), name));
  }
  std::string start_and_name(const tlog::VerifierKey& board, const std::string& board_url,
                             const std::vector<std::string>& extra = {}) {
    std::string policy;
    for (auto& w : all) {
      w->start(tlog::format_vkey(board), board_url, extra);
      policy += w->policy_line();
    }
    return policy + "group observers 2 w1 w2 w3\nquorum observers\n";
  }
};

tlog::CheckpointVerification verify(const ElectionFixture& f, const std::string& note) {
  auto v = protocol::verify_witnessed_checkpoint(note, f.builder->state().config()->policy);
  INFO(note << (v ? std::string() : v.error().message));
  REQUIRE(v.ok());
  return *v;
}

// The witnesses' names whose cosignatures /checkpoint carries at `size`.
std::set<std::string> cosigners_at(const ElectionFixture& f, std::uint64_t size) {
  const auto v = verify(f, get_body(f.server->url(), "/checkpoint"));
  return v.checkpoint.size == size ? v.witnesses : std::set<std::string>{};
}

}  // namespace

TEST_CASE(
    "senim witnesses named in the manifest check and cosign the real board's checkpoints, and "
    "/checkpoint serves the quorum",
    "[witness][e2e]") {
  Witnesses ws;
  // The fixture's server runs when it asks for the policy (its own members
  // are set by then): the witnesses watch it.
  ElectionFixture f(4, 2, 2, true, [&](const tlog::VerifierKey& board) {
    return ws.start_and_name(board, f.server->url());
  });
  const auto receipts = f.open_and_vote(4);
  const std::uint64_t size = f.builder->entries().size();
  const std::set<std::string> all{"w1", "w2", "w3"};
  REQUIRE(eventually([&] { return cosigners_at(f, size) == all; }, 30));
  // A voter's senim check says who vouches for the log covering the ballot.
  const std::string receipt = ws.tmp.path() + "/ballot.tlog-proof";
  std::ofstream(receipt) << receipts.back().tlog_proof();
  const auto checked = test::run_command(std::string(SENIM_BINARY) + " check " + receipt +
                                         " --server " + f.server->url() + " 2>&1");
  INFO(checked.out);
  CHECK(checked.status == 0);
  CHECK(checked.out.find("witnessed: the latest checkpoint (size " + std::to_string(size) +
                         ") is cosigned by w1, w2, w3 — quorum observers: 2 of w1, w2, w3, "
                         "met") != std::string::npos);
  // It asked the witnesses themselves, and kept the witnessed checkpoint.
  CHECK(checked.out.find("witnesses w1, w2, w3: cosigned size " + std::to_string(size) +
                         ", consistent with this log") != std::string::npos);
  CHECK(checked.out.find("the witnessed checkpoint is kept in " + receipt + ".witnessed") !=
        std::string::npos);
  {
    std::ifstream in(receipt + ".witnessed");
    const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(verify(f, kept).quorum_met);
    CHECK(verify(f, kept).checkpoint.size == size);
  }
  const std::string note = get_body(f.server->url(), "/checkpoint");
  CHECK(verify(f, note).quorum_met);
  auto parsed = tlog::parse_note(note);
  REQUIRE(parsed.ok());
  CHECK(parsed->signatures.size() == 4);  // the board's and three cosignatures
  const std::string origin = f.builder->log_origin();
  for (const auto& w : ws.all) {
    INFO(w->name() << ": " << w->log());
    // Each serves the checkpoint it cosigned on its monitoring endpoint,
    // and says what it checked.
    const std::string seen =
        get_body(w->url(), "/" + tlog::origin_hash_hex(origin) + "/checkpoint");
    CHECK(verify(f, seen).checkpoint.size == size);
    CHECK(verify(f, seen).witnesses == std::set<std::string>{w->name()});
    const std::string status = w->status();
    INFO(status);
    // The root in hex, as senim-verify prints it (docs/api.md, "Encodings").
    CHECK(status.find("cosigned   size " + std::to_string(size) + ", root " +
                      to_hex(verify(f, seen).checkpoint.root) + ", at ") != std::string::npos);
    CHECK(status.find("REFUSING") == std::string::npos);
  }
  // A witness that is down is named, and the check goes on without it.
  ws.all.back()->stop();
  const auto without = test::run_command(std::string(SENIM_BINARY) + " check " + receipt +
                                         " --server " + f.server->url() + " 2>&1");
  INFO(without.out);
  CHECK(without.status == 0);
  CHECK(without.out.find("witness w3: cannot be reached: ") != std::string::npos);
  CHECK(without.out.find("witnesses w1, w2: cosigned size " + std::to_string(size) +
                         ", consistent with this log") != std::string::npos);
}

TEST_CASE(
    "a split view: a second board with the same key and origin but other entries gets no "
    "cosignature from the witnesses that saw the first, their fork evidence is proven, and a "
    "voter's senim check against the second board finds the fork and writes proven evidence — "
    "also at a power of two, where the witnesses cannot",
    "[witness][e2e]") {
  // 2 ballots on A: the witnesses' size 9; 1 ballot: 8, a power of two.
  const std::uint32_t on_a = GENERATE(2U, 1U);
  Witnesses ws;
  ElectionFixture f(5, 2, 2, true, [&](const tlog::VerifierKey& board) {
    return ws.start_and_name(board, f.server->url());
  });
  // Board B's files, before board A holds anything: the same board key and
  // the same (empty) record of the largest checkpoint it released.
  const std::string dir_b = f.dir.path() + "/board-b";
  std::filesystem::create_directories(dir_b);
  for (const char* file : {"board.key", "board.head"}) {
    if (std::filesystem::exists(f.data_dir() + "/" + file))
      std::filesystem::copy_file(f.data_dir() + "/" + file, dir_b + "/" + file);
  }
  // Board A (the fixture's): the election opened, voter 0's ballot, and
  // voter 1's for on_a = 2.
  f.open_and_vote(on_a);
  const std::uint64_t n = f.builder->entries().size();
  // Not a power of two: then the consistency proof B sends from n on holds
  // B's own hash of its first n entries, and the witness can prove the fork
  // from the request alone. At a power of two the proof leaves that hash
  // out, and the witness would need B's tiles, which it does not read
  // (docs/protocol.md §14.6, "At a power of two").
  const bool power_of_two = (n & (n - 1)) == 0;
  REQUIRE(power_of_two == (on_a == 1));
  const std::set<std::string> all{"w1", "w2", "w3"};
  REQUIRE(eventually([&] { return cosigners_at(f, n) == all; }, 30));
  const std::string seen_a = get_body(f.server->url(), "/checkpoint");

  // Board B: the same board key, so the same origin
  // and the same set-up; the same entries up to the ballots, then voters 2,
  // 3 and 4 instead of voters 0 and 1. Its policy is the manifest's: it pushes to the
  // same witnesses.
  ServerProcess b(dir_b);
  auto client_b = net::HttpClient::create(b.url());
  REQUIRE(client_b.ok());
  REQUIRE(test::fetch_board_key(*client_b) == f.board_key);
  for (std::uint64_t i = 0; i + on_a < n; ++i)
    REQUIRE(test::post_entry(*client_b, f.builder->entries()[i]).status == 200);
  test::Posted on_b;
  for (std::uint32_t v : {2U, 3U, 4U}) {
    f.builder->cast(v, protocol::BallotChoices{{{v % 2 == 0 ? 1U : 0U, v % 2 == 0 ? 0U : 1U}}});
    on_b = test::post_entry(*client_b, f.builder->entries().back());
    REQUIRE(on_b.status == 200);
  }
  const auto b_latest = verify(f, get_body(b.url(), "/checkpoint"));
  const std::uint64_t size_b = n - on_a + 3;
  REQUIRE(b_latest.checkpoint.size == size_b);

  // Each witness refuses B's checkpoints and keeps the evidence of the fork.
  auto evidence_of = [](const WitnessProcess& w) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(w.data() + "/evidence", ec)) {
      // Only a renamed file: the witness writes `….evidence.tmp`, fsyncs, then
      // renames it, and a poll can land in between.
      const std::string name = e.path().filename().string();
      if (name.starts_with("fork-") && name.ends_with(".evidence"))
        files.push_back(e.path().string());
    }
    return files;
  };
  for (const auto& w : ws.all) {
    INFO(w->name() << ": " << w->log());
    if (power_of_two) {
      // It refuses B (422) and keeps the request, but cannot prove the fork.
      if (!eventually([&] { return w->status().find("HTTP 422: ") != std::string::npos; }, 30))
        FAIL("no 422; the witness: " << w->log() << "\nboard B: " << b.log());
      REQUIRE(eventually(
          [&] {
            return w->log().find("are inconsistent, but no offline evidence could be made") !=
                   std::string::npos;
          },
          10));
      CHECK(evidence_of(*w).empty());
      continue;
    }
    if (!eventually([&] { return !evidence_of(*w).empty(); }, 30))
      FAIL("no fork evidence; the witness: " << w->log() << "\nboard B: " << b.log());
    const std::string file = evidence_of(*w).front();
    const auto proven =
        test::run_command(std::string(SENIM_VERIFY_BINARY) + " --evidence " + file + " 2>&1");
    INFO(proven.out);
    CHECK(proven.status == 0);
    CHECK(proven.out.find("PROVEN: ") != std::string::npos);
    CHECK(proven.out.find("The board showed different people different logs.") !=
          std::string::npos);
    // What it cosigned is still A's checkpoint.
    const std::string monitored =
        get_body(w->url(), "/" + tlog::origin_hash_hex(f.builder->log_origin()) + "/checkpoint");
    CHECK(verify(f, monitored).checkpoint.root == verify(f, seen_a).checkpoint.root);
    CHECK(w->status().find("HTTP 422: ") != std::string::npos);
  }
  // The voter B gave a receipt to checks it against B: senim check asks the
  // witnesses the manifest names what they cosigned (A's checkpoint of size
  // n), finds that B's log does not begin with it, and writes fork evidence
  // that senim-verify --evidence proves offline — at a power of two too,
  // since it reads B's own tiles.
  const std::string receipt = ws.tmp.path() + "/b.tlog-proof";
  std::ofstream(receipt) << on_b.receipt.tlog_proof();
  const auto checked = test::run_command(std::string(SENIM_BINARY) + " check " + receipt +
                                         " --server " + b.url() + " 2>&1");
  INFO(checked.out);
  CHECK(checked.status == 1);
  CHECK(checked.out.find(
            "senim: THE BOARD IS NOT CONSISTENT WITH WHAT WITNESSES w1, w2, w3 COSIGNED (size " +
            std::to_string(n) + "; the log at " + b.url() + " has size " + std::to_string(size_b) +
            "): the board's tree of size " + std::to_string(size_b) +
            " begins with a tree of size " + std::to_string(n) + " whose root is ") !=
        std::string::npos);
  // One file for the three witnesses' views of the same checkpoint, merged:
  // its smaller note carries the board's signature and all three
  // cosignatures.
  const std::string evidence =
      receipt + ".fork-" + std::to_string(n) + "-" + std::to_string(size_b) + ".evidence";
  CHECK(checked.out.find("fork evidence written to " + evidence +
                         ": anyone can check it offline with `senim-verify --evidence " + evidence +
                         "`") != std::string::npos);
  CHECK(checked.out.find("keep " + receipt) != std::string::npos);
  REQUIRE(std::filesystem::exists(evidence));
  std::ifstream evidence_in(evidence);
  const std::string evidence_text((std::istreambuf_iterator<char>(evidence_in)),
                                  std::istreambuf_iterator<char>());
  auto parsed_evidence = protocol::parse_fork_evidence(evidence_text);
  REQUIRE(parsed_evidence.ok());
  CHECK(verify(f, parsed_evidence->smaller_note).witnesses == all);
  CHECK(verify(f, parsed_evidence->smaller_note).checkpoint.root ==
        verify(f, seen_a).checkpoint.root);
  const auto proven =
      test::run_command(std::string(SENIM_VERIFY_BINARY) + " --evidence " + evidence + " 2>&1");
  INFO(proven.out);
  CHECK(proven.status == 0);
  CHECK(proven.out.find("PROVEN: the board's tree of size " + std::to_string(size_b) +
                        " begins with a tree of size " + std::to_string(n)) != std::string::npos);
  // Nothing is kept as checked or witnessed from a board caught forking.
  CHECK_FALSE(std::filesystem::exists(receipt + ".checkpoint"));
  CHECK_FALSE(std::filesystem::exists(receipt + ".witnessed"));
  // With --evidence-out the file goes there instead; checking again writes
  // no second copy of the same evidence.
  const std::string out_dir = ws.tmp.path() + "/evidence-out";
  for (int i = 0; i < 2; ++i) {
    // The second time in Kazakh: the fork is said in the voter's language,
    // the evidence's own sentence after it, in English (issue 9 §3).
    const auto again =
        test::run_command(std::string(SENIM_BINARY) + " check " + receipt + " --server " + b.url() +
                          " --evidence-out " + out_dir + (i == 1 ? " --lang kk" : "") + " 2>&1");
    INFO(again.out);
    CHECK(again.status == 1);
    if (i == 1) {
      CHECK(again.out.find("ТАҚТА МЫНАМЕН СӘЙКЕС ЕМЕС: w1, w2, w3 КУӘГЕРЛЕРІ ҚОЛ ҚОЙҒАН НҮКТЕ "
                           "(өлшемі " +
                           std::to_string(n) + "; " + b.url() + " журналында өлшемі " +
                           std::to_string(size_b) +
                           "): екі бақылау нүктесі бірдей шын бола алмайды (ағылшынша: the "
                           "board's tree of size " +
                           std::to_string(size_b) + " begins with a tree of size " +
                           std::to_string(n)) != std::string::npos);
    }
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(out_dir)) {
    CHECK(e.path().filename() ==
          "fork-" + std::to_string(n) + "-" + std::to_string(size_b) + ".evidence");
    ++files;
  }
  CHECK(files == 1);
  // B got no cosignature at all; A's checkpoint still has its three.
  CHECK(verify(f, get_body(b.url(), "/checkpoint")).witnesses.empty());
  CHECK(cosigners_at(f, n) == all);
}

TEST_CASE(
    "witnesses that check a catch-up in the background answer the board 503 with Retry-After, "
    "and the board pushes again when they say, until all three cosign",
    "[witness][e2e]") {
  Witnesses ws;
  // Every push with more than one new entry is checked in the background.
  ElectionFixture f(6, 2, 2, true, [&](const tlog::VerifierKey& board) {
    return ws.start_and_name(board, f.server->url(), {"--background-after", "1"});
  });
  f.open_and_vote(4);
  const std::uint64_t size = f.builder->entries().size();
  const std::set<std::string> all{"w1", "w2", "w3"};
  if (!eventually([&] { return cosigners_at(f, size) == all; }, 60))
    FAIL("not cosigned by all three; the board: " << f.server->log());
  const std::string board_log = f.server->log();
  INFO(board_log);
  CHECK(board_log.find("/add-checkpoint answered HTTP 503: senim witness: checking the ") !=
        std::string::npos);
  CHECK(board_log.find(" s (its Retry-After)") != std::string::npos);
  for (const auto& w : ws.all) {
    INFO(w->name() << ": " << w->log());
    CHECK(w->log().find(" in the background (") != std::string::npos);
    CHECK(w->log().find("checked entries up to size ") != std::string::npos);
  }
}
