// The board pushes its checkpoints to the election's witnesses and serves
// their cosignatures (docs/protocol.md §11.4, docs/api.md "Witnesses"),
// against STUB witnesses (stub_witness.hpp: tlog-witness over real HTTP, not
// `senim witness`) and the real senim-server.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <thread>

#include "protocol/board_checkpoint.hpp"
#include "protocol/record.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/data_dir_tools.hpp"
#include "tests/server/stub_witness.hpp"
#include "tlog/note.hpp"

using Catch::Matchers::Contains;
using senim::test::ElectionFixture;
using senim::test::ServerProcess;
using senim::test::StubWitness;
namespace v1 = senim::v1;
using Clock = std::chrono::steady_clock;

using senim::test::eventually;

namespace {

std::string witness_line(const std::string& name, const StubWitness& w) {
  return "witness " + name + " " + senim::tlog::format_vkey(w.vkey()) + " " + w.url() + "\n";
}

// GET `path` (a checkpoint endpoint): the note, or "" on 404.
std::string get_note(senim::net::HttpClient& client, const std::string& path) {
  auto r = client.get(path);
  REQUIRE(r.ok());
  REQUIRE((r->status == 200 || r->status == 404));
  if (r->status == 404)
    return {};
  CHECK(r->content_type == "text/plain; charset=utf-8");
  CHECK(r->cache_control == "public, max-age=1");
  return r->body;
}

// The note checked against the election's policy.
senim::tlog::CheckpointVerification witnessed(const ElectionFixture& f, const std::string& note) {
  auto v = senim::protocol::verify_witnessed_checkpoint(note, f.builder->state().config()->policy);
  INFO(note << (v ? std::string() : v.error().message));
  REQUIRE(v.ok());
  return *v;
}

std::uint64_t witnessed_size(const ElectionFixture& f, const std::string& path) {
  const std::string note = get_note(*f.client, path);
  return note.empty() ? 0 : witnessed(f, note).checkpoint.size;
}

// Each push is of a larger checkpoint, starts where the last accepted one
// ended, and comes at least `gap` after the one before.
void check_pushes(const std::vector<StubWitness::Request>& requests,
                  std::chrono::milliseconds gap) {
  std::uint64_t cosigned = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    INFO("request " << i << ": old " << requests[i].old_size << ", size " << requests[i].size);
    CHECK(requests[i].old_size == cosigned);
    CHECK(requests[i].size > cosigned);
    if (i > 0)
      CHECK(requests[i].at - requests[i - 1].at >= gap);
    if (requests[i].status == 200)
      cosigned = requests[i].size;
  }
}

}  // namespace

TEST_CASE(
    "the board pushes its checkpoints to its witnesses, at most once a second, and serves "
    "their cosignatures",
    "[server][witness]") {
  std::unique_ptr<StubWitness> w1, w2;
  ElectionFixture f(4, 2, 2, true, [&](const senim::tlog::VerifierKey& board) {
    w1 = std::make_unique<StubWitness>("w1.observers.example", board);
    w2 = std::make_unique<StubWitness>("w2.observers.example", board);
    return witness_line("w1", *w1) + witness_line("w2", *w2) +
           "group observers 2 w1 w2\nquorum observers\n";
  });
  CHECK(get_note(*f.client, "/v1/witnessed-checkpoint").empty());
  const auto start = Clock::now();
  f.open_and_vote(4);  // one checkpoint per entry: a dozen in well under a second
  const std::uint64_t size = f.builder->entries().size();
  REQUIRE(eventually([&] { return witnessed_size(f, "/v1/witnessed-checkpoint") == size; }, 20));
  const auto elapsed = Clock::now() - start;

  // The witnessed checkpoint meets the quorum; so does /checkpoint, which
  // now carries both cosignatures in the policy's order.
  const auto quorum = witnessed(f, get_note(*f.client, "/v1/witnessed-checkpoint"));
  CHECK(quorum.quorum_met);
  CHECK(quorum.witnesses == std::set<std::string>{"w1", "w2"});
  const std::string latest = get_note(*f.client, "/checkpoint");
  CHECK(witnessed(f, latest).quorum_met);
  CHECK(latest.find("— w1.observers.example ") < latest.find("— w2.observers.example "));
  // Batching: each witness saw far fewer requests than the board signed
  // checkpoints, one a second at most, each consistent with the last.
  for (const StubWitness* w : {w1.get(), w2.get()}) {
    const auto requests = w->requests();
    INFO(requests.size() << " requests in "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                         << " ms for " << size << " checkpoints");
    CHECK(requests.size() < size);
    check_pushes(requests, std::chrono::milliseconds(900));
    REQUIRE(w->latest());
    CHECK(w->latest()->size == size);
  }
  // The record ends with the cosigned checkpoint.
  auto record = f.client->get("/v1/record");
  REQUIRE(record.ok());
  CHECK(record->body.ends_with(latest));
  // A restart serves them again, from storage (stored at stop, or with a batch).
  REQUIRE(f.server->stop() == 0);
  f.server = std::make_unique<ServerProcess>(f.data_dir());
  auto client = senim::net::HttpClient::create(f.server->url());
  REQUIRE(client.ok());
  CHECK(get_note(*client, "/checkpoint") == latest);
  CHECK(get_note(*client, "/v1/witnessed-checkpoint") == latest);
}

