// Group commit (DESIGN.md, "Storage and network"): request handlers
// precheck entries in parallel and hand them here; one thread takes
// everything queued, and Board::commit admits the batch in order, stores it
// in one durable transaction under one new signed head, and only then are
// the batch's requests answered. One fsync and one signature serve a whole
// batch, which is what lets the board keep up with many voters.
#pragma once

#include <condition_variable>
#include <cstddef>
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

  Committer(Board& board, std::size_t max_queued, std::size_t max_batch, OnFatal on_fatal);
  ~Committer();  // stop()s
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues a prechecked entry; `done` is called from the committer thread.
  // False, without calling `done`, when the queue already holds max_queued
  // entries or the committer has stopped: answer 503.
  bool submit(Board::Prechecked entry, Done done);
  // Finishes the batch in progress, fails what is still queued, joins.
  void stop();

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
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool dead_ = false;
  std::thread thread_;
};

}  // namespace senim::server
