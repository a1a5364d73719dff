#include "bench/honest_voters.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "bench/child_process.hpp"

namespace senim::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One run of `senim vote --credential FILE --choose …`, its stderr kept in
// FILE.err.
VoteResult vote_once(const std::string& senim, const std::string& credential) {
  std::vector<std::string> args{senim,
                                "vote",
                                "--yes",
                                "--credential",
                                credential,
                                "--choose",
                                "referendum=yes",
                                "--choose",
                                "council=candidate-1,candidate-4"};
  VoteResult r;
  const std::string err = credential + ".err";
  try {
    const ChildUsage u = run_child(args, "/dev/null", err);
    r.seconds = u.wall_s;
    r.status = u.status;
  } catch (const std::runtime_error&) {
    r.error = "posix_spawn failed";
    return r;
  }
  if (r.status != 0)
    r.error = file_text(err);
  return r;
}

}  // namespace

std::vector<VoteResult> vote_for(const std::string& senim_binary,
                                 const std::vector<std::string>& credentials, std::size_t& next,
                                 double per_second, std::chrono::duration<double> seconds,
                                 unsigned max_parallel) {
  std::mutex mutex;
  std::vector<VoteResult> results;
  std::vector<std::thread> voters;
  std::atomic<unsigned> running{0};
  const auto start = Clock::now();
  const auto period = std::chrono::duration<double>(1.0 / per_second);
  for (std::size_t n = 0;; ++n) {
    const auto at = start + std::chrono::duration_cast<Clock::duration>(period * n);
    if (at - start >= seconds || next >= credentials.size())
      break;
    std::this_thread::sleep_until(at);
    while (running >= max_parallel)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ++running;
    voters.emplace_back([&, credential = credentials[next++]] {
      VoteResult r = vote_once(senim_binary, credential);
      const std::lock_guard lock(mutex);
      results.push_back(std::move(r));
      --running;
    });
  }
  for (auto& t : voters)
    t.join();
  return results;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace senim::bench
