// Keeps the board's restart snapshot (board_snapshot_chain.hpp) near the
// head of the log: every `interval`, if the log grew since the last one, and
// once more when the server stops cleanly. Each time a delta: what changed
// since, copied under the board's shared lock in time proportional to the
// changes (a commit waits for that copy only), then hashed and written
// durably with no lock held, so that intake never waits for the disk. After
// `max_deltas` deltas, or once they outgrow the base, the chain is compacted
// into a new base off the lock. A start that did not resume a chain writes a
// new base first, before the server listens (docs/api.md, "The restart
// snapshot").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "server/board.hpp"

namespace senim::server {

class SnapshotWriter {
 public:
  using Log = std::function<void(const std::string&)>;
  // An `interval` of 0: only at stop(). A `max_deltas` of 0: every snapshot
  // a whole base (the copy then walks every credential).
  SnapshotWriter(Board& board, std::string path, std::chrono::milliseconds interval,
                 std::uint32_t max_deltas, Log log);
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
  void write_base();
  bool compaction_due() const;

  Board& board_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  const std::uint32_t max_deltas_;
  Log log_;
  // Touched by one thread at a time (the writer's, then stop()'s).
  std::optional<SnapshotChain> chain_;         // nullopt: the next write is a base
  std::optional<BoardSnapshotDelta> pending_;  // taken, not yet written
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::uint64_t written_size_ = 0;
  std::thread thread_;
};

}  // namespace senim::server
