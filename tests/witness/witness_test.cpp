// `senim witness serve`, the real process (docs/protocol.md §14): it
// cosigns a board's checkpoints exactly as tlog-witness says, only after
// checking every entry, answers every status the spec names, keeps evidence
// of what it refuses, changes nothing on bad input, and survives kill -9
// with its state intact.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "net/http_client.hpp"
#include "protocol/ballot.hpp"
#include "protocol/canonical.hpp"
#include "protocol/fork_evidence.hpp"
#include "sim/election_builder.hpp"
#include "tests/run_command.hpp"
#include "tests/server/server_process.hpp"
#include "tests/witness/board_files.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/note.hpp"
#include "tlog/proof_file.hpp"
#include "tlog/tiles.hpp"
#include "tlog/witness_protocol.hpp"

using namespace senim;
using senim::sim::demo_choices;
using senim::test::BoardFiles;
using senim::test::ServerProcess;
using senim::test::TempDir;

namespace {

constexpr std::string_view kOrigin = "board.test/witness-2026";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An election on a board of files, and one witness process watching it.
struct Harness {
  TempDir tmp;
  std::unique_ptr<sim::ElectionBuilder> b;
  std::unique_ptr<BoardFiles> board;
  std::string key_file = tmp.path() + "/witness.key";
  std::string data = tmp.path() + "/witness";
  std::string witness_vkey;
  std::unique_ptr<ServerProcess> process;
  int starts = 0;

  // `setup_origin`: the log origin the set-up names (§8.2); the board's
  // files are signed under kOrigin whatever it is.
  explicit Harness(std::uint32_t voters = 6, std::string setup_origin = std::string(kOrigin)) {
    sim::ElectionPlan plan;
    plan.manifest = sim::demo_manifest("witness-2026", 2);
    plan.voters = voters;
    plan.log_origin = std::move(setup_origin);
    b = std::make_unique<sim::ElectionBuilder>(std::move(plan));
    b->prepare();  // 9 entries: set-up, 3 deals, 3 ready, credentials, open
    board =
        std::make_unique<BoardFiles>(tmp.path() + "/board", b->board_key(), std::string(kOrigin));
    board->set_entries(b->entries());
    const auto keygen =
        test::run_command(std::string(SENIM_BINARY) +
                          " witness keygen --name witness1.test --out " + key_file + " 2>&1");
    REQUIRE(keygen.status == 0);
    const std::size_t at = keygen.out.find("vkey ");
    REQUIRE(at != std::string::npos);
    witness_vkey = keygen.out.substr(at + 5, keygen.out.find('\n', at) - at - 5);
  }

  void update_entries() { board->set_entries(b->entries()); }
  // Starts the witness and has it cosign the opened election; returns its size.
  std::uint64_t start_and_cosign_opening() {
    start();
    const std::uint64_t opened = b->entries().size();
    require_cosigned(add(0, opened), opened);
    return opened;
  }
  // The first `voters` voters cast a ballot each, into the board's entries.
  void cast_some(std::uint32_t voters) {
    for (std::uint32_t v = 0; v < voters; ++v)
      b->cast(v, demo_choices(v % 3, {1, 0, 0, 0, 1}));
    update_entries();
  }

  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"witness", "serve",       "--key",    key_file,
                                  "--data",  data,          "--listen", "127.0.0.1:0",
                                  "--log",   board->vkey(), "--board",  board->dir()};
    args.insert(args.end(), extra.begin(), extra.end());
    process = std::make_unique<ServerProcess>(
        SENIM_BINARY, args, tmp.path() + "/witness-" + std::to_string(starts++) + ".log");
  }

  net::HttpResponse post(const std::string& body) const {
    auto http = net::HttpClient::create(process->url());
    REQUIRE(http.ok());
    auto r = http->post("/add-checkpoint", body, "text/plain");
    REQUIRE(r.ok());
    return *r;
  }
  net::HttpResponse get(const std::string& target) const {
    auto http = net::HttpClient::create(process->url());
    REQUIRE(http.ok());
    auto r = http->get(target);
    REQUIRE(r.ok());
    return *r;
  }
  net::HttpResponse monitored() const {
    return get("/" + tlog::origin_hash_hex(kOrigin) + "/checkpoint");
  }
  // Publishes the first `size` entries and submits their checkpoint.
  net::HttpResponse add(std::uint64_t old_size, std::uint64_t size) const {
    board->publish(size);
    return post(board->request(old_size, size));
  }
  std::string status() const {
    const auto r =
        test::run_command(std::string(SENIM_BINARY) + " witness status --data " + data + " 2>&1");
    REQUIRE(r.status == 0);
    return r.out;
  }
  // The files in DIR/evidence whose names begin with `prefix`: how many, and one of them.
  std::size_t evidence_files(const std::string& prefix) const {
    std::size_t count = 0;
    for (const auto& e : std::filesystem::directory_iterator(data + "/evidence"))
      count += e.path().filename().string().rfind(prefix, 0) == 0 ? 1 : 0;
    return count;
  }
  std::string evidence_file(const std::string& prefix) const {
    for (const auto& e : std::filesystem::directory_iterator(data + "/evidence")) {
      if (e.path().filename().string().rfind(prefix, 0) == 0)
        return e.path().string();
    }
    return {};
  }
  // The witness's cosignature in a 200 answer, checked with its vkey.
  void require_cosigned(const net::HttpResponse& r, std::uint64_t size) const {
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto vkey = tlog::parse_vkey(witness_vkey);
    REQUIRE(vkey.ok());
    auto note = tlog::parse_note(board->checkpoint(size));
    REQUIRE(note.ok());
    auto opened = tlog::open_add_checkpoint_response(note->text, r.body, std::span(&*vkey, 1));
    REQUIRE(opened.ok());
    REQUIRE(opened->verified.size() == 1);
    CHECK(opened->verified[0].timestamp.value_or(0) > 0);
  }
};

