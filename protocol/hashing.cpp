#include "protocol/hashing.hpp"

#include <array>

namespace senim::protocol {

TaggedHash::TaggedHash(std::string_view tag) {
  crypto_hash_sha256_init(&state_);
  prefixed(as_bytes(tag));
}

TaggedHash& TaggedHash::raw(ByteView bytes) {
  crypto_hash_sha256_update(&state_, bytes.data(), bytes.size());
  return *this;
}

TaggedHash& TaggedHash::prefixed(ByteView bytes) {
  const auto n = static_cast<std::uint32_t>(bytes.size());
  const std::array<std::uint8_t, 4> length{
      static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
      static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  raw(length);
  return raw(bytes);
}

Hash32 TaggedHash::finish() {
  Hash32 out{};
  crypto_hash_sha256_final(&state_, out.data());
  return out;
}

}  // namespace senim::protocol
