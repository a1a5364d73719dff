// What an operator sees (docs/api.md, "GET /metrics"; docs/operator-guide.md,
// "Limits, metrics and attacks"): the metrics in the Prometheus text format,
// and the access log, one line per request with nothing from the body or
// the query.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/server/board_fixture.hpp"
#include "tests/server/metrics_scrape.hpp"

using senim::test::metric_value;
using senim::test::ServerProcess;
using senim::test::TempDir;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

// The server writes a request's line once its answer is written, which may
// be just after the client has read the answer: wait for the line.
std::vector<std::string> lines_once_there(const std::string& path, std::size_t count) {
  auto lines = lines_of(path);
  for (int i = 0; i < 100 && lines.size() < count; ++i) {
    std::this_thread::sleep_for(20ms);
    lines = lines_of(path);
  }
  return lines;
}

}  // namespace

TEST_CASE("GET /metrics counts requests by status, commits, queues, connections and refusals",
          "[server][metrics]") {
  senim::test::ElectionFixture f(3);
  auto& b = *f.builder;
  b.prepare();
  b.cast(0, senim::protocol::BallotChoices{{{1U, 0U}}});
  f.post_range(0, b.entries().size());
  auto& c = *f.client;
  REQUIRE(c.get("/v2/nothing")->status == 404);
  REQUIRE(c.post("/v1/ballots", "garbage")->status == 400);
  const std::string text = senim::test::scrape_metrics(c);
  INFO(text);

  // The format: HELP and TYPE before each family's samples, and each sample
  // a name, optional labels and a number.
  const std::regex sample(R"(^[a-z_]+(\{[a-z_]+="[^"]*"\})? [0-9]+(\.[0-9]+)?$)");
  const std::regex comment(R"(^# (HELP|TYPE) [a-z_]+ .+$)");
  std::istringstream lines(text);
  std::string line;
  std::string family;
  while (std::getline(lines, line)) {
    INFO(line);
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      CHECK(std::regex_match(line, comment));
    } else if (line.rfind('#', 0) == 0) {
      CHECK(std::regex_match(line, comment));
    } else {
      CHECK(std::regex_match(line, sample));
      CHECK(line.rfind(family, 0) == 0);  // a sample of the family just declared
    }
  }
  const auto entries = static_cast<double>(b.entries().size());
  CHECK(metric_value(text, "senim_http_requests_total{code=\"200\"}") >= entries);
  CHECK(metric_value(text, "senim_http_requests_total{code=\"404\"}") == 1);
  CHECK(metric_value(text, "senim_http_requests_total{code=\"400\"}") == 1);
  // Every entry was posted alone, so each group commit stored one.
  CHECK(metric_value(text, "senim_group_commit_entries_count") == entries);
  CHECK(metric_value(text, "senim_group_commit_entries_sum") == entries);
  CHECK(metric_value(text, "senim_group_commit_entries_bucket{le=\"1\"}") == entries);
  CHECK(metric_value(text, "senim_group_commit_entries_bucket{le=\"+Inf\"}") == entries);
  CHECK(metric_value(text, "senim_group_commit_in_progress_entries") == 0);
  for (const char* queue : {"reads", "writes", "commit"})
    CHECK(metric_value(text, std::string("senim_queue_depth{queue=\"") + queue + "\"}") == 0);
  CHECK(metric_value(text, "senim_queue_limit{queue=\"commit\"}") == 4096);
  CHECK(metric_value(text, "senim_open_connections") == 1);  // this client's
  CHECK(metric_value(text, "senim_connection_limit") == 1000);
  CHECK(metric_value(text, "senim_refused_connections_total{reason=\"connection_cap\"}") == 0);
  CHECK(metric_value(text, "senim_refused_connections_total{reason=\"per_address\"}") == 0);
  CHECK(metric_value(text, "senim_overloaded_requests_total{reason=\"intake_queue\"}") == 0);
}

TEST_CASE("the access log has one line per request, without the query or anything of the body",
          "[server][access-log]") {
  TempDir dir;
  const std::string log = dir.path() + "/access.log";
  ServerProcess server(dir.path() + "/board", {"--access-log", log});
  auto client = senim::net::HttpClient::create(server.url());
  REQUIRE(client.ok());
  REQUIRE(client->get("/v1/election?format=json")->status == 200);
  const std::string body = "secret-looking-body";
  REQUIRE(client->post("/v1/ballots?format=json", body)->status == 400);
  REQUIRE(client->get("/v2/nothing")->status == 404);

  const auto lines = lines_once_there(log, 3);
  REQUIRE(lines.size() == 3);
  const std::regex shape(
      R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) 127\.0\.0\.1 (GET|POST) (\S+) (\d{3}) (\d+) (\d+\.\d{3})$)");
  const std::vector<std::tuple<std::string, std::string, std::string>> expected{
      {"GET", "/v1/election", "200"},
      {"POST", "/v1/ballots", "400"},
      {"GET", "/v2/nothing", "404"}};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    std::smatch m;
    REQUIRE(std::regex_match(lines[i], m, shape));
    CHECK(m[2] == std::get<0>(expected[i]));
    CHECK(m[3] == std::get<1>(expected[i]));
    CHECK(m[4] == std::get<2>(expected[i]));
    CHECK(std::stoull(m[5]) > 0);  // the answer's bytes
    CHECK(lines[i].find("format") == std::string::npos);
    CHECK(lines[i].find(body) == std::string::npos);
  }

  // Rotation: move the file away, SIGHUP, and the next line goes to a new one.
  std::filesystem::rename(log, log + ".1");
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  for (int i = 0; i < 100 && !std::filesystem::exists(log); ++i)
    std::this_thread::sleep_for(20ms);
  REQUIRE(client->get("/v1/tree-head")->status == 404);
  const auto after = lines_once_there(log, 1);
  REQUIRE(after.size() == 1);
  CHECK(after[0].find(" GET /v1/tree-head 404 ") != std::string::npos);
  CHECK(lines_of(log + ".1").size() == 3);
}
