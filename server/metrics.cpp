#include "server/metrics.hpp"

#include <sstream>

namespace senim::server {

const char* close_reason_name(CloseReason r) {
  switch (r) {
    case CloseReason::idle_timeout:
      return "idle_timeout";
    case CloseReason::evicted:
      return "evicted";
    case CloseReason::request_timeout:
      return "request_timeout";
    case CloseReason::response_timeout:
      return "response_timeout";
    case CloseReason::kCount:
      break;
  }
  return "unknown";
}

void Metrics::request_answered(unsigned status) {
  if (status < by_status_.size())
    bump(by_status_[status]);
}

void Metrics::group_commit(std::size_t entries) {
  std::size_t bucket = 0;
  while (bucket < kBatchBuckets && (std::size_t{1} << bucket) < entries)
    ++bucket;
  if (bucket < kBatchBuckets)
    bump(batch_le_[bucket]);
  bump(batch_count_);
  batch_entries_.fetch_add(entries, std::memory_order_relaxed);
}

namespace {

// One metric family: its HELP and TYPE lines.
void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

std::string Metrics::render(const Gauges& g) const {
  std::ostringstream out;
  family(out, "senim_http_requests_total", "counter", "Requests answered, by HTTP status.");
  for (std::size_t status = 100; status < by_status_.size(); ++status) {
    const std::uint64_t n = by_status_[status].load(std::memory_order_relaxed);
    if (n != 0)
      out << "senim_http_requests_total{code=\"" << status << "\"} " << n << '\n';
  }
  family(out, "senim_overloaded_requests_total", "counter",
         "Requests answered 503 without being handled, by reason.");
  out << "senim_overloaded_requests_total{reason=\"intake_queue\"} " << g.intake_refusals << '\n';
  family(out, "senim_queue_depth", "gauge", "Requests or entries waiting, by queue.");
  out << "senim_queue_depth{queue=\"reads\"} " << g.queued_reads << '\n'
      << "senim_queue_depth{queue=\"writes\"} " << g.queued_writes << '\n'
      << "senim_queue_depth{queue=\"commit\"} " << g.queued_entries << '\n';
  family(out, "senim_queue_limit", "gauge", "The most entries the commit queue holds.");
  out << "senim_queue_limit{queue=\"commit\"} " << g.queued_entries_limit << '\n';
  family(out, "senim_group_commit_entries", "histogram",
         "Entries stored per group commit (one fsync and one signed tree head each).");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBatchBuckets; ++i) {
    cumulative += batch_le_[i].load(std::memory_order_relaxed);
    out << "senim_group_commit_entries_bucket{le=\"" << (std::size_t{1} << i) << "\"} "
        << cumulative << '\n';
  }
  const std::uint64_t commits = batch_count_.load(std::memory_order_relaxed);
  out << "senim_group_commit_entries_bucket{le=\"+Inf\"} " << commits << '\n'
      << "senim_group_commit_entries_sum " << batch_entries_.load(std::memory_order_relaxed) << '\n'
      << "senim_group_commit_entries_count " << commits << '\n';
  family(out, "senim_group_commit_in_progress_entries", "gauge",
         "Entries in the group commit under way (0: none).");
  out << "senim_group_commit_in_progress_entries " << g.committing_entries << '\n';
  family(out, "senim_open_connections", "gauge", "Connections admitted and not yet closed.");
  out << "senim_open_connections " << g.open_connections << '\n';
  family(out, "senim_idle_connections", "gauge",
         "Open connections waiting for a request (evictable at the cap).");
  out << "senim_idle_connections " << g.idle_connections << '\n';
  family(out, "senim_connection_limit", "gauge", "The most connections open at once.");
  out << "senim_connection_limit " << g.connection_limit << '\n';
  family(out, "senim_accepted_connections_total", "counter", "Connections admitted.");
  out << "senim_accepted_connections_total " << accepted_.load(std::memory_order_relaxed) << '\n';
  family(out, "senim_refused_connections_total", "counter",
         "Connections refused at accept, before any byte was read, by reason.");
  for (std::size_t i = 0; i < refused_.size(); ++i) {
    out << "senim_refused_connections_total{reason=\"" << refusal_name(static_cast<Refusal>(i))
        << "\"} " << refused_[i].load(std::memory_order_relaxed) << '\n';
  }
  family(out, "senim_closed_connections_total", "counter",
         "Admitted connections the server closed on its own, by reason.");
  for (std::size_t i = 0; i < closed_.size(); ++i) {
    out << "senim_closed_connections_total{reason=\""
        << close_reason_name(static_cast<CloseReason>(i)) << "\"} "
        << closed_[i].load(std::memory_order_relaxed) << '\n';
  }
  family(out, "senim_start_snapshot_leaves", "gauge",
         "Leaves restored from the restart snapshot at start, not re-verified (0: a full start).");
  out << "senim_start_snapshot_leaves " << g.start_snapshot_size << '\n';
  family(out, "senim_start_reverified_leaves", "gauge",
         "Leaves re-verified at start, every rule and proof.");
  out << "senim_start_reverified_leaves " << g.start_reverified_leaves << '\n';
  return out.str();
}

}  // namespace senim::server
