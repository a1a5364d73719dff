// Reading the server's GET /metrics (Prometheus text format) in tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "net/http_client.hpp"

namespace senim::test {

// The exposition text (requires 200).
std::string scrape_metrics(net::HttpClient& client);
// The value of one sample, named with its labels exactly as the server
// writes them, e.g. senim_closed_connections_total{reason="idle_timeout"};
// nullopt if absent.
std::optional<double> metric_value(const std::string& exposition, const std::string& sample);
// Scrapes until the sample reaches at least `at_least`, or `timeout`; the
// last value seen.
double wait_for_metric(net::HttpClient& client, const std::string& sample, double at_least,
                       std::chrono::milliseconds timeout);

}  // namespace senim::test
