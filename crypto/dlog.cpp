#include "crypto/dlog.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace senim::crypto {
namespace {

std::uint64_t key_of(const Point::Encoding& enc) {
  std::uint64_t key = 0;
  std::memcpy(&key, enc.data(), sizeof key);
  return key;
}

}  // namespace

DiscreteLog::DiscreteLog(std::uint64_t max) : max_(max) {
  if (max >= (static_cast<std::uint64_t>(1) << 52)) {
    throw std::invalid_argument("DiscreteLog: max must be below 2^52");
  }
  auto b = static_cast<std::uint64_t>(std::ceil(std::sqrt(static_cast<double>(max) + 1.0)));
  if (b == 0)
    b = 1;
  baby_steps_ = b;
  table_.reserve(static_cast<std::size_t>(b));
  Point step;  // j·G
  const Point g = Point::generator();
  for (std::uint64_t j = 0; j < b; ++j) {
    table_.emplace(key_of(step.encode()), static_cast<std::uint32_t>(j));
    step += g;
  }
  giant_step_ = -step;  // step is now B·G
}

std::optional<std::uint64_t> DiscreteLog::solve(const Point& target) const {
  // target = (i·B + j)·G  ⇔  target − i·B·G = j·G.
  Point current = target;
  const std::uint64_t giant_count = max_ / baby_steps_ + 1;
  for (std::uint64_t i = 0; i < giant_count; ++i) {
    const Point::Encoding enc = current.encode();
    auto [first, last] = table_.equal_range(key_of(enc));
    for (auto it = first; it != last; ++it) {
      const std::uint64_t m = i * baby_steps_ + it->second;
      // The 8-byte key can collide; confirm on the full point.
      if (m <= max_ && Point::mul_generator(Scalar::from_u64(m)) == target)
        return m;
    }
    current += giant_step_;
  }
  return std::nullopt;
}

std::size_t DiscreteLog::memory_bytes() const {
  // Node: key + value + next pointer + hash, plus one bucket pointer per entry.
  constexpr std::size_t kPerEntry =
      sizeof(std::uint64_t) + sizeof(std::uint32_t) + 2 * sizeof(void*) + sizeof(std::size_t);
  return table_.size() * kPerEntry + table_.bucket_count() * sizeof(void*);
}

}  // namespace senim::crypto
