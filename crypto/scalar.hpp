// Scalars modulo ℓ = 2^252 + 27742317777372353535851937790883648493, the
// order of ristretto255 (docs/protocol.md §2.2). Backed by libdecaf.
//
// Every Scalar may hold a secret (a nonce, a key share), so every operation
// here is constant-time and every Scalar wipes itself when destroyed. There
// is deliberately no operator==: use ct_equals.
#pragma once

#include <decaf.h>

#include <array>
#include <cstdint>
#include <span>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::crypto {

class Scalar {
 public:
  static constexpr std::size_t kBytes = 32;
  using Encoding = std::array<std::uint8_t, kBytes>;

  Scalar();  // zero
  ~Scalar();
  Scalar(const Scalar& other);
  Scalar& operator=(const Scalar& other);

  static Scalar zero();
  static Scalar one();
  static Scalar from_u64(std::uint64_t value);
  // §2.2: a scalar is 32 bytes little-endian and must be < ℓ; anything else
  // (wrong length, or ≥ ℓ) is invalid_encoding. Never reduced silently.
  static Expected<Scalar> decode(ByteView bytes);
  // Reduces 64 uniformly random (or hash) bytes mod ℓ; bias < 2^-250.
  static Scalar from_wide_bytes(std::span<const std::uint8_t, 64> bytes);
  // Uniform in [0, ℓ) from libsodium's CSPRNG.
  static Scalar random();
  // A uniform scalar in [1, 2^128): enough for batch-verification weights.
  static Scalar random_128();

  Encoding encode() const;
  bool ct_equals(const Scalar& other) const;
  bool is_zero() const;

  Scalar operator+(const Scalar& rhs) const;
  Scalar operator-(const Scalar& rhs) const;
  Scalar operator*(const Scalar& rhs) const;
  Scalar operator-() const;
  Scalar& operator+=(const Scalar& rhs);
  Scalar& operator-=(const Scalar& rhs);
  Scalar& operator*=(const Scalar& rhs);
  // Multiplicative inverse; the inverse of zero is reported, not returned.
  Expected<Scalar> invert() const;

  // Constant-time choice: returns `b` when pick_b, else `a`.
  static Scalar select(const Scalar& a, const Scalar& b, bool pick_b);

  const decaf_255_scalar_s* raw() const { return value_; }
  decaf_255_scalar_s* raw() { return value_; }

 private:
  decaf_255_scalar_t value_;
};

}  // namespace senim::crypto
