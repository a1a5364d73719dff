// Discrete log of a tally m·G for 0 ≤ m ≤ max, by baby-step giant-step
// (docs/protocol.md §4.3). The table holds B = ⌈√(max+1)⌉ baby steps j·G,
// keyed by the first 8 bytes of their encoding; a search takes at most
// ⌈(max+1)/B⌉ giant steps. Memory: B·16 bytes of table plus hash-map overhead
// — about 0.5 MB for max = 10^8 (B = 10,001). Tallies are public: variable time.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "crypto/point.hpp"

namespace senim::crypto {

class DiscreteLog {
 public:
  explicit DiscreteLog(std::uint64_t max);
  // m with m·G == target and m ≤ max, or nullopt.
  std::optional<std::uint64_t> solve(const Point& target) const;
  std::uint64_t max() const { return max_; }
  std::uint64_t baby_steps() const { return baby_steps_; }
  // Approximate heap bytes held by the table.
  std::size_t memory_bytes() const;

 private:
  std::uint64_t max_;
  std::uint64_t baby_steps_;
  Point giant_step_;  // −B·G
  std::unordered_multimap<std::uint64_t, std::uint32_t> table_;
};

}  // namespace senim::crypto
