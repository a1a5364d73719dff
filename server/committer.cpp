#include "server/committer.hpp"

#include <utility>
#include <vector>

namespace senim::server {

Committer::Committer(Board& board, std::size_t max_queued, std::size_t max_batch, OnFatal on_fatal,
                     OnBatch on_batch)
    : board_(board),
      max_queued_(max_queued),
      max_batch_(max_batch),
      on_fatal_(std::move(on_fatal)),
      on_batch_(std::move(on_batch)),
      thread_([this] { run(); }) {}

Committer::~Committer() {
  stop();
}

bool Committer::submit(Board::Prechecked entry, Done done) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || dead_)
      return false;
    if (queue_.size() >= max_queued_) {
      refused_.fetch_add(1);
      return false;
    }
    queue_.push_back(Item{std::move(entry), std::move(done)});
  }
  wake_.notify_one();
  return true;
}

void Committer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable())
    thread_.join();
}

std::size_t Committer::queued() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void Committer::run() {
  for (;;) {
    std::vector<Item> items;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ || dead_)
        break;
      // Everything queued so far, up to one batch: entries that arrived
      // during the previous fsync share the next one.
      while (!queue_.empty() && items.size() < max_batch_) {
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Board::Prechecked> entries;
    entries.reserve(items.size());
    for (Item& item : items)
      entries.push_back(std::move(item.entry));
    committing_ = entries.size();
    auto outcomes = board_.commit(std::move(entries));
    committing_ = 0;
    if (!outcomes) {
      // Never answer success for a batch that is not durably stored.
      for (Item& item : items)
        item.done(outcomes.error());
      {
        const std::lock_guard lock(mutex_);
        dead_ = true;
      }
      if (on_fatal_)
        on_fatal_(outcomes.error());
      break;
    }
    if (on_batch_)
      on_batch_(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
      items[i].done(std::move((*outcomes)[i]));
  }
  // Entries still queued at shutdown were never admitted: say so.
  std::deque<Item> left;
  {
    const std::lock_guard lock(mutex_);
    left.swap(queue_);
  }
  for (Item& item : left) {
    item.done(make_error(Errc::io_error, "the server is shutting down; the entry was not stored"));
  }
}

}  // namespace senim::server
