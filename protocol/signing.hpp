// Ed25519 keys for the principals: authority, trustees, voters' credentials,
// the board (docs/protocol.md §11.1). Secret keys live in libsodium's guarded
// memory (sodium_malloc: no swap, guard pages, wiped on free).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::protocol {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

class SigningKey {
 public:
  static constexpr std::size_t kSeedBytes = 32;

  static SigningKey generate();
  // Deterministic key from a 32-byte seed (the form a key file stores).
  static Expected<SigningKey> from_seed(ByteView seed);

  const PublicKey& public_key() const { return public_key_; }
  Signature sign(ByteView message) const;
  // The 32-byte seed, for writing a key file; callers must wipe the copy.
  Bytes seed() const;

 private:
  struct Free {
    void operator()(std::uint8_t* p) const;
  };
  SigningKey();
  std::unique_ptr<std::uint8_t, Free> secret_;  // 64-byte libsodium secret key
  PublicKey public_key_{};
};

bool verify_signature(ByteView public_key, ByteView message, ByteView signature);

// Parses a 32-byte public key field; invalid_length otherwise.
Expected<PublicKey> parse_public_key(ByteView bytes);

}  // namespace senim::protocol
