#include "crypto/batch_verifier.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "crypto/msm.hpp"

namespace senim::crypto {

BatchVerifier::BatchVerifier() {
  randombytes_buf(weight_key_.data(), weight_key_.size());
  add_shared_base(Point::generator());
}

BatchVerifier::~BatchVerifier() {
  wipe(weight_key_);
}

Scalar BatchVerifier::draw_weight() {
  std::array<std::uint8_t, 32> bytes{};
  do {
    if (weight_used_ + 16 > weight_pool_.size()) {
      std::array<std::uint8_t, crypto_stream_chacha20_ietf_NONCEBYTES> nonce{};
      for (std::size_t i = 0; i < 8; ++i) {
        nonce[i] = static_cast<std::uint8_t>(weight_counter_ >> (8 * i));
      }
      ++weight_counter_;
      crypto_stream_chacha20_ietf(weight_pool_.data(), weight_pool_.size(), nonce.data(),
                                  weight_key_.data());
      weight_used_ = 0;
    }
    std::copy_n(weight_pool_.begin() + static_cast<std::ptrdiff_t>(weight_used_), 16,
                bytes.begin());
    weight_used_ += 16;
  } while (sodium_is_zero(bytes.data(), 16) != 0);
  return *Scalar::decode(bytes);  // < 2^128 < ℓ: canonical
}

std::size_t BatchVerifier::add_shared_base(const Point& base) {
  shared_bases_.push_back(base);
  shared_coefficients_.emplace_back();
  return shared_bases_.size() - 1;
}

BatchVerifier::Equation BatchVerifier::equation() {
  return Equation(*this, new_weight());
}

Scalar BatchVerifier::new_weight() {
  ++equations_;
  return draw_weight();
}

void BatchVerifier::add_weighted(const Scalar& coefficient, const Point& p) {
  scalars_.push_back(coefficient);
  points_.push_back(p);
}

void BatchVerifier::add_weighted_shared(std::size_t index, const Scalar& coefficient) {
  if (index >= shared_bases_.size())
    throw std::out_of_range("BatchVerifier: unknown shared base");
  shared_coefficients_[index] += coefficient;
}

void BatchVerifier::Equation::add(const Scalar& s, const Point& p) {
  batch_.add_weighted(weight_ * s, p);
}

void BatchVerifier::Equation::add_shared(std::size_t index, const Scalar& s) {
  batch_.add_weighted_shared(index, weight_ * s);
}

bool BatchVerifier::verify() const {
  std::vector<Scalar> scalars = scalars_;
  std::vector<Point> points = points_;
  scalars.insert(scalars.end(), shared_coefficients_.begin(), shared_coefficients_.end());
  points.insert(points.end(), shared_bases_.begin(), shared_bases_.end());
  return msm_vartime(scalars, points).is_identity();
}

}  // namespace senim::crypto
