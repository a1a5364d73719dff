// A trustee's secret polynomial for Feldman VSS (docs/protocol.md §6.2):
//
//   f(z) = a_0 + a_1·z + … + a_{k−1}·z^{k−1}   over scalars mod ℓ,
//
// with Feldman commitments A_j = a_j·G. The dealer's share for trustee m is
// f(m); any k shares determine f, and so a_0, while k − 1 shares reveal
// nothing about a_0.
//
// Constant-time: the coefficients are secret, so evaluation is Horner's rule
// with constant-time scalar arithmetic. Its running time depends only on k
// and the evaluation point, both public. The coefficients are Scalars, which
// wipe themselves; the polynomial can be moved but not copied, so no stray
// copy of a secret outlives it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

// Trustees are numbered 1 … n with n ≤ kMaxTrustees (docs/protocol.md §6.1);
// the number is also the point at which each dealer's polynomial is evaluated.
inline constexpr std::uint32_t kMaxTrustees = 255;

// Is `index` a trustee number, 1 … kMaxTrustees?
inline bool valid_trustee_index(std::uint32_t index) {
  return index >= 1 && index <= kMaxTrustees;
}
// The out_of_range error for an index that is not one, naming its role:
// "dealer 0 is outside 1..255".
Error trustee_index_error(std::string_view role, std::uint32_t index);

class SecretPolynomial {
 public:
  // Uniformly random coefficients a_0 … a_{k−1} from libsodium's CSPRNG.
  // Throws std::invalid_argument unless 1 ≤ k ≤ kMaxTrustees (a caller bug).
  static SecretPolynomial random(std::size_t k);
  // From given coefficients a_0 … a_{k−1} (tests, known-answer vectors).
  // Throws std::invalid_argument on an empty or oversized list.
  static SecretPolynomial from_coefficients(std::vector<Scalar> coefficients);

  SecretPolynomial(SecretPolynomial&&) = default;
  SecretPolynomial& operator=(SecretPolynomial&&) = default;
  SecretPolynomial(const SecretPolynomial&) = delete;
  SecretPolynomial& operator=(const SecretPolynomial&) = delete;
  ~SecretPolynomial() = default;  // each Scalar wipes itself

  // k, the number of coefficients (the degree is k − 1).
  std::size_t threshold() const { return coefficients_.size(); }
  const Scalar& coefficient(std::size_t j) const { return coefficients_.at(j); }

  // f(index) by Horner's rule, constant-time in the coefficients. Trustee
  // indices start at 1; index 0 would return the secret a_0 itself and
  // throws std::invalid_argument.
  Scalar evaluate(std::uint32_t index) const;

  // Feldman commitments A_j = a_j·G for j = 0 … k−1 (constant-time).
  std::vector<Element> commitments() const;

 private:
  explicit SecretPolynomial(std::vector<Scalar> coefficients)
      : coefficients_(std::move(coefficients)) {}
  std::vector<Scalar> coefficients_;  // a_0 … a_{k−1}
};

}  // namespace senim::crypto
