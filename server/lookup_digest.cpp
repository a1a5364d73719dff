#include "server/lookup_digest.hpp"

#include <sodium.h>

namespace senim::server {

void PairDigest::add(ByteView key, std::uint64_t index) {
  Bytes input(key.begin(), key.end());
  append_u64_be(input, index);
  Hash32 h{};
  crypto_hash_sha256(h.data(), input.data(), input.size());
  // sum_ += h as a 256-bit little-endian number, carrying between limbs.
  unsigned carry = 0;
  for (std::size_t limb = 0; limb < sum_.size(); ++limb) {
    std::uint64_t v = 0;
    for (std::size_t b = 0; b < 8; ++b)
      v |= std::uint64_t{h[limb * 8 + b]} << (8 * b);
    const std::uint64_t partial = sum_[limb] + v;
    const unsigned overflow = partial < v ? 1U : 0U;
    sum_[limb] = partial + carry;
    carry = overflow | (sum_[limb] < partial ? 1U : 0U);
  }
  ++count_;
}

std::string PairDigest::describe() const {
  Bytes bytes;
  for (auto it = sum_.rbegin(); it != sum_.rend(); ++it)
    append_u64_be(bytes, *it);
  return std::to_string(count_) + " pairs, digest " + to_hex(bytes);
}

}  // namespace senim::server
