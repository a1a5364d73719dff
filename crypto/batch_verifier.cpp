#include "crypto/batch_verifier.hpp"

#include <stdexcept>

#include "crypto/msm.hpp"

namespace senim::crypto {

BatchVerifier::BatchVerifier() {
  add_shared_base(Point::generator());
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
  return Scalar::random_128();
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
