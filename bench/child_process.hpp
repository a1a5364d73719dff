// Running a real senim binary from a benchmark, and what it cost: wall time,
// user + system CPU and peak resident set (wait4's rusage). One helper for
// every benchmark that times the real binaries (bench_election,
// bench_replica, bench_vote, bench_credentials, bench_verify).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace senim::bench {

struct ChildUsage {
  double wall_s = 0;
  double cpu_s = 0;                  // user + system, the child's and its waited-for children's
  std::uint64_t peak_rss_bytes = 0;  // ru_maxrss
  int status = -1;                   // exit status, or 128 + the signal that ended it
};

// A child started with posix_spawn, stdin from /dev/null, stdout and
// stderr to files ("/dev/null" to drop them).
//
// Its peak RSS: wait4's ru_maxrss is not enough, because Linux carries the
// spawning process's high-water mark over exec (posix_spawn's child shares
// the parent's memory until it execs), so a child of a large benchmark
// would report the benchmark's size. ru_maxrss is the child's own peak only
// when it exceeds the parent's peak at the spawn; otherwise the peak is the
// child's VmHWM (/proc/PID/status, its own memory since exec) read every
// 10 ms while it runs: at most 10 ms before its exit short.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& out_path,
        const std::string& err_path);
  ~Child();  // SIGKILL and reap if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` (if still running), then waits; what it cost.
  ChildUsage stop(int signal);
  // Waits for it to exit; what it cost.
  ChildUsage wait();

 private:
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t parent_peak_ = 0;
  std::atomic<std::uint64_t> polled_peak_{0};
  std::atomic<bool> exited_{false};
  std::thread poller_;
};

// Runs `argv` to the end; what it cost.
ChildUsage run_child(const std::vector<std::string>& argv,
                     const std::string& out_path = "/dev/null",
                     const std::string& err_path = "/dev/null");

// The same, throwing with `argv` and the end of `err_path` if it did not
// exit 0.
ChildUsage run_child_ok(const std::vector<std::string>& argv,
                        const std::string& out_path = "/dev/null",
                        const std::string& err_path = "/dev/null");

// "senim admin close --key k" splits on spaces (no quoting: paths without
// spaces only, as the benchmarks make them).
std::vector<std::string> words(const std::string& program, const std::string& args);

// A file's whole text ("" if unreadable).
std::string file_text(const std::string& path);

}  // namespace senim::bench
