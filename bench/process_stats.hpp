// What bench_attack reads about a process and the machine (Linux /proc).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace senim::bench {

// Resets the process's peak resident set size (writes 5 to
// /proc/PID/clear_refs; Linux ≥ 4.0, needs the right to do so); false if
// that failed.
bool reset_peak_rss(pid_t pid);
// VmHWM (peak RSS since start or the last reset) and VmRSS, in bytes.
std::uint64_t peak_rss_bytes(pid_t pid);
std::uint64_t rss_bytes(pid_t pid);
// User + system CPU seconds the process has used.
double cpu_seconds(pid_t pid);
// /proc/loadavg's first three fields, "1.23 0.98 0.75".
std::string load_average();
// The kernel's counters (of this network namespace, every process in it)
// that say whether connections waited for a retransmitted SYN: the accept
// queue overflowed (ListenOverflows, ListenDrops) and SYNs retransmitted
// (TCPSynRetrans), from /proc/net/netstat's TcpExt lines.
std::map<std::string, std::uint64_t> tcp_counters();

}  // namespace senim::bench
