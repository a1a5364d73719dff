#include "protocol/signing.hpp"

#include <sodium.h>

#include <algorithm>
#include <new>

namespace senim::protocol {

void SigningKey::Free::operator()(std::uint8_t* p) const {
  sodium_free(p);
}

SigningKey::SigningKey()
    : secret_(static_cast<std::uint8_t*>(sodium_malloc(crypto_sign_SECRETKEYBYTES))) {
  if (!secret_)
    throw std::bad_alloc();
}

SigningKey SigningKey::generate() {
  SigningKey key;
  crypto_sign_keypair(key.public_key_.data(), key.secret_.get());
  return key;
}

Expected<SigningKey> SigningKey::from_seed(ByteView seed) {
  if (seed.size() != kSeedBytes) {
    return make_error(Errc::invalid_length,
                      "signing key seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_.get(), seed.data());
  return key;
}

Signature SigningKey::sign(ByteView message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.get());
  return sig;
}

Bytes SigningKey::seed() const {
  Bytes out(kSeedBytes);
  crypto_sign_ed25519_sk_to_seed(out.data(), secret_.get());
  return out;
}

bool verify_signature(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

Expected<PublicKey> parse_public_key(ByteView bytes) {
  if (bytes.size() != 32) {
    return make_error(Errc::invalid_length,
                      "public key must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  PublicKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

}  // namespace senim::protocol