// A refusal: its status, and a body that says why.
void require_refused(const net::HttpResponse& r, unsigned status, const std::string& why) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.content_type == "text/plain; charset=utf-8");
  CHECK(r.body.find(why) != std::string::npos);
}

}  // namespace

TEST_CASE("the witness cosigns each checkpoint after checking every new entry", "[witness]") {
  Harness h;
  h.start();
  const std::uint64_t opened = h.b->entries().size();
  const auto first = h.add(0, opened);
  h.require_cosigned(first, opened);

  // The monitoring endpoint: the board's signature and the cosignature.
  const auto seen = h.monitored();
  REQUIRE(seen.status == 200);
  auto witness = tlog::parse_vkey(h.witness_vkey);
  REQUIRE(witness.ok());
  const std::vector<tlog::VerifierKey> keys{h.board->key(), *witness};
  auto note = tlog::open_note(seen.body, keys);
  REQUIRE(note.ok());
  CHECK(note->verified.size() == 2);
  CHECK(tlog::parse_checkpoint(note->text)->size == opened);

  // Voting: the witness reads the new entries from the tiles and checks them.
  for (std::uint32_t v = 0; v < 4; ++v)
    h.b->cast(v, demo_choices(v % 3, {1, 0, 0, 0, 1}));
  h.b->challenge(4, demo_choices(0, {0, 1, 1, 0, 0}));
  h.b->cast(0, demo_choices(1, {0, 0, 1, 0, 0}));  // a re-vote
  h.update_entries();
  const std::uint64_t voted = h.b->entries().size();
  h.require_cosigned(h.add(opened, voted), voted);
  // The same checkpoint again: cosigned again (nothing new to check).
  h.require_cosigned(h.add(voted, voted), voted);

  h.b->finish();
  h.update_entries();
  const std::uint64_t done = h.b->entries().size();
  h.require_cosigned(h.add(voted, done), done);
  const std::string status = h.status();
  INFO(status);
  CHECK(status.find("cosigned   size " + std::to_string(done)) != std::string::npos);
  CHECK(status.find(std::to_string(done) + " entries (5 ballots) pass every check") !=
        std::string::npos);
  CHECK(status.find("refused    0 requests") != std::string::npos);
}

