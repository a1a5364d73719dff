// Group commit (DESIGN.md, "Storage and network"): request handlers
// precheck entries in parallel and hand them here; one thread takes
// everything queued, and Board::commit admits the batch in order, stores it
// in one durable transaction under one new signed head, and only then are
// the batch's requests answered. One fsync and one signature serve a whole
// batch, which is what lets the board keep up with many voters.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "server/board.hpp"

namespace senim::server {

class Committer {
 public:
  // A receipt, or why this entry was refused.
  using Done = std::function<void(Expected<v1::Receipt>)>;
  // Called once, from the committer thread, if storage fails: the board is
  // dead and the server should exit (a restart recovers from storage).
  using OnFatal = std::function<void(const Error&)>;
  // Called from the committer thread after each group commit, with the
  // number of entries it stored (for the metrics).
  using OnBatch = std::function<void(std::size_t)>;

  Committer(Board& board, std::size_t max_queued, std::size_t max_batch, OnFatal on_fatal,
            OnBatch on_batch = {});
  ~Committer();  // stop()s
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues a prechecked entry; `done` is called from the committer thread.
  // False, without calling `done`, when the queue already holds max_queued
  // entries or the committer has stopped: answer 503.
  bool submit(Board::Prechecked entry, Done done);
  // Finishes the batch in progress, fails what is still queued, joins.
  void stop();

  // For the metrics: entries waiting now, entries of the batch being
  // committed, the queue's bound, and how many submit() refused because the
  // queue was full.
  std::size_t queued() const;
  std::size_t committing() const { return committing_.load(); }
  std::size_t max_queued() const { return max_queued_; }
  std::uint64_t refused() const { return refused_.load(); }

 private:
  struct Item {
    Board::Prechecked entry;
    Done done;
  };
  void run();

  Board& board_;
  const std::size_t max_queued_;
  const std::size_t max_batch_;
  OnFatal on_fatal_;
  OnBatch on_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool dead_ = false;
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<std::size_t> committing_{0};
  std::thread thread_;
};

}  // namespace senim::server
