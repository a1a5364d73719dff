// Honest voters for bench_attack: each is one run of the real `senim vote`
// binary with its own credential file, exactly as a voter would run it
// (docs/voter-guide.md): it checks the set-up on the board, encrypts, posts
// and verifies its receipt. The time to a receipt is the run's wall time,
// from the start of the process to its exit with the receipt saved.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace senim::bench {

struct VoteResult {
  double seconds = 0;  // wall time of `senim vote`
  int status = -1;     // its exit status (0: receipted)
  std::string error;   // what it printed on stderr, if it failed
};

// Starts one `senim vote` every 1/per_second s for `seconds` (at most
// `max_parallel` at once), each with the next of `credentials` from
// `next`; waits for all to finish. `next` advances by the number started.
std::vector<VoteResult> vote_for(const std::string& senim_binary,
                                 const std::vector<std::string>& credentials, std::size_t& next,
                                 double per_second, std::chrono::duration<double> seconds,
                                 unsigned max_parallel);

double percentile(std::vector<double> values, double p);

}  // namespace senim::bench
