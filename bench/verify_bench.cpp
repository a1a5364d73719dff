// bench_verify: how fast an observer checks a large election. Makes (once) a
// yes/no referendum record of N ballots with senim-make-record, then times
// the real senim-verify binary on it: wall time, ballots per second and peak
// memory (the child's maximum resident set), the median of several runs.
// Each run's CPU time (user + system, from wait4) gives the CPU cost per
// ballot. Two baselines are measured in the same run: senim-verify on one
// thread (the ratio shows what the second core buys), and the raw-library
// floor of one ballot (raw_floor.hpp: its point decodings, the credential
// signature's included, its challenge hash, one MSM term per point), so
// every figure is also a ratio.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/child_process.hpp"
#include "bench/raw_floor.hpp"

namespace {

struct Run {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system
  long max_rss_kib = 0;
  int status = -1;
};

// Runs argv[0] with its arguments, stdout/stderr to /dev/null; times it.
Run run(const std::vector<std::string>& args) {
  const auto u = senim::bench::run_child(args);
  return {u.wall_s, u.cpu_s, static_cast<long>(u.peak_rss_bytes / 1024), u.status};
}

// The run of median wall time, with the median CPU time of all runs.
Run median(std::vector<Run> runs) {
  std::vector<double> cpu;
  cpu.reserve(runs.size());
  for (const Run& r : runs)
    cpu.push_back(r.cpu_seconds);
  std::sort(cpu.begin(), cpu.end());
  std::sort(runs.begin(), runs.end(),
            [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
  Run m = runs[runs.size() / 2];
  m.cpu_seconds = cpu[cpu.size() / 2];
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_verify: senim-verify on a large referendum record"};
  unsigned ballots = 100'000;
  unsigned runs = 3;
  std::string record;
  std::size_t batch = 0;
  app.add_option("--ballots", ballots, "ballots in the record (one per voter)");
  app.add_option("--batch", batch, "senim-verify --batch (default: senim-verify's own)");
  app.add_option("--runs", runs, "timed runs per configuration (the median is reported)");
  app.add_option("--record", record, "record file (made if missing)");
  std::string compare;
  app.add_option("--compare", compare,
                 "another senim-verify binary (e.g. an older build) measured in the same run, "
                 "runs alternating");
  CLI11_PARSE(app, argc, argv);
  if (record.empty()) {
    record = (std::filesystem::temp_directory_path() /
              ("senim-bench-" + std::to_string(ballots) + ".senim"))
                 .string();
  }

  if (!std::filesystem::exists(record)) {
    std::printf("making %s (%u ballots; encryption is not timed)\n", record.c_str(), ballots);
    std::fflush(stdout);
    const Run made =
        run({SENIM_MAKE_RECORD_BINARY, record, "--voters", std::to_string(ballots), "--threads",
             std::to_string(std::max(1U, std::thread::hardware_concurrency()))});
    if (made.status != 0) {
      std::fprintf(stderr, "senim-make-record failed\n");
      return 1;
    }
    std::printf("made in %.1f s\n", made.seconds);
  }
  const auto size = std::filesystem::file_size(record);

  // One configuration: a binary, its threads, whether it takes --batch.
  struct Config {
    std::string label;
    std::string binary;
    unsigned threads;
    bool pass_batch;
    std::vector<Run> runs;
  };
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  std::vector<Config> configs{{"senim-verify", SENIM_VERIFY_BINARY, 1, true, {}},
                              {"senim-verify", SENIM_VERIFY_BINARY, cores, true, {}}};
  if (!compare.empty()) {
    configs.push_back({"compared", compare, 1, false, {}});
    configs.push_back({"compared", compare, cores, false, {}});
  }
  auto run_once = [&](Config& c) {
    std::vector<std::string> args{c.binary, "-q", "--threads", std::to_string(c.threads), record};
    if (c.pass_batch && batch != 0) {
      args.emplace_back("--batch");
      args.push_back(std::to_string(batch));
    }
    Run r = run(args);
    if (r.status != 0) {
      std::fprintf(stderr, "%s failed (exit %d) on %s\n", c.binary.c_str(), r.status,
                   record.c_str());
      std::exit(1);
    }
    c.runs.push_back(r);
  };
  const std::size_t floor_batch = batch != 0 ? batch : 4096;
  // The floor before and after the verifiers' runs, which alternate between
  // configurations: the machine is shared, so load hits all alike.
  const senim::bench::RawFloor before = senim::bench::measure_raw_floor(record, 5, floor_batch);
  for (unsigned i = 0; i < runs; ++i) {
    for (Config& c : configs)
      run_once(c);
  }
  const senim::bench::RawFloor after = senim::bench::measure_raw_floor(record, 5, floor_batch);
  const double floor_us = std::min(before.per_ballot_us(), after.per_ballot_us());
  std::printf("record                %s (%.1f MB, %u ballots)\n", record.c_str(),
              static_cast<double>(size) / 1e6, ballots);
  std::printf("cores                 %u\n", cores);
  for (const auto* f : {&before, &after}) {
    std::printf(
        "raw floor (%s)   decode %.2f us x %zu, signature hash %.1f us, MSM term %.2f us x %zu "
        "(of %zu): %.1f us per ballot\n",
        f == &before ? "before" : "after ", f->decode_us, f->decodes, f->signature_hash_us,
        f->msm_term_us, f->terms, f->msm_terms, f->per_ballot_us());
  }
  for (const Config& c : configs) {
    const Run r = median(c.runs);
    const double cpu_us = r.cpu_seconds * 1e6 / ballots;
    std::printf(
        "%s, %u thread%s median %.2f s  %.0f ballots/s  CPU %.1f us/ballot "
        "(%.2fx the floor)  peak RSS %.1f MB\n",
        c.label.c_str(), c.threads, c.threads == 1 ? " " : "s", r.seconds, ballots / r.seconds,
        cpu_us, cpu_us / floor_us, static_cast<double>(r.max_rss_kib) / 1024.0);
  }
  for (std::size_t i = 0; i + 1 < configs.size(); i += 2) {
    std::printf("%s: speed-up over 1 thread %.2fx (median of %u runs each)\n",
                configs[i].label.c_str(),
                median(configs[i].runs).seconds / median(configs[i + 1].runs).seconds, runs);
  }
  return 0;
}