TEST_CASE(
    "the witness answers every status tlog-witness names, and changes nothing when it "
    "refuses",
    "[witness]") {
  Harness h;
  h.start();
  const std::uint64_t n = h.b->entries().size();
  h.require_cosigned(h.add(0, n), n);
  const std::string before = h.monitored().body;
  const std::string state_before = read_file(h.data + "/state.json");

  SECTION("400: malformed bodies, an old size above the checkpoint's, too large") {
    const std::string note = h.board->checkpoint(n);
    auto older = tlog::format_add_checkpoint_request(n, {}, h.board->checkpoint(n - 1));
    REQUIRE(older.ok());
    std::string proof;
    for (int i = 0; i < 64; ++i)
      proof += "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"", "the first line must be \"old <size>\""},
        {"old 1\n\n", "malformed note"},
        {"old 01\n\n" + note, "old size \"01\" is not a decimal without leading zeros"},
        {"old x\n\n" + note, "old size \"x\" is not a decimal"},
        {"old " + std::to_string(n) + "\nnot base64\n\n" + note, "consistency proof"},
        {h.board->request(n, n).substr(0, 30), "malformed"},
        {*older,
         "old size " + std::to_string(n) + " exceeds the checkpoint size " + std::to_string(n - 1)},
        {"old 1\n" + proof + "\n" + note, "more than 63 consistency proof lines"},
        {std::string(tlog::kMaxAddCheckpointBodyBytes + 1, 'a'),
         "the body exceeds " + std::to_string(tlog::kMaxAddCheckpointBodyBytes) + " bytes"},
    };
    for (const auto& [body, why] : cases)
      require_refused(h.post(body), 400, why);
  }
  SECTION("404: an origin the witness does not watch") {
    auto other_key = protocol::SigningKey::from_seed(Bytes(32, 9));
    REQUIRE(other_key.ok());
    BoardFiles other(h.tmp.path() + "/other", *other_key, "elsewhere.test/x");
    other.set_entries(h.b->entries());
    require_refused(h.post(other.request(0, n)), 404, "unknown origin \"elsewhere.test/x\"");
  }
  SECTION("403: not signed by the board's key, or a bad signature") {
    auto other_key = protocol::SigningKey::from_seed(Bytes(32, 9));
    REQUIRE(other_key.ok());
    BoardFiles impostor(h.tmp.path() + "/impostor", *other_key,
                        std::string(kOrigin));  // same origin
    impostor.set_entries(h.b->entries());
    require_refused(h.post(impostor.request(n, n)), 403, "note has no signature from a known key");
    std::string forged = h.board->request(n, n);
    forged[forged.size() - 6] = forged[forged.size() - 6] == 'A' ? 'B' : 'A';
    require_refused(h.post(forged), 403, "invalid signature for key " + std::string(kOrigin));
  }
  SECTION("409: a stale old size, answered with the witness's size") {
    for (std::uint64_t old : {std::uint64_t{0}, n - 2}) {
      const auto r = h.post(h.board->request(old, n));
      CHECK(r.status == 409);
      CHECK(r.content_type == "text/x.tlog.size");
      CHECK(r.body == std::to_string(n) + "\n");
    }
    // A size that goes backwards is stale too: the witness's size, not a cosignature.
    const auto backwards = h.post(h.board->request(n - 1, n - 1));
    CHECK(backwards.status == 409);
    CHECK(backwards.body == std::to_string(n) + "\n");
  }
  SECTION("422: a proof that fails, and the same size with another root") {
    Hash32 fake{};
    fake[0] = 7;
    auto same_size =
        tlog::format_add_checkpoint_request(n, {}, h.board->checkpoint_with_root(n, fake));
    REQUIRE(same_size.ok());
    require_refused(h.post(*same_size), 422,
                    "trees of equal size " + std::to_string(n) + " have different roots");
    h.b->cast(0, demo_choices(0, {1, 0, 0, 0, 1}));
    h.update_entries();
    std::vector<Hash32> proof = h.board->consistency(n, n + 1);
    proof.back()[3] ^= 1;
    auto bad_proof = tlog::format_add_checkpoint_request(n, proof, h.board->checkpoint(n + 1));
    REQUIRE(bad_proof.ok());
    require_refused(h.post(*bad_proof), 422, ": proof leads to ");
    auto short_proof = tlog::format_add_checkpoint_request(
        n, std::span(proof).first(proof.size() - 1), h.board->checkpoint(n + 1));
    REQUIRE(short_proof.ok());
    require_refused(h.post(*short_proof), 422,
                    "consistency proof from size " + std::to_string(n) + " to " +
                        std::to_string(n + 1) + " has " + std::to_string(proof.size() - 1) +
                        " hashes, want " + std::to_string(proof.size()));
    // The same size with another root is a fork: the evidence proves it offline.
    const std::string evidence = h.evidence_file("fork-");
    REQUIRE_FALSE(evidence.empty());
    const auto verified =
        test::run_command(std::string(SENIM_VERIFY_BINARY) + " --evidence " + evidence + " 2>&1");
    INFO(verified.out);
    CHECK(verified.status == 0);
    CHECK(verified.out.find("PROVEN: the board signed two trees of size " + std::to_string(n)) !=
          std::string::npos);
    // A failing proof on its own proves nothing: kept as a request, not as a fork.
    CHECK(h.evidence_files("fork-") == 1);
    CHECK(h.evidence_files("request-") == 3);
  }
  SECTION("the endpoints refuse other methods and paths") {
    CHECK(h.get("/add-checkpoint").status == 405);
    CHECK(h.get("/" + std::string(64, 'a') + "/checkpoint").status == 404);
    CHECK(h.get("/nothing").status == 404);
    auto http = net::HttpClient::create(h.process->url());
    REQUIRE(http.ok());
    CHECK(http->post("/" + tlog::origin_hash_hex(kOrigin) + "/checkpoint", "x").value().status ==
          405);
  }
  // Whatever it refused, nothing changed.
  CHECK(h.monitored().body == before);
  CHECK(read_file(h.data + "/state.json") == state_before);
  CHECK(h.status().find("cosigned   size " + std::to_string(n)) != std::string::npos);
}

