#include "bench/election_phases.hpp"

#include <algorithm>
#include <cstdio>

#include "bench/process_stats.hpp"

namespace senim::bench {
namespace {

double mb(std::uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

// b / a, or 0 when a is too small to divide by meaningfully.
double ratio(double a, double b) {
  return a > 1e-3 ? b / a : 0;
}

}  // namespace

void PhaseCost::add(const ChildUsage& u) {
  cpu_s += u.cpu_s;
  peak_rss_bytes = std::max(peak_rss_bytes, u.peak_rss_bytes);
}

ServerMeter::ServerMeter(pid_t server)
    : pid_(server), cpu_start_(cpu_seconds(server)), reset_(reset_peak_rss(server)) {}

void ServerMeter::finish(PhaseCost& phase) const {
  phase.server_cpu_s = cpu_seconds(pid_) - cpu_start_;
  phase.server_peak_rss_bytes = peak_rss_bytes(pid_);
  if (!reset_)
    phase.note += (phase.note.empty() ? "" : "; ") + std::string("server peak since its start");
}

const PhaseCost* ElectionRun::find(const std::string& name) const {
  for (const PhaseCost& p : phases) {
    if (p.name == name)
      return &p;
  }
  return nullptr;
}

void print_run(const ElectionRun& run) {
  std::printf("\nN = %llu voters (17 districts, 5 trustees, 3 decrypt); load %s → %s\n",
              static_cast<unsigned long long>(run.voters), run.load_before.c_str(),
              run.load_after.c_str());
  std::printf("  %-30s %9s %9s %9s %10s %10s  %s\n", "phase", "wall s", "CPU s", "RSS MB",
              "server CPU", "server RSS", "note");
  for (const PhaseCost& p : run.phases) {
    std::printf("  %-30s %9.2f %9.2f %9.1f %10.2f %10.1f  %s\n", p.name.c_str(), p.wall_s, p.cpu_s,
                mb(p.peak_rss_bytes), p.server_cpu_s, mb(p.server_peak_rss_bytes), p.note.c_str());
  }
  for (const PhaseCost& p : run.phases) {
    std::printf(
        "PHASE n=%llu name=%s wall_s=%.3f cpu_s=%.3f rss_mb=%.1f server_cpu_s=%.3f "
        "server_rss_mb=%.1f note=\"%s\"\n",
        static_cast<unsigned long long>(run.voters), p.name.c_str(), p.wall_s, p.cpu_s,
        mb(p.peak_rss_bytes), p.server_cpu_s, mb(p.server_peak_rss_bytes), p.note.c_str());
  }
  std::fflush(stdout);
}

void print_growth(const std::vector<ElectionRun>& runs) {
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const ElectionRun& a = runs[i - 1];
    const ElectionRun& b = runs[i];
    const double n = ratio(static_cast<double>(a.voters), static_cast<double>(b.voters));
    std::printf(
        "\ngrowth %llu → %llu voters (N × %.1f): wall, CPU (programs + server), RSS, server RSS\n",
        static_cast<unsigned long long>(a.voters), static_cast<unsigned long long>(b.voters), n);
    for (const PhaseCost& q : b.phases) {
      const PhaseCost* p = a.find(q.name);
      if (p == nullptr)
        continue;
      const double wall = ratio(p->wall_s, q.wall_s);
      const double cpu = ratio(p->cpu_s + p->server_cpu_s, q.cpu_s + q.server_cpu_s);
      // CPU, not wall time: on a shared machine wall time is the load's.
      const bool faster = cpu > 1.25 * n;
      std::printf("  %-30s × %6.2f  × %6.2f  × %6.2f  × %6.2f  %s\n", q.name.c_str(), wall, cpu,
                  ratio(mb(p->peak_rss_bytes), mb(q.peak_rss_bytes)),
                  ratio(mb(p->server_peak_rss_bytes), mb(q.server_peak_rss_bytes)),
                  faster ? "FASTER THAN LINEAR" : "");
    }
  }
  std::fflush(stdout);
}

}  // namespace senim::bench
