// Fiat-Shamir transcript (docs/protocol.md §3). A transcript is the exact
// byte string
//
//   LP("senim/v1") ‖ LP(tag) ‖ LP(label_1) ‖ LP(value_1) ‖ … ‖ LP(label_n) ‖ LP(value_n)
//
// where LP(x) = u32_be(|x|) ‖ x, and a challenge is
//
//   c = SHA-512(transcript ‖ LP("challenge")) read little-endian, reduced mod ℓ.
//
// Every field is length-prefixed and labelled, so no two different sequences
// of fields can produce the same byte string.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/point.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

class Transcript {
 public:
  explicit Transcript(std::string_view domain_tag);

  void append(std::string_view label, ByteView value);
  void append_point(std::string_view label, const Point::Encoding& encoding);
  void append_point(std::string_view label, const Point& point);
  // u64 values are appended as their 8-byte big-endian encoding.
  void append_u64(std::string_view label, std::uint64_t value);

  // The challenge scalar of §3.1; the transcript itself is left unchanged.
  Scalar challenge() const;

 private:
  void absorb_prefixed(ByteView bytes);
  crypto_hash_sha512_state state_{};
};

}  // namespace senim::crypto
