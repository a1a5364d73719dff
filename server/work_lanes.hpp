// Fair service (limits.hpp, kWritesPerRead): the API's work runs on worker
// threads fed by two lanes, writes (POST: entries, whose signature and proof
// checks are the costly part) and reads (GET). The I/O threads only move
// bytes, so a flood of requests of one kind cannot stall the sockets, and
// when both lanes have work a worker takes kWritesPerRead writes for each
// read: ballots are not starved by reads, and voters' reads (which come
// before every ballot) are not starved by writes.
//
// No lane needs a bound: a connection has at most one request in the server
// at a time, so a lane never holds more than the open connections.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace senim::server {

enum class Lane { write, read };

class WorkLanes {
 public:
  using Job = std::function<void()>;

  WorkLanes(unsigned threads, unsigned writes_per_read);
  ~WorkLanes();  // stop()s
  WorkLanes(const WorkLanes&) = delete;
  WorkLanes& operator=(const WorkLanes&) = delete;

  // Queues `job`; false (job dropped) once stopping.
  bool submit(Lane lane, Job job);
  // Takes no more jobs, finishes the queued ones, joins the workers.
  void stop();

  std::size_t queued(Lane lane) const;

 private:
  void work();
  // Under mutex_: the next job, honouring the write/read ratio.
  Job take();

  const unsigned writes_per_read_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> writes_;
  std::deque<Job> reads_;
  unsigned writes_in_a_row_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace senim::server