TEST_CASE(
    "the witness refuses a checkpoint with an entry that fails a check, and keeps the "
    "evidence",
    "[witness]") {
  Harness h;
  const std::uint64_t opened = h.start_and_cosign_opening();
  h.b->cast(0, demo_choices(0, {1, 0, 0, 0, 1}));
  h.b->cast(1, demo_choices(1, {0, 1, 0, 0, 1}));
  h.b->cast(2, demo_choices(1, {0, 1, 0, 0, 1}));
  // The board admits a ballot whose signature is not its voter's.
  const std::uint64_t bad = opened + 1;
  Bytes forged = h.b->entries()[bad];
  forged.at(forged.size() - 1) ^= 0x01;  // the signature's last byte
  h.b->replace_entry(bad, forged);
  h.update_entries();
  const std::uint64_t size = h.b->entries().size();
  const auto refused = h.add(opened, size);
  INFO(refused.body);
  CHECK(refused.status == 403);
  CHECK(refused.body.find("entry " + std::to_string(bad)) != std::string::npos);
  CHECK(refused.body.find("check 4 (entry-signatures)") != std::string::npos);

  // The entry with its inclusion proof under the board's checkpoint.
  const std::string proof_path = h.data + "/evidence/entry-" + std::to_string(bad) + ".tlog-proof";
  auto proof = tlog::parse_proof_file(read_file(proof_path));
  REQUIRE(proof.ok());
  CHECK(proof->index == bad);
  REQUIRE(proof->extra.has_value());
  CHECK(*proof->extra == forged);
  const tlog::Policy no_witnesses{{}, {}, {}, "none"};
  CHECK(tlog::verify_proof_file(*proof, crypto::merkle::leaf_hash(forged),
                                std::span(&h.board->key(), 1), no_witnesses)
            .ok());

  // It stays refused, across a restart; what came before the entry is still cosigned.
  h.process->kill9();
  h.start();
  CHECK(h.add(opened, size).status == 403);
  h.require_cosigned(h.add(opened, bad), bad);
  CHECK(h.add(bad, size).status == 403);
  const std::string status = h.status();
  INFO(status);
  CHECK(status.find("REFUSING   from entry " + std::to_string(bad) + ": check 4") !=
        std::string::npos);
  CHECK(status.find("entry-" + std::to_string(bad) + ".tlog-proof") != std::string::npos);
}

TEST_CASE("the witness refuses a log whose set-up names another board key", "[witness]") {
  Harness h;
  // The same entries, but checkpoints signed by a key the set-up does not name.
  auto other_key = protocol::SigningKey::from_seed(Bytes(32, 5));
  REQUIRE(other_key.ok());
  h.board = std::make_unique<BoardFiles>(h.tmp.path() + "/board", *other_key, std::string(kOrigin));
  h.update_entries();
  h.start();
  const auto r = h.add(0, h.b->entries().size());
  CHECK(r.status == 403);
  CHECK(r.body.find("the set-up names the board key") != std::string::npos);
  CHECK(h.monitored().status == 404);
}

TEST_CASE("the witness refuses a log whose set-up names another log origin than --log's",
          "[witness]") {
  // A board key the set-up names, but checkpoints under an origin the set-up
  // does not name: the witness was configured (--log) for another log.
  Harness h(6, "board.test/other-2026");
  h.start();
  const auto r = h.add(0, h.b->entries().size());
  CHECK(r.status == 403);
  CHECK(r.body.find("entry 0 of this log fails the election's checks: the set-up names the log "
                    "origin \"board.test/other-2026\", but this witness watches the log "
                    "\"board.test/witness-2026\" (its --log vkey's name)") != std::string::npos);
  CHECK(h.monitored().status == 404);
  const std::string status = h.status();
  INFO(status);
  CHECK(status.find("REFUSING") != std::string::npos);
  CHECK(status.find("the set-up names the log origin") != std::string::npos);
}

