// The server's counters, served as GET /metrics in the Prometheus text
// exposition format (version 0.0.4; docs/api.md, "GET /metrics", lists every
// series). Counters are atomics bumped from any thread; gauges (queue
// depths, open connections, …) are read when /metrics is asked for.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/connection_table.hpp"

namespace senim::server {

// Why the server closed a connection it had admitted.
enum class CloseReason { idle_timeout, evicted, request_timeout, response_timeout, kCount };
const char* close_reason_name(CloseReason r);

class Metrics {
 public:
  // Group-commit sizes are counted in power-of-two buckets up to this.
  static constexpr std::size_t kBatchBuckets = 12;  // 1, 2, 4, …, 2048

  void request_answered(unsigned status);
  void connection_refused(Refusal r) { bump(refused_[static_cast<std::size_t>(r)]); }
  void connection_closed(CloseReason r) { bump(closed_[static_cast<std::size_t>(r)]); }
  void connection_accepted() { bump(accepted_); }
  void group_commit(std::size_t entries);

  // The gauges, read by the caller when /metrics is asked for.
  struct Gauges {
    std::size_t open_connections = 0;
    std::size_t idle_connections = 0;
    std::size_t connection_limit = 0;
    std::size_t queued_reads = 0;
    std::size_t queued_writes = 0;
    std::size_t queued_entries = 0;      // waiting for the committer
    std::size_t committing_entries = 0;  // in the group commit under way
    std::size_t queued_entries_limit = 0;
    std::uint64_t intake_refusals = 0;      // the commit queue was full (the committer counts)
    std::uint64_t start_snapshot_size = 0;  // Board::StartReport
    std::uint64_t start_reverified_leaves = 0;
  };
  // The whole exposition, counters and `gauges`.
  std::string render(const Gauges& gauges) const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  static void bump(Counter& c) { c.fetch_add(1, std::memory_order_relaxed); }

  std::array<Counter, 600> by_status_{};  // HTTP status → answers
  std::array<Counter, 2> refused_{};
  std::array<Counter, static_cast<std::size_t>(CloseReason::kCount)> closed_{};
  Counter accepted_{0};
  std::array<Counter, kBatchBuckets> batch_le_{};  // cumulative at render time
  Counter batch_count_{0};
  Counter batch_entries_{0};
};

}  // namespace senim::server
