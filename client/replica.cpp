#include "client/replica.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

namespace senim::client {

constexpr std::uint64_t kPage = 1000;

Replica::Replica()
    : entries_(std::make_unique<std::vector<Bytes>>()),
      state_(std::make_unique<protocol::ElectionState>(
          [entries = entries_.get()](std::uint64_t leaf) -> Expected<Bytes> {
            if (leaf >= entries->size())
              return make_error(Errc::not_found, "no such entry");
            return (*entries)[leaf];
          },
          nullptr)) {}

namespace {

// A line on stderr every 2 s of a long sync: how far, and how fast.
class SyncProgress {
 public:
  SyncProgress() : start_(Clock::now()), last_(start_) {}
  void show(std::uint64_t checked, std::uint64_t from, BoardClient& board) {
    const auto now = Clock::now();
    if (now - last_ < std::chrono::seconds(2))
      return;
    last_ = now;
    auto info = board.info();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::cerr << "checking the board: " << checked << "/"
              << (info ? std::to_string(info->tree_size()) : std::string("?")) << " entries, "
              << static_cast<std::uint64_t>(static_cast<double>(checked - from) / seconds)
              << " entries/s\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
  Clock::time_point last_;
};

}  // namespace

Status Replica::sync(BoardClient& board,
                     const std::function<bool(const protocol::ParsedEntry&)>& stop) {
  SyncProgress progress;
  const std::uint64_t from = entries_->size();
  while (true) {
    progress.show(entries_->size(), from, board);
    auto page = board.entries(entries_->size(), kPage);
    if (!page)
      return page.error();
    if (page->empty())
      return Status::success();
    // Once voting is open, precheck (signatures and proofs: the costly part)
    // runs on every core; admitting stays in log order. With a `stop`, a page
    // is checked a few entries per core at a time, so that a voter who only
    // needs the set-up does not check a page of other voters' ballots.
    const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t batch = stop ? std::size_t{4} * threads : page->size();
    std::vector<std::optional<Expected<protocol::ElectionState::Prechecked>>> prechecked(
        page->size());
    auto precheck_batch = [&](std::size_t begin) {
      const std::size_t end = std::min(page->size(), begin + batch);
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          for (std::size_t i = begin + t; i < end; i += threads)
            prechecked[i].emplace(state_->precheck((*page)[i]));
        });
      }
      for (auto& th : pool)
        th.join();
    };
    for (std::size_t i = 0; i < page->size(); ++i) {
      if (i % batch == 0 && state_->parameters())
        precheck_batch(i);
      Bytes& entry = (*page)[i];
      const std::uint64_t leaf = entries_->size();
      auto pre = prechecked[i] ? std::move(*prechecked[i]) : state_->precheck(entry);
      if (!pre) {
        return make_error(pre.error().code, "the board serves entry " + std::to_string(leaf) +
                                                " which does not check: " + pre.error().message);
      }
      if (auto s = state_->admit(*pre, leaf); !s) {
        return make_error(s.error().code, "the board serves entry " + std::to_string(leaf) +
                                              " which does not check: " + s.error().message);
      }
      entries_->push_back(std::move(entry));
      if (stop && stop(pre->parsed))
        return Status::success();
    }
  }
}

}  // namespace senim::client