TEST_CASE(
    "the witness survives kill -9 with its state, resumes from a snapshot, and never "
    "cosigns two inconsistent checkpoints",
    "[witness]") {
  Harness h(40);
  h.start({"--snapshot-every", "10"});
  const std::uint64_t opened = h.b->entries().size();
  h.require_cosigned(h.add(0, opened), opened);
  std::vector<std::pair<std::uint32_t, protocol::BallotChoices>> votes;
  for (std::uint32_t v = 0; v < 30; ++v)
    votes.emplace_back(v, demo_choices(v % 3, {1, 0, 0, 1, 0}));
  h.b->cast_many(votes, 2);
  h.update_entries();
  const std::uint64_t voted = h.b->entries().size();
  h.require_cosigned(h.add(opened, voted), voted);
  const std::string cosigned = h.monitored().body;

  // kill -9, then start again: the same state, resumed from the snapshot
  // (taken after 10 or more new entries), re-checking nothing before it.
  h.process->kill9();
  h.start({"--snapshot-every", "10"});
  CHECK(h.monitored().body == cosigned);
  const std::string log = h.process->log();
  INFO(log);
  CHECK(log.find("resumed from a snapshot of " + std::to_string(voted) +
                 " entries, re-checked 0") != std::string::npos);
  // The old size must be its latest, still.
  CHECK(h.post(h.board->request(opened, voted)).status == 409);

  // A fork: another branch of the same size as the cosigned one, and a
  // larger checkpoint over another history. Neither is cosigned.
  sim::ElectionBuilder& b = *h.b;
  std::vector<Bytes> branch = b.entries();
  branch[voted - 1] = branch[voted - 2];  // the board rewrites history
  BoardFiles other(h.tmp.path() + "/board", b.board_key(), std::string(kOrigin));
  other.set_entries(branch);
  CHECK(h.post(other.request(voted, voted)).status == 422);
  branch.push_back(b.entries()[opened]);
  other.set_entries(branch);
  CHECK(h.post(other.request(voted, voted + 1)).status == 422);
  CHECK(h.monitored().body == cosigned);

  // kill -9 while it checks a batch: afterwards it has either cosigned it
  // or not, and the mirror holds exactly what its state says.
  std::vector<std::pair<std::uint32_t, protocol::BallotChoices>> revotes;
  for (std::uint32_t v = 0; v < 40; ++v)
    revotes.emplace_back(v, demo_choices(1, {0, 0, 0, 1, 1}));
  b.cast_many(revotes, 2);
  h.update_entries();
  const std::uint64_t more = b.entries().size();
  h.board->publish(more);
  std::thread sender([&] {
    auto http = net::HttpClient::create(h.process->url());
    if (http)
      (void)http->post("/add-checkpoint", h.board->request(voted, more), "text/plain");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  h.process->kill9();
  sender.join();
  h.start({"--snapshot-every", "10"});
  const auto after = tlog::parse_checkpoint(tlog::parse_note(h.monitored().body)->text);
  REQUIRE(after.ok());
  const bool took_it = after->size == more;
  CHECK((took_it || after->size == voted));
  if (!took_it)
    h.require_cosigned(h.add(voted, more), more);
  CHECK(h.add(more, more).status == 200);

  // Without a usable snapshot it re-checks its whole mirror (never the
  // board), and arrives at the same state.
  const std::string final_state = h.monitored().body;
  h.process->kill9();
  std::filesystem::remove(h.data + "/snapshot.bin");
  h.start({"--snapshot-every", "10"});
  CHECK(h.monitored().body == final_state);
  const std::string relog = h.process->log();
  INFO(relog);
  CHECK(relog.find("resumed from a snapshot of 0 entries, re-checked " + std::to_string(more)) !=
        std::string::npos);
  h.require_cosigned(h.add(more, more), more);
}

TEST_CASE("the witness reads the board over HTTP (a static file server)", "[witness]") {
  Harness h;
  const std::uint64_t n = h.b->entries().size();
  h.board->publish(n);
  // python3 -m http.server serves the directory as a static web server would.
  ServerProcess files("/usr/bin/python3",
                      {"-u", "-c",
                       "import http.server,functools,sys;"
                       "h=functools.partial(http.server.SimpleHTTPRequestHandler,directory=sys."
                       "argv[1]);"
                       "s=http.server.ThreadingHTTPServer(('127.0.0.1',0),h);"
                       "print('listening on http://127.0.0.1:%d'%s.server_address[1]);"
                       "s.serve_forever()",
                       h.board->dir()},
                      h.tmp.path() + "/files.log");
  h.board = std::make_unique<BoardFiles>(files.url(), h.b->board_key(), std::string(kOrigin));
  h.update_entries();
  h.start();
  h.require_cosigned(h.post(h.board->request(0, n)), n);
}

TEST_CASE(
    "the witness keeps fork evidence of a larger checkpoint over another history, and "
    "senim-verify --evidence proves it offline",
    "[witness][fork-evidence]") {
  Harness h;
  const std::uint64_t opened = h.start_and_cosign_opening();
  h.cast_some(3);
  const std::uint64_t m = h.b->entries().size();
  h.require_cosigned(h.add(opened, m), m);
  const std::string cosigned = h.monitored().body;
  const std::string state = read_file(h.data + "/state.json");

  // Another history: the board rewrites entry m − 1 and goes on from there.
  std::vector<Bytes> branch = h.b->entries();
  branch[m - 1] = branch[m - 2];
  branch.push_back(h.b->entries()[opened]);
  branch.push_back(h.b->entries()[opened + 1]);
  const std::uint64_t n = branch.size();
  auto senim_verify = [](const std::string& file) {
    return test::run_command(std::string(SENIM_VERIFY_BINARY) + " --evidence " + file + " 2>&1");
  };
  auto require_proven = [&](const std::string& file) {
    REQUIRE_FALSE(file.empty());
    const auto r = senim_verify(file);
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(r.out.find("checkpoint  size " + std::to_string(m)) != std::string::npos);
    CHECK(r.out.find("checkpoint  size " + std::to_string(n)) != std::string::npos);
    CHECK(r.out.find("PROVEN: ") != std::string::npos);
    auto parsed = protocol::parse_fork_evidence(read_file(file));
    REQUIRE(parsed.ok());
    CHECK(parsed->board_vkey == h.board->vkey());
    CHECK(parsed->smaller_note == cosigned);  // as the witness cosigned it
  };

  SECTION("from the request's own consistency proof") {
    BoardFiles other(h.tmp.path() + "/other", h.b->board_key(), std::string(kOrigin));
    other.set_entries(branch);
    require_refused(h.post(other.request(m, n)), 422,
                    "old tree of size " + std::to_string(m) + ": proof leads to ");
    const std::string file =
        h.data + "/evidence/fork-" + std::to_string(m) + "-" + std::to_string(n) + ".evidence";
    require_proven(file);
    CHECK(protocol::parse_fork_evidence(read_file(file))->larger_note == other.checkpoint(n));
  }
  SECTION("from the board's tiles, when the request's proof proves nothing") {
    // The board now serves the other history's tiles (to this witness, at least).
    BoardFiles other(h.board->dir(), h.b->board_key(), std::string(kOrigin));
    other.set_entries(branch);
    other.publish(n);
    std::vector<Hash32> garbage = other.consistency(m, n);
    for (Hash32& hash : garbage)
      hash.fill(0x5a);
    auto request = tlog::format_add_checkpoint_request(m, garbage, other.checkpoint(n));
    REQUIRE(request.ok());
    require_refused(h.post(*request), 422, ": proof leads to ");
    require_proven(h.evidence_file("fork-"));
  }
  // Neither branch was cosigned; the state is the cosigned one's.
  CHECK(h.monitored().body == cosigned);
  CHECK(read_file(h.data + "/state.json") == state);
  CHECK(h.evidence_files("request-") == 1);
  const std::string status = h.status();
  INFO(status);
  CHECK(status.find("refused    1 request (HTTP 422: 1)") != std::string::npos);
  CHECK(status.find("fork-" + std::to_string(m) + "-" + std::to_string(n) + ".evidence") !=
        std::string::npos);

  // What does not prove a fork is said so (exit 1), what cannot be read too (exit 2).
  protocol::ForkEvidence consistent{h.board->vkey(), h.board->checkpoint(opened),
                                    h.board->checkpoint(m), h.board->consistency(opened, m)};
  const std::string not_a_fork = h.tmp.path() + "/consistent.evidence";
  std::ofstream(not_a_fork) << protocol::format_fork_evidence(consistent);
  const auto r = senim_verify(not_a_fork);
  INFO(r.out);
  CHECK(r.status == 1);
  CHECK(r.out.find("NOT PROVEN (not_a_fork)") != std::string::npos);
  CHECK(senim_verify(h.tmp.path() + "/no-such.evidence").status == 2);
}

TEST_CASE(
    "the witness answers 503 when it cannot read the board and 403 when the tiles are not "
    "the checkpoint's tree, and changes nothing",
    "[witness]") {
  Harness h;
  const std::uint64_t opened = h.start_and_cosign_opening();
  const std::string cosigned = h.monitored().body;
  const std::string state = read_file(h.data + "/state.json");
  h.cast_some(3);
  const std::uint64_t n = h.b->entries().size();

  SECTION("503: the tiles of the new checkpoint are not there (yet)") {
    const auto r = h.post(h.board->request(opened, n));  // not published
    // Neither the partial bundle nor a full one at its place.
    require_refused(r, 503, "/tile/entries/000 does not exist");
  }
  SECTION("403: a bundle whose entry is not the tiles' leaf") {
    h.board->publish(n);
    // The bundle holds another entry at index `opened` than the tiles hash.
    std::vector<Bytes> entries = h.b->entries();
    std::swap(entries[opened], entries[opened + 1]);
    auto bundle = tlog::encode_entry_bundle(entries);
    REQUIRE(bundle.ok());
    const std::string path =
        h.board->dir() + "/" +
        tlog::entry_bundle_path(tlog::Tile{0, 0, static_cast<std::uint16_t>(n)});
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bundle->data()),
               static_cast<std::streamsize>(bundle->size()));
    require_refused(h.post(h.board->request(opened, n)), 403,
                    "entry " + std::to_string(opened) + " of its bundle is not leaf " +
                        std::to_string(opened) + " of the log of size " + std::to_string(n));
  }
  CHECK(h.monitored().body == cosigned);
  CHECK(read_file(h.data + "/state.json") == state);
  // Not a refusal of the log: once the board serves its tree, it is cosigned.
  h.require_cosigned(h.add(opened, n), n);
  CHECK(h.status().find("REFUSING") == std::string::npos);
}

