#include "crypto/polynomial.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace senim::crypto {

Error trustee_index_error(std::string_view role, std::uint32_t index) {
  return make_error(Errc::out_of_range, std::string(role) + " " + std::to_string(index) +
                                            " is outside 1.." + std::to_string(kMaxTrustees));
}

SecretPolynomial SecretPolynomial::random(std::size_t k) {
  if (k == 0 || k > kMaxTrustees) {
    throw std::invalid_argument("SecretPolynomial: threshold must be in 1.." +
                                std::to_string(kMaxTrustees) + ", got " + std::to_string(k));
  }
  std::vector<Scalar> coefficients;
  coefficients.reserve(k);
  for (std::size_t j = 0; j < k; ++j)
    coefficients.push_back(Scalar::random());
  return SecretPolynomial(std::move(coefficients));
}

SecretPolynomial SecretPolynomial::from_coefficients(std::vector<Scalar> coefficients) {
  if (coefficients.empty() || coefficients.size() > kMaxTrustees) {
    throw std::invalid_argument("SecretPolynomial: needs 1.." + std::to_string(kMaxTrustees) +
                                " coefficients, got " + std::to_string(coefficients.size()));
  }
  return SecretPolynomial(std::move(coefficients));
}

Scalar SecretPolynomial::evaluate(std::uint32_t index) const {
  if (index == 0) {
    throw std::invalid_argument("SecretPolynomial: f(0) is the secret; trustee indices start at 1");
  }
  // f(z) = (…((a_{k−1}·z + a_{k−2})·z + a_{k−3})…)·z + a_0
  const Scalar z = Scalar::from_u64(index);
  Scalar acc = coefficients_.back();
  for (std::size_t j = coefficients_.size() - 1; j-- > 0;) {
    acc *= z;                 // acc = acc·z
    acc += coefficients_[j];  // acc = acc·z + a_j
  }
  return acc;
}

std::vector<Element> SecretPolynomial::commitments() const {
  std::vector<Element> out;
  out.reserve(coefficients_.size());
  for (const Scalar& a : coefficients_)
    out.emplace_back(Point::mul_generator(a));  // A_j = a_j·G
  return out;
}

}  // namespace senim::crypto
