#include "protocol/voting_parameters.hpp"

namespace senim::protocol {

crypto::Point mul_small_vartime(const crypto::Point& p, std::uint32_t k) {
  crypto::Point acc;
  for (int bit = 31; bit >= 0; --bit) {
    acc = acc.doubled();
    if (((k >> bit) & 1U) != 0)
      acc += p;
  }
  return acc;
}

}  // namespace senim::protocol