namespace {

// A ballot of `voter` made here, so that its nonces are known: the entry
// that casts it and one that challenges it (a board admits neither after
// the other, docs/protocol.md §9.5).
struct CastAndChallenge {
  Bytes cast;
  Bytes challenge;
};

CastAndChallenge cast_and_challenge(const sim::ElectionBuilder& b, std::uint32_t voter,
                                    std::uint32_t sequence) {
  auto made = protocol::encrypt_ballot(*b.state().parameters(), b.voter_public_key(voter), sequence,
                                       demo_choices(1, {0, 1, 0, 0, 1}));
  REQUIRE(made.ok());
  v1::Statement cast = b.statement();
  *cast.mutable_ballot() = made->ballot;
  v1::Statement challenge = b.statement();
  *challenge.mutable_challenge() = protocol::reveal_ballot(*made, protocol::serialize(cast));
  return {sim::ElectionBuilder::sign(b.voter_key(voter), cast),
          sim::ElectionBuilder::sign(b.voter_key(voter), challenge)};
}

}  // namespace

TEST_CASE(
    "the witness applies the intake rules as the log grows: canonical entries, the re-vote "
    "limit, no challenged ballot cast and no cast ballot challenged",
    "[witness]") {
  Harness h;
  const std::uint64_t opened = h.start_and_cosign_opening();
  h.b->cast(0, demo_choices(0, {1, 0, 0, 0, 1}));
  h.b->cast(1, demo_choices(1, {0, 1, 0, 0, 1}));
  h.update_entries();
  const std::uint64_t v = h.b->entries().size();
  h.require_cosigned(h.add(opened, v), v);
  std::vector<Bytes> log = h.b->entries();
  const CastAndChallenge voter2 = cast_and_challenge(*h.b, 2, 1);

  // The board admits each of these, though its own rules refuse them; the
  // witness, checking the new entries as they come, refuses the checkpoint.
  std::uint64_t bad = v;  // the entry reported
  std::string why;
  SECTION("check 1: an entry that is not canonical (an unknown field appended)") {
    Bytes entry = h.b->entries()[opened];
    entry.push_back(0x78);  // field 15, varint
    entry.push_back(0x01);
    log.push_back(entry);
    why = "check 1 (record-format): entry does not parse: unknown_field";
  }
  SECTION("check 13: a ballot beyond the re-vote limit") {
    log.push_back(cast_and_challenge(*h.b, 3, 11).cast);  // max_ballots_per_credential is 10
    why =
        "check 13 (no-duplicate-ballot): ballot sequence 11 exceeds the election's "
        "max_ballots_per_credential, 10";
  }
  SECTION("check 15: a challenged ballot cast") {
    log.push_back(voter2.challenge);
    log.push_back(voter2.cast);
    bad = v + 1;
    why =
        "check 15 (challenges): ciphertext 1 of this cast ballot was opened by the challenge at "
        "entry " +
        std::to_string(v);
  }
  SECTION("check 15: a cast ballot challenged, after the witness cosigned the cast") {
    log.push_back(voter2.cast);
    h.board->set_entries(log);
    h.require_cosigned(h.add(v, v + 1), v + 1);
    log.push_back(voter2.challenge);
    h.board->set_entries(log);
    const auto r = h.add(v + 1, v + 2);
    require_refused(r, 403,
                    "senim witness: an entry from " + std::to_string(v + 1) + " on makes entry " +
                        std::to_string(v) +
                        " of this log fail the election's checks: check 15 "
                        "(challenges): ciphertext 1 of this cast ballot was opened by the "
                        "challenge at entry " +
                        std::to_string(v + 1));
    // What it cosigned stays good: the same checkpoint is cosigned again.
    h.require_cosigned(h.add(v + 1, v + 1), v + 1);
    CHECK(h.status().find("REFUSING   from entry " + std::to_string(v + 1)) != std::string::npos);
    return;
  }
  h.board->set_entries(log);
  const std::uint64_t size = log.size();
  require_refused(h.add(v, size), 403,
                  "senim witness: entry " + std::to_string(bad) +
                      " of this log fails the election's checks: " + why);
  // It refuses from that entry on, and still cosigns what came before it.
  h.require_cosigned(h.add(v, bad), bad);
  require_refused(h.add(bad, size), 403,
                  "this log fails the election's checks from entry " + std::to_string(bad));
  CHECK(h.status().find("REFUSING   from entry " + std::to_string(bad) + ": " + why) !=
        std::string::npos);
}

