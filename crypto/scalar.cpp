#include "crypto/scalar.hpp"

#include <sodium.h>

#include <stdexcept>

namespace senim::crypto {

Scalar::Scalar() {
  decaf_255_scalar_copy(value_, decaf_255_scalar_zero);
}
Scalar::~Scalar() {
  decaf_255_scalar_destroy(value_);
}
Scalar::Scalar(const Scalar& other) {
  decaf_255_scalar_copy(value_, other.value_);
}
Scalar& Scalar::operator=(const Scalar& other) {
  decaf_255_scalar_copy(value_, other.value_);
  return *this;
}

Scalar Scalar::zero() {
  return {};
}

Scalar Scalar::one() {
  Scalar s;
  decaf_255_scalar_copy(s.value_, decaf_255_scalar_one);
  return s;
}

Scalar Scalar::from_u64(std::uint64_t value) {
  Scalar s;
  decaf_255_scalar_set_unsigned(s.value_, value);
  return s;
}

Expected<Scalar> Scalar::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_encoding,
                      "scalar must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  Scalar s;
  if (decaf_255_scalar_decode(s.value_, bytes.data()) != DECAF_SUCCESS) {
    return make_error(Errc::invalid_encoding, "scalar is not reduced mod l (non-canonical)");
  }
  return s;
}

Scalar Scalar::from_wide_bytes(std::span<const std::uint8_t, 64> bytes) {
  Scalar s;
  decaf_255_scalar_decode_long(s.value_, bytes.data(), bytes.size());
  return s;
}

Scalar Scalar::random() {
  std::array<std::uint8_t, 64> wide{};
  randombytes_buf(wide.data(), wide.size());
  Scalar s = from_wide_bytes(wide);
  wipe(wide);
  return s;
}

Scalar Scalar::random_128() {
  std::array<std::uint8_t, 32> bytes{};
  do {
    randombytes_buf(bytes.data(), 16);
  } while (sodium_is_zero(bytes.data(), 16) != 0);
  Scalar s;
  // Below 2^128 < ℓ, so the encoding is always canonical.
  if (decaf_255_scalar_decode(s.value_, bytes.data()) != DECAF_SUCCESS) {
    throw std::logic_error("a 128-bit scalar was reported non-canonical");
  }
  return s;
}

Scalar::Encoding Scalar::encode() const {
  Encoding out{};
  decaf_255_scalar_encode(out.data(), value_);
  return out;
}

bool Scalar::ct_equals(const Scalar& other) const {
  return decaf_255_scalar_eq(value_, other.value_) != 0;
}

bool Scalar::is_zero() const {
  return ct_equals(Scalar::zero());
}

Scalar Scalar::operator+(const Scalar& rhs) const {
  Scalar out;
  decaf_255_scalar_add(out.value_, value_, rhs.value_);
  return out;
}

Scalar Scalar::operator-(const Scalar& rhs) const {
  Scalar out;
  decaf_255_scalar_sub(out.value_, value_, rhs.value_);
  return out;
}

Scalar Scalar::operator*(const Scalar& rhs) const {
  Scalar out;
  decaf_255_scalar_mul(out.value_, value_, rhs.value_);
  return out;
}

Scalar Scalar::operator-() const {
  return Scalar::zero() - *this;
}

Scalar& Scalar::operator+=(const Scalar& rhs) {
  decaf_255_scalar_add(value_, value_, rhs.value_);
  return *this;
}

Scalar& Scalar::operator-=(const Scalar& rhs) {
  decaf_255_scalar_sub(value_, value_, rhs.value_);
  return *this;
}

Scalar& Scalar::operator*=(const Scalar& rhs) {
  decaf_255_scalar_mul(value_, value_, rhs.value_);
  return *this;
}

Expected<Scalar> Scalar::invert() const {
  Scalar out;
  if (decaf_255_scalar_invert(out.value_, value_) != DECAF_SUCCESS) {
    return make_error(Errc::invalid_argument, "zero has no inverse");
  }
  return out;
}

Scalar Scalar::select(const Scalar& a, const Scalar& b, bool pick_b) {
  Scalar out;
  // decaf_255_scalar_cond_sel masks with the word; widen the bool without a branch.
  const decaf_word_t mask = static_cast<decaf_word_t>(0) - static_cast<decaf_word_t>(pick_b);
  decaf_255_scalar_cond_sel(out.value_, a.value_, b.value_, mask);
  return out;
}

}  // namespace senim::crypto
