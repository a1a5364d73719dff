// Admission and deadlines (server/limits.hpp, connection_table.hpp): at the
// connection cap the longest-idle connection makes room and, when none is
// idle, a new one gets 503 before anything of it is read; one address cannot
// hold more than its share; idle connections, trickled requests and unread
// answers are each cut at their deadline.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "server/limits.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/metrics_scrape.hpp"
#include "tests/server/raw_connection.hpp"

using senim::test::metric_value;
using senim::test::parse_responses;
using senim::test::RawConnection;
using senim::test::ServerProcess;
using senim::test::TempDir;
namespace limits = senim::server::limits;
namespace v1 = senim::v1;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kGet = "GET /v1/election HTTP/1.1\r\nHost: board\r\n\r\n";

senim::net::HttpClient client_for(const ServerProcess& server) {
  auto c = senim::net::HttpClient::create(server.url());
  REQUIRE(c.ok());
  return std::move(*c);
}

// A fresh connection's answer to one GET: its status and ApiError.
std::pair<unsigned, v1::ApiError> answer_of_new_connection(const std::string& url,
                                                           const std::string& source = {}) {
  RawConnection c(url, source);
  c.send(kGet);
  const auto response = c.read_response(5s);
  REQUIRE(response);
  v1::ApiError error;
  if (response->status != 200)
    REQUIRE(error.ParseFromString(response->body));
  return {response->status, error};
}