TEST_CASE(
    "a catch-up longer than --background-after is checked in the background: 503 with "
    "Retry-After at once, then the cosignature, and checked entries of a tree the next "
    "checkpoint does not extend are dropped",
    "[witness]") {
  Harness h(100);
  h.start({"--background-after", "10"});
  const std::uint64_t opened = h.b->entries().size();  // 9: checked in the request
  h.require_cosigned(h.add(0, opened), opened);
  h.cast_some(30);
  const std::uint64_t n = h.b->entries().size();
  // 30 new entries, more than 10: answered at once, checked meanwhile.
  const auto first = h.add(opened, n);
  INFO(first.body);
  CHECK(first.status == 503);
  CHECK(first.body.find("senim witness: checking the 30 new entries up to size " +
                        std::to_string(n) + " in the background; try again in ") !=
        std::string::npos);
  REQUIRE_FALSE(first.retry_after.empty());
  const int retry = std::stoi(first.retry_after);
  CHECK(retry >= 1);
  CHECK(retry <= 60);
  // Nothing was cosigned by that answer.
  CHECK(tlog::parse_checkpoint(tlog::parse_note(h.monitored().body)->text)->size == opened);
  // The same request, sent again (as the board does after Retry-After), is
  // cosigned once the background check is over.
  const std::string request = h.board->request(opened, n);
  net::HttpResponse last;
  REQUIRE(test::eventually(
      [&] {
        last = h.post(request);
        return last.status != 503;
      },
      60));
  h.require_cosigned(last, n);
  CHECK(h.process->log().find("checking entries " + std::to_string(opened) + " to " +
                              std::to_string(n - 1) + " in the background") != std::string::npos);
  CHECK(h.process->log().find("checked entries up to size " + std::to_string(n) +
                              " in the background in ") != std::string::npos);

  // 30 more are checked in the background, but never cosigned: the board
  // then shows another history from n on. Those entries are dropped, and
  // the other history is checked (in the background again) and cosigned.
  for (std::uint32_t v = 30; v < 60; ++v)
    h.b->cast(v, demo_choices(v % 3, {1, 0, 0, 0, 1}));
  h.update_entries();
  REQUIRE(h.add(n, n + 30).status == 503);
  REQUIRE(test::eventually(
      [&] {
        return h.process->log().find("checked entries up to size " + std::to_string(n + 30)) !=
               std::string::npos;
      },
      60));
  while (h.b->entries().size() > n)
    h.b->erase_entry(h.b->entries().size() - 1);
  for (std::uint32_t v = 60; v < 91; ++v)  // other voters (the builder's view of 30–59 is gone)
    h.b->cast(v, demo_choices(v % 3, {0, 1, 0, 0, 1}));
  h.update_entries();
  const std::uint64_t other = h.b->entries().size();
  REQUIRE(other == n + 31);
  const std::string other_request = h.board->request(n, other);
  h.board->publish(other);
  REQUIRE(test::eventually(
      [&] {
        last = h.post(other_request);
        return last.status != 503;
      },
      60));
  h.require_cosigned(last, other);
  CHECK(h.process->log().find("dropping the entries checked up to size " + std::to_string(n + 30) +
                              ": the checkpoint of size " + std::to_string(other) +
                              " does not extend their tree") != std::string::npos);
  const auto seen = tlog::parse_checkpoint(tlog::parse_note(h.monitored().body)->text);
  CHECK(seen->size == other);
  CHECK(seen->root == h.board->root(other));
  CHECK(h.status().find("REFUSING") == std::string::npos);
}
