#include "server/snapshot_writer.hpp"

#include <algorithm>
#include <filesystem>

namespace senim::server {

namespace {
// Deltas may outgrow a small base by this much before a compaction is due
// (below it, max_deltas decides).
constexpr std::uint64_t kCompactAfterBytes = std::uint64_t{64} << 20;
}  // namespace

SnapshotWriter::SnapshotWriter(Board& board, std::string path, std::chrono::milliseconds interval,
                               std::uint32_t max_deltas, Log log)
    : board_(board),
      path_(std::move(path)),
      interval_(interval),
      max_deltas_(max_deltas),
      log_(std::move(log)),
      chain_(max_deltas == 0 ? std::nullopt : board.take_resumed_chain()) {
  // What a crash while writing left: never read, and not kept.
  std::error_code ignored;
  std::filesystem::remove(path_ + ".tmp", ignored);
  if (chain_)
    written_size_ = board_.start_report().snapshot_size;
  else
    write_base();  // before any commit: the copy of every credential stalls none
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

void SnapshotWriter::write_base() {
  auto snapshot = board_.snapshot_base();
  if (!snapshot)
    return;
  SnapshotChain chain;
  if (auto s = start_board_snapshot_chain(path_, *snapshot, chain); !s) {
    log_("cannot write the restart snapshot (the previous one stays): " + s.error().message);
    return;
  }
  pending_.reset();
  if (max_deltas_ != 0)
    chain_ = std::move(chain);
  const std::lock_guard lock(mutex_);
  written_size_ = snapshot->checkpoint.size;
}

bool SnapshotWriter::compaction_due() const {
  return chain_->deltas >= max_deltas_ ||
         chain_->delta_bytes > std::max(chain_->base_bytes, kCompactAfterBytes);
}

void SnapshotWriter::write_if_grown() {
  if (!chain_) {
    if (board_.size() != written_size())
      write_base();
    return;
  }
  auto delta = board_.snapshot_delta();
  if (!delta)
    return;
  // A delta that could not be written goes out with the next one.
  if (pending_) {
    pending_->append(std::move(*delta));
    delta = std::move(pending_);
    pending_.reset();
  }
  if (delta->checkpoint.size == written_size())
    return;
  if (auto s = append_board_snapshot_delta(path_, *delta, *chain_); !s) {
    log_("cannot write the restart snapshot's delta (the chain before it stays): " +
         s.error().message);
    pending_ = std::move(delta);
    return;
  }
  {
    const std::lock_guard lock(mutex_);
    written_size_ = delta->checkpoint.size;
  }
  if (compaction_due()) {
    if (auto s = compact_board_snapshot(path_, *delta, *chain_); !s)
      log_("cannot compact the restart snapshot (its chain stays): " + s.error().message);
  }
}

}  // namespace senim::server
