// Timing for the benchmarks that are programs, not Google Benchmark
// (bench_ingest, bench_tiles): percentiles of per-call latencies.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace senim::bench {

using Clock = std::chrono::steady_clock;

inline double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// The p-quantile (0 ≤ p ≤ 1) of `v`, nearest rank below; 0 if empty.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

struct Timings {
  double p50_us = 0;
  double p99_us = 0;
  std::size_t failures = 0;
};

// Calls `op(run)` for run = 0 … runs − 1, one after the other, timing each
// call. `op` returns false for a failed call, which is counted and left out
// of the percentiles.
template <class Op>
Timings time_each(std::size_t runs, Op&& op) {
  std::vector<double> us;
  us.reserve(runs);
  Timings t;
  for (std::size_t run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    const bool ok = op(run);
    const double took = micros(Clock::now() - start);
    if (ok)
      us.push_back(took);
    else
      ++t.failures;
  }
  t.p50_us = percentile(us, 0.50);
  t.p99_us = percentile(us, 0.99);
  return t;
}

}  // namespace senim::bench
