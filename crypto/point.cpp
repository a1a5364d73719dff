#include "crypto/point.hpp"

#include <sodium.h>

#include <cstdlib>
#include <new>
#include <stdexcept>

namespace senim::crypto {

Point::Point() {
  decaf_255_point_copy(value_, decaf_255_point_identity);
}
Point Point::identity() {
  return {};
}

Point Point::generator() {
  Point p;
  decaf_255_point_copy(p.value_, decaf_255_point_base);
  return p;
}

Expected<Point> Point::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_encoding,
                      "group element must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  Point p;
  if (decaf_255_point_decode(p.value_, bytes.data(), DECAF_TRUE) != DECAF_SUCCESS) {
    return make_error(Errc::invalid_encoding,
                      "not a canonical ristretto255 encoding: " + to_hex(bytes));
  }
  return p;
}

Expected<Point> Point::decode_non_identity(ByteView bytes) {
  auto p = decode(bytes);
  if (p.ok() && p->is_identity()) {
    return make_error(Errc::invalid_encoding, "the identity element is not allowed here");
  }
  return p;
}

Point Point::from_uniform_bytes(std::span<const std::uint8_t, 64> bytes) {
  // libsodium implements RFC 9496 §4.3.4 exactly; its output is canonical.
  Encoding enc{};
  crypto_core_ristretto255_from_hash(enc.data(), bytes.data());
  Point p;
  if (decaf_255_point_decode(p.value_, enc.data(), DECAF_TRUE) != DECAF_SUCCESS) {
    throw std::logic_error("libsodium produced a non-canonical ristretto255 encoding");
  }
  return p;
}

Point::Encoding Point::encode() const {
  Encoding out{};
  decaf_255_point_encode(out.data(), value_);
  return out;
}

bool Point::is_identity() const {
  return *this == identity();
}

bool Point::operator==(const Point& other) const {
  return decaf_255_point_eq(value_, other.value_) != 0;
}

Point Point::operator+(const Point& rhs) const {
  Point out;
  decaf_255_point_add(out.value_, value_, rhs.value_);
  return out;
}

Point Point::operator-(const Point& rhs) const {
  Point out;
  decaf_255_point_sub(out.value_, value_, rhs.value_);
  return out;
}

Point Point::operator-() const {
  Point out;
  decaf_255_point_negate(out.value_, value_);
  return out;
}

Point& Point::operator+=(const Point& rhs) {
  decaf_255_point_add(value_, value_, rhs.value_);
  return *this;
}

Point& Point::operator-=(const Point& rhs) {
  decaf_255_point_sub(value_, value_, rhs.value_);
  return *this;
}

Point Point::doubled() const {
  Point out;
  decaf_255_point_double(out.value_, value_);
  return out;
}

Point Point::operator*(const Scalar& s) const {
  Point out;
  decaf_255_point_scalarmul(out.value_, value_, s.raw());
  return out;
}

Point Point::mul_generator(const Scalar& s) {
  Point out;
  decaf_255_precomputed_scalarmul(out.value_, decaf_255_precomputed_base, s.raw());
  return out;
}

Point Point::double_mul_vartime(const Scalar& a, const Scalar& b, const Point& p) {
  Point out;
  decaf_255_base_double_scalarmul_non_secret(out.value_, a.raw(), p.value_, b.raw());
  return out;
}

Point Point::select(const Point& a, const Point& b, bool pick_b) {
  Point out;
  const decaf_word_t mask = static_cast<decaf_word_t>(0) - static_cast<decaf_word_t>(pick_b);
  decaf_255_point_cond_sel(out.value_, a.value_, b.value_, mask);
  return out;
}

void FixedBaseTable::Deleter::operator()(decaf_255_precomputed_s* table) const {
  decaf_255_precomputed_destroy(table);
  std::free(table);  // NOLINT(cppcoreguidelines-no-malloc): paired with aligned_alloc
}

FixedBaseTable::FixedBaseTable(const Point& base) : base_(base) {
  const std::size_t align = decaf_255_alignof_precomputed_s;
  // aligned_alloc needs the size to be a multiple of the alignment.
  const std::size_t size = (decaf_255_sizeof_precomputed_s + align - 1) / align * align;
  void* memory = std::aligned_alloc(align, size);
  if (memory == nullptr)
    throw std::bad_alloc();
  table_.reset(static_cast<decaf_255_precomputed_s*>(memory));
  decaf_255_precompute(table_.get(), base.raw());
}

Point FixedBaseTable::mul(const Scalar& s) const {
  Point out;
  decaf_255_precomputed_scalarmul(out.raw(), table_.get(), s.raw());
  return out;
}

}  // namespace senim::crypto
