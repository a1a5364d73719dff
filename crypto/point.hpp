// Elements of ristretto255 (RFC 9496; docs/protocol.md §2.1), backed by
// libdecaf's C API on decoded points, so arithmetic costs ~0.14 µs per
// addition instead of a decode/encode round trip per operation.
//
// Constant-time: decoding, encoding, addition, operator* and FixedBaseTable
// multiplication. Variable-time (public data only; the name says so):
// double_mul_vartime and everything in msm.hpp.
#pragma once

#include <decaf.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

class Point {
 public:
  static constexpr std::size_t kBytes = 32;
  using Encoding = std::array<std::uint8_t, kBytes>;

  Point();  // the identity
  static Point identity();
  // The RFC 9496 generator B, written G in docs/protocol.md.
  static Point generator();

  // §2.1: exactly 32 bytes forming a canonical ristretto255 encoding; every
  // other input (wrong length, non-canonical field element, negative s,
  // non-square, t<0, y=0) is invalid_encoding. The identity (all zeros) is
  // accepted; callers that must refuse it use decode_non_identity.
  static Expected<Point> decode(ByteView bytes);
  static Expected<Point> decode_non_identity(ByteView bytes);
  // RFC 9496 §4.3.4 element derivation from 64 uniform bytes.
  static Point from_uniform_bytes(std::span<const std::uint8_t, 64> bytes);

  Encoding encode() const;
  bool is_identity() const;
  bool operator==(const Point& other) const;  // constant-time

  Point operator+(const Point& rhs) const;
  Point operator-(const Point& rhs) const;
  Point operator-() const;
  Point& operator+=(const Point& rhs);
  Point& operator-=(const Point& rhs);
  Point doubled() const;
  // Constant-time variable-base multiplication s·P.
  Point operator*(const Scalar& s) const;
  // Constant-time s·G from libdecaf's precomputed generator table.
  static Point mul_generator(const Scalar& s);
  // a·G + b·P for public a, b, P only (variable time).
  static Point double_mul_vartime(const Scalar& a, const Scalar& b, const Point& p);

  // Constant-time choice: returns `b` when pick_b, else `a`.
  static Point select(const Point& a, const Point& b, bool pick_b);

  const decaf_255_point_s* raw() const { return value_; }
  decaf_255_point_s* raw() { return value_; }

 private:
  decaf_255_point_t value_;
};

inline Point operator*(const Scalar& s, const Point& p) {
  return p * s;
}

// A precomputed comb table for constant-time s·P with a fixed P: the election
// public key K, or a trustee key. Costs ~15 µs per multiplication instead of
// ~40 µs; building the table is a one-off ~1 ms.
class FixedBaseTable {
 public:
  explicit FixedBaseTable(const Point& base);
  const Point& base() const { return base_; }
  Point mul(const Scalar& s) const;  // constant-time

 private:
  struct Deleter {
    void operator()(decaf_255_precomputed_s* table) const;
  };
  Point base_;
  std::unique_ptr<decaf_255_precomputed_s, Deleter> table_;
};

}  // namespace senim::crypto
