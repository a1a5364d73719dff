// How the board pushes checkpoints to its witnesses (witness_pusher.hpp;
// docs/api.md, "Witnesses"), each value with its reason.
#pragma once

#include <chrono>

namespace senim::server {

struct PushOptions {
  // At most one add-checkpoint per witness this often: a witness cosigns a
  // subsequence of the checkpoints, and a quorum one checkpoint a second.
  std::chrono::milliseconds interval{1000};
  // Connecting, sending and answering, each: a witness that takes longer is
  // treated as down, and only its own thread waits. A senim witness answers
  // after checking every new entry (docs/protocol.md §14.3), which after a
  // stop of hours is minutes of ballots: long enough for that, so that a
  // catch-up is not cut off and restarted forever (senim-server
  // --witness-timeout).
  std::chrono::milliseconds timeout{60000};
  // Retries after a failure: 1 s, doubling, at most a minute apart.
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  // Cosignatures no commit stored are stored after this much quiet, so that
  // storing them never adds a transaction beside a busy commit path.
  std::chrono::milliseconds quiet{2000};
};

}  // namespace senim::server