TEST_CASE("a witness that hangs or is down delays no receipt, and catches up when it is back",
          "[server][witness]") {
  std::unique_ptr<StubWitness> w1, w2;
  ElectionFixture f(6, 2, 2, false,
                    [&](const senim::tlog::VerifierKey& board) {
                      w1 = std::make_unique<StubWitness>("w1.observers.example", board);
                      w2 = std::make_unique<StubWitness>("w2.observers.example", board);
                      return witness_line("w1", *w1) + witness_line("w2", *w2) +
                             "group observers any w1 w2\nquorum observers\n";
                    },
                    {"--witness-timeout", "5"});
  w2->set_mode(StubWitness::Mode::hang);
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  // While w2 holds its connection (the board waits 5 s for it, on w2's own
  // thread), receipts come as fast as ever.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (std::uint32_t v = 0; v < 6; ++v) {
    f.builder->cast(v, senim::protocol::BallotChoices{{{1U, 0U}}});
    const auto t0 = Clock::now();
    REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
    CHECK(Clock::now() - t0 < std::chrono::milliseconds(1000));
  }
  const std::uint64_t size = f.builder->entries().size();
  REQUIRE(eventually([&] { return witnessed_size(f, "/v1/witnessed-checkpoint") == size; }, 20));
  CHECK(witnessed(f, get_note(*f.client, "/v1/witnessed-checkpoint")).witnesses ==
        std::set<std::string>{"w1"});
  CHECK(!w2->latest());
  // Down, then back: w2 cosigns the latest checkpoint, from size 0.
  w2->set_mode(StubWitness::Mode::down);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  w2->set_mode(StubWitness::Mode::cosign);
  REQUIRE(eventually([&] { return w2->latest() && w2->latest()->size == size; }, 60));
  REQUIRE(eventually(
      [&] {
        return witnessed(f, get_note(*f.client, "/checkpoint")).witnesses ==
               std::set<std::string>{"w1", "w2"};
      },
      10));
  const auto requests = w2->requests();
  REQUIRE(requests.size() == 1);  // the hung and refused attempts never reached it
  CHECK(requests[0].old_size == 0);
  CHECK(requests[0].status == 200);
}

