// The phases of bench_election and what each cost: wall time, the CPU of
// the programs it ran (clients, replicas, verifier) and of the server, and
// the peak resident set of each. Printed as a table, one machine-readable
// line per phase, and, over several N, each phase's growth against N's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/child_process.hpp"

namespace senim::bench {

struct PhaseCost {
  std::string name;
  double wall_s = 0;
  double cpu_s = 0;                  // the programs the phase ran (not the server)
  std::uint64_t peak_rss_bytes = 0;  // the largest of theirs
  double server_cpu_s = 0;
  std::uint64_t server_peak_rss_bytes = 0;  // during the phase (0: no server ran)
  std::string note;                         // e.g. "3,012 ballots/s"
  void add(const ChildUsage& u);            // one more program of the phase
};

// Measures the server (by its pid) over one phase: its CPU, and its peak
// RSS from the phase's start (VmHWM after clear_refs; if the kernel refuses
// the reset, since the server started, said in the note).
class ServerMeter {
 public:
  explicit ServerMeter(pid_t server);
  // Fills the server's columns of `phase`.
  void finish(PhaseCost& phase) const;

 private:
  pid_t pid_;
  double cpu_start_;
  bool reset_;
};

struct ElectionRun {
  std::uint64_t voters = 0;
  std::string load_before, load_after;  // /proc/loadavg
  std::vector<PhaseCost> phases;
  const PhaseCost* find(const std::string& name) const;
};

// The table, then "PHASE n=… name=… wall_s=… …" lines.
void print_run(const ElectionRun& run);
// Each phase's growth in wall time, CPU and peak RSS between consecutive
// runs, beside N's; a phase whose CPU (its programs' and the server's)
// grows more than 1.25× faster than N is flagged "FASTER THAN LINEAR".
void print_growth(const std::vector<ElectionRun>& runs);

}  // namespace senim::bench
