// What every HTTP session shares: the API, the work lanes it runs on, the
// admission table, the metrics and the access log. Owned by
// the server (server.cpp), which outlives every session.
#pragma once

#include <functional>
#include <memory>

#include "server/access_log.hpp"
#include "server/api.hpp"
#include "server/connection_table.hpp"
#include "server/metrics.hpp"
#include "server/work_lanes.hpp"

namespace senim::server {

struct HttpService {
  Api& api;
  WorkLanes& lanes;
  Metrics& metrics;
  std::shared_ptr<ConnectionTable> connections;
  AccessLog* access_log = nullptr;  // none: no access log
  // The gauges of /metrics, read when it is asked for.
  std::function<Metrics::Gauges()> gauges;
};

}  // namespace senim::server
