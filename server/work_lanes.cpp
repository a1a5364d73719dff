#include "server/work_lanes.hpp"

#include <algorithm>
#include <utility>

namespace senim::server {

WorkLanes::WorkLanes(unsigned threads, unsigned writes_per_read)
    : writes_per_read_(std::max(1U, writes_per_read)) {
  for (unsigned i = 0; i < std::max(1U, threads); ++i)
    workers_.emplace_back([this] { work(); });
}

WorkLanes::~WorkLanes() {
  stop();
}

bool WorkLanes::submit(Lane lane, Job job) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_)
      return false;
    (lane == Lane::write ? writes_ : reads_).push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkLanes::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable())
      t.join();
  }
}

std::size_t WorkLanes::queued(Lane lane) const {
  const std::lock_guard lock(mutex_);
  return lane == Lane::write ? writes_.size() : reads_.size();
}

WorkLanes::Job WorkLanes::take() {
  // Writes first, but after writes_per_read_ writes in a row a waiting read
  // goes next.
  const bool read_turn = writes_in_a_row_ >= writes_per_read_ && !reads_.empty();
  std::deque<Job>& lane = (!writes_.empty() && !read_turn) ? writes_ : reads_;
  writes_in_a_row_ = &lane == &writes_ ? writes_in_a_row_ + 1 : 0;
  Job job = std::move(lane.front());
  lane.pop_front();
  return job;
}

void WorkLanes::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !writes_.empty() || !reads_.empty(); });
      if (writes_.empty() && reads_.empty())
        return;  // stopping, and nothing left
      job = take();
    }
    job();
  }
}

}  // namespace senim::server
