// Exponential ElGamal over ristretto255 (docs/protocol.md §4).
//
//   Enc_K(m; r) = (α, β) = (r·G, m·G + r·K)
//   (α1, β1) ⊕ (α2, β2) = (α1 + α2, β1 + β2)      encrypts m1 + m2 under r1 + r2
//   Dec_x(α, β)  = β − x·α = m·G                  m then by discrete log (dlog.hpp)
#pragma once

#include <cstdint>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/point.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

struct Ciphertext {
  static constexpr std::size_t kBytes = 64;
  Point alpha;  // r·G
  Point beta;   // m·G + r·K

  Ciphertext operator+(const Ciphertext& rhs) const { return {alpha + rhs.alpha, beta + rhs.beta}; }
  Ciphertext operator-(const Ciphertext& rhs) const { return {alpha - rhs.alpha, beta - rhs.beta}; }
  Ciphertext& operator+=(const Ciphertext& rhs) {
    alpha += rhs.alpha;
    beta += rhs.beta;
    return *this;
  }
  bool operator==(const Ciphertext& rhs) const { return alpha == rhs.alpha && beta == rhs.beta; }

  // §4.1: encode(α) ‖ encode(β), 64 bytes.
  Bytes encode() const;
  static Expected<Ciphertext> decode(ByteView bytes);
};

// An election public key K with its precomputed table, so that r·K costs the
// same as r·G.
class PublicKey {
 public:
  explicit PublicKey(const Point& key) : table_(key) {}
  const Point& point() const { return table_.base(); }
  Point mul(const Scalar& s) const { return table_.mul(s); }

 private:
  FixedBaseTable table_;
};

// m·G for a small public message, by the generator table (constant-time).
Point encode_message(std::uint64_t m);

// Enc_K(m; r). Constant-time in m and r.
Ciphertext encrypt(const PublicKey& key, const Scalar& m, const Scalar& r);
Ciphertext encrypt(const PublicKey& key, std::uint64_t m, const Scalar& r);

// m·G = β − x·α, for a holder of the whole secret x (tests, single-key use).
Point decrypt_to_point(const Ciphertext& ct, const Scalar& secret);

}  // namespace senim::crypto
