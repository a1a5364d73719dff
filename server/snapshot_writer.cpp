#include "server/snapshot_writer.hpp"

namespace senim::server {

SnapshotWriter::SnapshotWriter(Board& board, std::string path, std::chrono::milliseconds interval,
                               Log log)
    : board_(board), path_(std::move(path)), interval_(interval), log_(std::move(log)) {
  thread_ = std::thread([this] { run(); });
}

SnapshotWriter::~SnapshotWriter() {
  stop();
}

void SnapshotWriter::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopped_)
      return;
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
  write_if_grown();
}

std::uint64_t SnapshotWriter::written_size() const {
  const std::lock_guard lock(mutex_);
  return written_size_;
}

void SnapshotWriter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // An interval of 0: only the last snapshot, at stop().
    if (interval_.count() == 0)
      wake_.wait(lock, [this] { return stopping_; });
    else if (wake_.wait_for(lock, interval_, [this] { return stopping_; }))
      break;
    if (stopping_)
      break;
    lock.unlock();
    write_if_grown();
    lock.lock();
  }
}

void SnapshotWriter::write_if_grown() {
  auto snapshot = board_.snapshot();
  if (!snapshot || snapshot->checkpoint.size == written_size())
    return;
  if (auto s = write_board_snapshot(path_, *snapshot); !s) {
    log_("cannot write the restart snapshot (the previous one stays): " + s.error().message);
    return;
  }
  const std::lock_guard lock(mutex_);
  written_size_ = snapshot->checkpoint.size;
}

}  // namespace senim::server
