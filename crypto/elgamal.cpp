#include "crypto/elgamal.hpp"

namespace senim::crypto {

Bytes Ciphertext::encode() const {
  Bytes out;
  out.reserve(kBytes);
  append(out, alpha.encode());
  append(out, beta.encode());
  return out;
}

Expected<Ciphertext> Ciphertext::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_length,
                      "ciphertext must be 64 bytes, got " + std::to_string(bytes.size()));
  }
  auto alpha = Point::decode(bytes.first(32));
  if (!alpha)
    return alpha.error();
  auto beta = Point::decode(bytes.subspan(32));
  if (!beta)
    return beta.error();
  return Ciphertext{*alpha, *beta};
}

Point encode_message(std::uint64_t m) {
  return Point::mul_generator(Scalar::from_u64(m));
}

Ciphertext encrypt(const PublicKey& key, const Scalar& m, const Scalar& r) {
  return {Point::mul_generator(r), Point::mul_generator(m) + key.mul(r)};
}

Ciphertext encrypt(const PublicKey& key, std::uint64_t m, const Scalar& r) {
  return encrypt(key, Scalar::from_u64(m), r);
}

Point decrypt_to_point(const Ciphertext& ct, const Scalar& secret) {
  return ct.beta - ct.alpha * secret;
}

}  // namespace senim::crypto