TEST_CASE(
    "the board waits --witness-timeout for a witness that is catching up: a slower answer is "
    "cut off, a faster one is stored",
    "[server][witness]") {
  std::unique_ptr<StubWitness> w1;
  auto policy = [&](const senim::tlog::VerifierKey& board) {
    w1 = std::make_unique<StubWitness>("w1.observers.example", board);
    w1->set_mode(StubWitness::Mode::slow);
    w1->set_delay(std::chrono::milliseconds(2500));
    return witness_line("w1", *w1) + "quorum w1\n";
  };
  SECTION("a 1 s timeout: the 2.5 s answer never counts") {
    ElectionFixture f(1, 2, 2, false, policy, {"--witness-timeout", "1"});
    f.builder->prepare();
    f.post_range(0, f.builder->entries().size());
    REQUIRE(eventually([&] { return !w1->requests().empty(); }, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    CHECK(get_note(*f.client, "/v1/witnessed-checkpoint").empty());
    CHECK_THAT(f.server->log(), Contains("witness w1: cannot reach"));
  }
  SECTION("the default (60 s): the 2.5 s answer is stored, as a catch-up would be") {
    ElectionFixture f(1, 2, 2, false, policy);
    f.builder->prepare();
    f.post_range(0, f.builder->entries().size());
    const std::uint64_t size = f.builder->entries().size();
    REQUIRE(eventually([&] { return witnessed_size(f, "/v1/witnessed-checkpoint") == size; }, 20));
    CHECK(witnessed(f, get_note(*f.client, "/checkpoint")).witnesses ==
          std::set<std::string>{"w1"});
  }
}

TEST_CASE(
    "a witness that answers slowly is pushed to once a second counted from each push's start, "
    "not a second after its answer",
    "[server][witness]") {
  // A witness that takes 0.9 s to check each second's entries (a busy
  // one): spaced from the answer, its pushes would be ≥ 1.9 s apart and
  // every receipt would wait that much longer for a quorum.
  std::unique_ptr<StubWitness> w1;
  ElectionFixture f(24, 2, 2, false, [&](const senim::tlog::VerifierKey& board) {
    w1 = std::make_unique<StubWitness>("w1.observers.example", board);
    w1->set_mode(StubWitness::Mode::slow);
    w1->set_delay(std::chrono::milliseconds(900));
    return witness_line("w1", *w1) + "quorum w1\n";
  });
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  // One ballot every 200 ms for about 5 s: a new checkpoint is always there.
  for (std::uint32_t v = 0; v < 24; ++v) {
    f.builder->cast(v, senim::protocol::BallotChoices{{{1U, 0U}}});
    f.post_range(f.builder->entries().size() - 1, f.builder->entries().size());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const auto requests = w1->requests();
  REQUIRE(requests.size() >= 4);
  for (std::size_t i = 1; i < requests.size(); ++i) {
    const auto gap = requests[i].at - requests[i - 1].at;
    INFO("push " << i << " came "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()
                 << " ms after the one before");
    CHECK(gap >= std::chrono::milliseconds(900));
    CHECK(gap < std::chrono::milliseconds(1600));
  }
}

TEST_CASE("a witness's 409 tells the board the size it cosigned, and the push is made again",
          "[server][witness]") {
  std::unique_ptr<StubWitness> w1;
  ElectionFixture f(3, 2, 2, false, [&](const senim::tlog::VerifierKey& board) {
    w1 = std::make_unique<StubWitness>("w1.observers.example", board);
    return witness_line("w1", *w1) + "quorum w1\n";
  });
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  const std::uint64_t first = f.builder->entries().size();
  REQUIRE(eventually([&] { return witnessed_size(f, "/v1/witnessed-checkpoint") == first; }, 20));
  // The board forgets what w1 cosigned; w1 does not.
  REQUIRE(f.server->stop() == 0);
  senim::test::exec_sql(f.data_dir(), "DELETE FROM cosignatures");
  f.server = std::make_unique<ServerProcess>(f.data_dir());
  auto c = senim::net::HttpClient::create(f.server->url());
  REQUIRE(c.ok());
  f.client = std::make_unique<senim::net::HttpClient>(std::move(*c));
  CHECK(get_note(*f.client, "/v1/witnessed-checkpoint").empty());
  f.builder->cast(0, senim::protocol::BallotChoices{{{1U, 0U}}});
  REQUIRE(senim::test::post_entry(*f.client, f.builder->entries().back()).status == 200);
  const std::uint64_t second = f.builder->entries().size();
  REQUIRE(eventually([&] { return witnessed_size(f, "/v1/witnessed-checkpoint") == second; }, 20));
  const auto requests = w1->requests();
  REQUIRE(requests.size() >= 3);
  const auto& refused = requests[requests.size() - 2];
  const auto& again = requests.back();
  CHECK(refused.old_size == 0);
  CHECK(refused.status == 409);
  CHECK(again.old_size == first);
  CHECK(again.size == second);
  CHECK(again.status == 200);
}

TEST_CASE("a cosignature by another key than the policy's is not kept", "[server][witness]") {
  std::unique_ptr<StubWitness> w1;
  ElectionFixture f(2, 2, 2, false, [&](const senim::tlog::VerifierKey& board) {
    w1 = std::make_unique<StubWitness>("w1.observers.example", board);
    return witness_line("w1", *w1) + "quorum w1\n";
  });
  w1->set_mode(StubWitness::Mode::wrong_key);
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  REQUIRE(eventually([&] { return !w1->requests().empty(); }, 20));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string latest = get_note(*f.client, "/checkpoint");
  CHECK(latest.find("w1.observers.example") == std::string::npos);
  CHECK(get_note(*f.client, "/v1/witnessed-checkpoint").empty());
  REQUIRE(f.server->stop() == 0);
  CHECK_THAT(
      f.server->log(),
      Contains("witness w1: " + w1->url() +
               "/add-checkpoint answered 200 without its valid cosignature: invalid "
               "cosignature for key " +
               senim::tlog::key_label(w1->vkey().name, w1->vkey().key_id) + "; retrying in 1 s"));
  f.server = std::make_unique<ServerProcess>(f.data_dir());
  auto c = senim::net::HttpClient::create(f.server->url());
  REQUIRE(c.ok());
  CHECK(get_note(*c, "/checkpoint") == latest);
}

TEST_CASE("a stored cosignature that does not verify stops the server at start, naming it",
          "[server][witness]") {
  std::unique_ptr<StubWitness> w1;
  ElectionFixture f(2, 2, 2, false, [&](const senim::tlog::VerifierKey& board) {
    w1 = std::make_unique<StubWitness>("w1.observers.example", board);
    return witness_line("w1", *w1) + "quorum w1\n";
  });
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  const std::uint64_t size = f.builder->entries().size();
  REQUIRE(eventually([&] { return witnessed_size(f, "/v1/witnessed-checkpoint") == size; }, 20));
  REQUIRE(f.server->stop() == 0);
  // One base64 character inside the stored line, changed.
  senim::test::exec_sql(
      f.data_dir(),
      "UPDATE cosignatures SET line = substr(line, 1, length(line) - 12) || "
      "(CASE substr(line, length(line) - 11, 1) WHEN 'A' THEN 'B' ELSE 'A' END) || "
      "substr(line, length(line) - 10)");
  const std::string why = ServerProcess::refusal(f.data_dir());
  // The first stored row names itself (every row was changed).
  CHECK_THAT(why, Contains("refusing to start") &&
                      Contains("stored the cosignature of w1.observers.example on the checkpoint "
                               "of size ") &&
                      Contains(": invalid cosignature for key " +
                               senim::tlog::key_label(w1->vkey().name, w1->vkey().key_id)));
}
