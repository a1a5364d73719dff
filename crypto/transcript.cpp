#include "crypto/transcript.hpp"

#include <array>
#include <limits>
#include <stdexcept>

#include "crypto/domain_tags.hpp"

namespace senim::crypto {

Transcript::Transcript(std::string_view domain_tag) {
  crypto_hash_sha512_init(&state_);
  absorb_prefixed(as_bytes(tags::kProtocol));
  absorb_prefixed(as_bytes(domain_tag));
}

void Transcript::absorb_prefixed(ByteView bytes) {
  if (bytes.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("transcript field longer than 2^32-1 bytes");
  }
  std::array<std::uint8_t, 4> length{};
  const auto n = static_cast<std::uint32_t>(bytes.size());
  length[0] = static_cast<std::uint8_t>(n >> 24);
  length[1] = static_cast<std::uint8_t>(n >> 16);
  length[2] = static_cast<std::uint8_t>(n >> 8);
  length[3] = static_cast<std::uint8_t>(n);
  crypto_hash_sha512_update(&state_, length.data(), length.size());
  if (!bytes.empty())
    crypto_hash_sha512_update(&state_, bytes.data(), bytes.size());
}

void Transcript::append(std::string_view label, ByteView value) {
  absorb_prefixed(as_bytes(label));
  absorb_prefixed(value);
}

void Transcript::append_point(std::string_view label, const Point::Encoding& encoding) {
  append(label, encoding);
}

void Transcript::append_point(std::string_view label, const Point& point) {
  append(label, point.encode());
}

void Transcript::append_u64(std::string_view label, std::uint64_t value) {
  Bytes encoded;
  append_u64_be(encoded, value);
  append(label, encoded);
}

Scalar Transcript::challenge() const {
  crypto_hash_sha512_state final_state = state_;
  // Absorb LP("challenge") into a copy so the transcript can still grow.
  static constexpr std::string_view kLabel = "challenge";
  const std::array<std::uint8_t, 4> length{0, 0, 0, static_cast<std::uint8_t>(kLabel.size())};
  crypto_hash_sha512_update(&final_state, length.data(), length.size());
  crypto_hash_sha512_update(&final_state, as_bytes(kLabel).data(), kLabel.size());
  std::array<std::uint8_t, 64> digest{};
  crypto_hash_sha512_final(&final_state, digest.data());
  return Scalar::from_wide_bytes(digest);
}

}  // namespace senim::crypto
