// The shared budget for the excess of large request bodies (limits.hpp,
// kAlwaysAdmittedBodyBytes and kLargeBodyBudgetBytes): a body's first
// kAlwaysAdmittedBodyBytes are always read; anything beyond is reserved here
// before it is read, and given back when the request has been answered.
#pragma once

#include <atomic>
#include <cstddef>

namespace senim::server {

class BodyBudget {
 public:
  BodyBudget(std::size_t always_admitted, std::size_t shared)
      : always_admitted_(always_admitted), shared_(shared) {}

  // What a body of `size` bytes holds of the budget until it is dropped.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(BodyBudget* budget, std::size_t bytes) : budget_(budget), bytes_(bytes) {}
    Reservation(Reservation&& o) noexcept : budget_(o.budget_), bytes_(o.bytes_) { o.bytes_ = 0; }
    Reservation& operator=(Reservation&& o) noexcept {
      if (this != &o) {
        release();
        budget_ = o.budget_;
        bytes_ = o.bytes_;
        o.bytes_ = 0;
      }
      return *this;
    }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation() { release(); }
    void release() {
      if (bytes_ != 0)
        budget_->in_use_.fetch_sub(bytes_);
      bytes_ = 0;
    }

   private:
    BodyBudget* budget_ = nullptr;
    std::size_t bytes_ = 0;
  };

  // True, with the reservation, if a body of `size` bytes may be read now.
  bool reserve(std::size_t size, Reservation& out) {
    if (size <= always_admitted_) {
      out = Reservation();
      return true;
    }
    const std::size_t excess = size - always_admitted_;
    std::size_t used = in_use_.load();
    do {
      if (used + excess > shared_)
        return false;
    } while (!in_use_.compare_exchange_weak(used, used + excess));
    out = Reservation(this, excess);
    return true;
  }

  std::size_t in_use() const { return in_use_.load(); }
  std::size_t shared() const { return shared_; }

 private:
  const std::size_t always_admitted_;
  const std::size_t shared_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace senim::server
