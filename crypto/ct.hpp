// Constant-time helpers on small integers that may be secret (a vote).
#pragma once

#include <cstdint>

namespace senim::crypto {

// 1 if a == b, else 0, without a data-dependent branch.
inline std::uint64_t ct_eq_u64(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t x = a ^ b;
  // (x | -x) has its top bit set iff x != 0.
  return ((x | (~x + 1)) >> 63) ^ 1;
}

}  // namespace senim::crypto
