// The board pushes its checkpoints to the election's witnesses
// (docs/protocol.md §11.4, docs/api.md "Witnesses"): tlog-witness's
// add-checkpoint, for every policy witness with a submission prefix, each
// on its own thread, never from the commit path.
//
// Rounds: at most once per `interval`, when the board has a checkpoint the
// last round did not, a round takes the latest one; every witness that is
// free pushes that same checkpoint (so that a quorum can cosign one size),
// and a witness still busy or backing off takes the round current when it
// is ready, and at most once per `interval` counted from its last push's
// start. Nothing queues: memory is one checkpoint per witness. A witness
// that fails is retried after 1 s, 2 s, … up to `max_backoff`; each request
// has `timeout` for connecting, sending and answering.
//
// The manager thread also stores the cosignatures no commit took
// (Board::store_pending_cosignatures), once the board has been quiet for a
// while, and at stop().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "protocol/board_checkpoint.hpp"
#include "server/board.hpp"
#include "server/push_options.hpp"

namespace senim::server {

// What one witness's pushes have done (for tests and the log).
struct WitnessProgress {
  std::string name;
  std::uint64_t cosigned_size = 0;  // the largest size it cosigned for this board
  std::uint64_t pushes = 0;         // requests answered 200
  std::uint64_t failures = 0;       // requests that failed
  std::string last_error;           // empty while it works
};

class WitnessPusher {
 public:
  // `log` gets one line per change of a witness's state.
  WitnessPusher(Board& board, PushOptions options, std::function<void(const std::string&)> log);
  ~WitnessPusher();  // stop()
  WitnessPusher(const WitnessPusher&) = delete;
  WitnessPusher& operator=(const WitnessPusher&) = delete;

  // A new checkpoint was published (Board's listener: quick, never blocks).
  void notify();
  // Stops and joins every thread (in-flight requests end within `timeout`),
  // then stores what cosignatures are left.
  void stop();
  std::vector<WitnessProgress> progress() const;

 private:
  struct Witness;
  struct Round {
    std::uint64_t number = 0;
    std::optional<protocol::BoardCheckpoint> checkpoint;
  };

  void manage();
  // Never under mutex_ (it asks the board; lock order: board, then mutex_).
  void start_witnesses(const tlog::Policy& policy);
  void serve(Witness& witness);
  // One push of `checkpoint`, with the 409 retry; an error says why it failed.
  Status push(Witness& witness, const protocol::BoardCheckpoint& checkpoint);
  Status post(Witness& witness, const protocol::BoardCheckpoint& checkpoint, bool& retry);
  void note_outcome(Witness& witness, const Status& outcome, std::uint64_t size,
                    std::chrono::steady_clock::time_point started);

  Board& board_;
  PushOptions options_;
  std::function<void(const std::string&)> log_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;           // the manager: a new checkpoint, or stop
  std::condition_variable round_changed_;  // the witnesses
  std::uint64_t published_ = 0;            // notify() calls
  Round round_;
  std::chrono::steady_clock::time_point round_started_{};
  bool stopping_ = false;
  std::vector<std::unique_ptr<Witness>> witnesses_;
  std::thread manager_;
};

}  // namespace senim::server