// Posts entries [begin, end) from `clients` connections at once; each must
// be receipted.
void post_all(const std::string& url, const std::vector<senim::Bytes>& entries, std::size_t begin,
              unsigned clients) {
  std::atomic<std::size_t> next{begin};
  std::atomic<std::size_t> failed{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      auto c = senim::net::HttpClient::create(url);
      for (std::size_t i; (i = next++) < entries.size();) {
        const auto& e = entries[i];
        auto r = c->post("/v1/ballots",
                         std::string_view(reinterpret_cast<const char*>(e.data()), e.size()));
        if (!r || r->status != 200)
          ++failed;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  REQUIRE(failed == 0);
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

TEST_CASE(
    "at the connection cap the longest-idle connection makes room, and with none idle a new one "
    "gets 503",
    "[server][admission]") {
  TempDir dir;
  ServerProcess server(dir.path() + "/board", {"--max-connections", "4"});
  std::vector<RawConnection> idle;
  for (int i = 0; i < 4; ++i) {
    idle.emplace_back(server.url());
    std::this_thread::sleep_for(50ms);  // a known order of idleness
  }
  // A fifth connection is served: the one idle the longest was closed for it.
  auto [status, error] = answer_of_new_connection(server.url());
  CHECK(status == 200);
  CHECK(idle[0].closed_within(2s));
  for (std::size_t i = 1; i < idle.size(); ++i)
    CHECK_FALSE(idle[i].closed_within(100ms));
  idle.clear();

  // Every place taken by a request under way (headers still coming): none
  // can be evicted, so the next connection is refused at once.
  std::vector<RawConnection> busy;
  for (int i = 0; i < 4; ++i) {
    busy.emplace_back(server.url());
    REQUIRE(busy.back().send("GET /v1/election HTTP/1.1\r\n"));
  }
  std::this_thread::sleep_for(300ms);  // the server has seen their first bytes
  RawConnection refused(server.url());
  refused.send(kGet);
  const std::string raw = refused.read_to_end(5s);
  CHECK(refused.peer_closed());
  CHECK(raw.find("\r\nRetry-After: 1\r\n") != std::string::npos);
  const auto responses = parse_responses(raw);
  REQUIRE(responses.size() == 1);
  CHECK(responses[0].status == 503);
  v1::ApiError e;
  REQUIRE(e.ParseFromString(responses[0].body));
  CHECK(e.code() == "overloaded");
  CHECK(e.message() ==
        "the server has 4 open connections, its limit, and none is idle; retry "
        "shortly");
  busy.clear();

  auto client = client_for(server);
  const std::string metrics = senim::test::scrape_metrics(client);
  CHECK(metric_value(metrics, "senim_refused_connections_total{reason=\"connection_cap\"}") == 1);
  // (Connections closed above may still have been counted, and evicted too.)
  CHECK(metric_value(metrics, "senim_closed_connections_total{reason=\"evicted\"}") >= 1);
  CHECK(metric_value(metrics, "senim_connection_limit") == 4);
}

TEST_CASE("one address cannot hold more than its share of the connections", "[server][admission]") {
  TempDir dir;
  ServerProcess server(dir.path() + "/board", {"--max-connections-per-address", "3"});
  std::vector<RawConnection> held;
  held.reserve(3);
  for (int i = 0; i < 3; ++i)
    held.emplace_back(server.url(), "127.0.0.2");
  auto [status, error] = answer_of_new_connection(server.url(), "127.0.0.2");
  CHECK(status == 503);
  CHECK(error.code() == "overloaded");
  CHECK(error.message() ==
        "your address has 3 open connections, the limit for one address; retry shortly");
  // Another address is served meanwhile.
  CHECK(answer_of_new_connection(server.url(), "127.0.0.3").first == 200);
  auto client = client_for(server);
  CHECK(metric_value(senim::test::scrape_metrics(client),
                     "senim_refused_connections_total{reason=\"per_address\"}") == 1);
}

TEST_CASE("idle connections are closed after the idle timeout, new and kept-alive alike",
          "[server][admission][slow]") {
  TempDir dir;
  ServerProcess server(dir.path() + "/board");
  const auto t0 = Clock::now();
  RawConnection silent(server.url());
  RawConnection kept(server.url());
  REQUIRE(kept.send(kGet));
  REQUIRE(kept.read_response(5s));
  CHECK(silent.closed_within(limits::kIdleTimeout + 3s));
  CHECK(kept.closed_within(3s));
  CHECK(seconds_since(t0) >= std::chrono::duration<double>(limits::kIdleTimeout).count() - 0.5);
  auto client = client_for(server);
  CHECK(metric_value(senim::test::scrape_metrics(client),
                     "senim_closed_connections_total{reason=\"idle_timeout\"}") == 2);
}

TEST_CASE("a request trickled a byte at a time is cut at the whole-request deadline",
          "[server][admission][slow]") {
  TempDir dir;
  ServerProcess server(dir.path() + "/board");
  // Sends `head` at once, then `trickled` one byte per 200 ms, which takes
  // longer than the deadline; the server must close before the end.
  struct Trickled {
    std::size_t sent = 0;
    std::size_t of = 0;
    double seconds = 0;
    bool closed = false;
  };
  auto trickle = [&](const std::string& head, const std::string& trickled) {
    RawConnection c(server.url());
    const auto t0 = Clock::now();
    Trickled t;
    t.of = trickled.size();
    if (c.send(head)) {
      while (t.sent < trickled.size() && c.send(trickled.substr(t.sent, 1))) {
        ++t.sent;
        if (c.closed_within(200ms))
          break;
      }
    }
    t.seconds = seconds_since(t0);
    t.closed = c.peer_closed();
    return t;
  };
  // Both at once: one trickles its headers, the other (headers whole) its
  // body, which has the same deadline, counted from the first byte.
  Trickled headers;
  Trickled body;
  std::thread header_thread([&] {
    headers =
        trickle("", "GET /v1/election HTTP/1.1\r\nHost: board\r\nX-Slow: " + std::string(80, 'z') +
                        "\r\n\r\n");
  });
  std::thread body_thread([&] {
    body = trickle("POST /v1/ballots HTTP/1.1\r\nHost: board\r\nContent-Length: 80\r\n\r\n",
                   std::string(80, '\x0a'));
  });
  header_thread.join();
  body_thread.join();
  const double deadline = std::chrono::duration<double>(limits::kRequestTimeout).count();
  for (const auto& [what, t] : {std::pair{"headers", headers}, std::pair{"body", body}}) {
    INFO(what << ": sent " << t.sent << " of " << t.of << " bytes in " << t.seconds << " s");
    CHECK(t.closed);
    CHECK(t.sent < t.of);
    CHECK(t.seconds >= deadline - 0.5);
    CHECK(t.seconds < deadline + 3);
  }
  auto client = client_for(server);
  CHECK(metric_value(senim::test::scrape_metrics(client),
                     "senim_closed_connections_total{reason=\"request_timeout\"}") == 2);
}

TEST_CASE("a client that stops reading its answer is cut at the whole-response deadline",
          "[server][admission][slow]") {
  // A record larger than the most the kernel buffers for one connection
  // (tcp_wmem's maximum on the server's side), so that the server has to
  // wait for a reader that never reads.
  std::size_t kernel_buffer = std::size_t{4} << 20;
  {
    std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
    std::size_t least = 0;
    std::size_t initial = 0;
    if (wmem >> least >> initial >> kernel_buffer)
      kernel_buffer = std::max(kernel_buffer, initial);
  }
  const auto ballots = static_cast<std::uint32_t>((kernel_buffer + (std::size_t{2} << 20)) / 3000);
  senim::test::ElectionFixture f(1);
  // The demo's larger ballots (two contests, seven options), fewer to post.
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("record-2026");
  plan.voters = ballots;
  plan.validate = false;
  plan.board_public_key = f.board_key;
  plan.log_origin = f.builder->log_origin();  // the origin f.vkey names
  f.builder = std::make_unique<senim::sim::ElectionBuilder>(std::move(plan));
  auto& b = *f.builder;
  b.prepare();
  const std::size_t first = b.entries().size();
  f.post_range(0, first);
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> votes;
  for (std::uint32_t v = 0; v < ballots; ++v)
    votes.emplace_back(v, senim::sim::demo_choices(v % 3, {1, 0, 0, v % 2, 0}));
  b.cast_many(votes, 2);
  post_all(f.server->url(), b.entries(), first, 8);
  std::size_t record_bytes = 0;
  for (const auto& e : b.entries())
    record_bytes += e.size();
  REQUIRE(record_bytes > kernel_buffer + (std::size_t{1} << 20));

  RawConnection reader(f.server->url(), {}, 4096);
  const auto t0 = Clock::now();
  REQUIRE(reader.send("GET /v1/record HTTP/1.1\r\nHost: board\r\n\r\n"));
  const double closed = senim::test::wait_for_metric(
      *f.client, "senim_closed_connections_total{reason=\"response_timeout\"}", 1,
      limits::kResponseTimeout + 30s);
  CHECK(closed == 1);
  CHECK(seconds_since(t0) >= std::chrono::duration<double>(limits::kResponseTimeout).count());
  // What had been sent ends without the last chunk: a truncated record.
  const std::string got = reader.read_to_end(10s);
  CHECK(reader.peer_closed());
  CHECK(got.size() < record_bytes);
  CHECK(got.find("\r\n0\r\n\r\n") == std::string::npos);
}
