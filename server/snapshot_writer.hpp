// Keeps the board's restart snapshot (board_snapshot.hpp) near the head of
// the log: every `interval`, if the log grew since the last one, and once
// more when the server stops cleanly. On its own thread: the board's state
// is copied under the board's shared lock (a commit waits for the copy, about
// 50 ns a voter), then hashed and written durably with no lock held, so that
// intake never waits for the disk (docs/api.md, "Start-up and recovery").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "server/board.hpp"

namespace senim::server {

class SnapshotWriter {
 public:
  using Log = std::function<void(const std::string&)>;
  // An `interval` of 0: only at stop().
  SnapshotWriter(Board& board, std::string path, std::chrono::milliseconds interval, Log log);
  ~SnapshotWriter();  // stop()s
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Joins the thread, then writes a last snapshot if the log grew. Call
  // after the committer stopped (so that it covers every stored entry).
  void stop();
  // The size of the last snapshot written (0: none yet).
  std::uint64_t written_size() const;

 private:
  void run();
  // Writes one if the log grew; failures are logged (the previous snapshot
  // stays, whole) and tried again next time.
  void write_if_grown();

  Board& board_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  Log log_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::uint64_t written_size_ = 0;
  std::thread thread_;
};

}  // namespace senim::server
