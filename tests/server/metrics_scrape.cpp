#include "tests/server/metrics_scrape.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

namespace senim::test {

std::string scrape_metrics(net::HttpClient& client) {
  auto r = client.get("/metrics");
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  CHECK(r->content_type == "text/plain; version=0.0.4; charset=utf-8");
  return r->body;
}

std::optional<double> metric_value(const std::string& exposition, const std::string& sample) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 &&
        line[sample.size()] == ' ') {
      return std::stod(line.substr(sample.size() + 1));
    }
  }
  return std::nullopt;
}

double wait_for_metric(net::HttpClient& client, const std::string& sample, double at_least,
                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  double value = 0;
  for (;;) {
    value = metric_value(scrape_metrics(client), sample).value_or(0);
    if (value >= at_least || std::chrono::steady_clock::now() >= deadline)
      return value;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace senim::test
