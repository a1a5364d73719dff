#include "crypto/elgamal.hpp"

#include <catch2/catch.hpp>

using senim::Errc;
using senim::crypto::Ciphertext;
using senim::crypto::decrypt_to_point;
using senim::crypto::encode_message;
using senim::crypto::encrypt;
using senim::crypto::Point;
using senim::crypto::PublicKey;
using senim::crypto::Scalar;

TEST_CASE("ElGamal encrypts, adds homomorphically and decrypts to m·G", "[elgamal]") {
  const Scalar x = Scalar::random();
  const PublicKey key(Point::mul_generator(x));
  Ciphertext sum = encrypt(key, 0, Scalar::zero());
  std::uint64_t total = 0;
  for (std::uint64_t m = 0; m < 20; ++m) {
    const Ciphertext ct = encrypt(key, m, Scalar::random());
    CHECK(decrypt_to_point(ct, x) == encode_message(m));
    sum += ct;
    total += m;
  }
  CHECK(decrypt_to_point(sum, x) == encode_message(total));
  CHECK_FALSE(decrypt_to_point(sum, x) == encode_message(total + 1));
  // A different key does not decrypt.
  CHECK_FALSE(decrypt_to_point(sum, Scalar::random()) == encode_message(total));
}

TEST_CASE("ciphertext encoding round-trips and rejects bad bytes", "[elgamal]") {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Ciphertext ct = encrypt(key, 1, Scalar::random());
  const auto bytes = ct.encode();
  REQUIRE(bytes.size() == 64);
  auto back = Ciphertext::decode(bytes);
  REQUIRE(back.ok());
  CHECK(*back == ct);
  auto short_bytes = Ciphertext::decode(senim::ByteView(bytes).first(63));
  CHECK(short_bytes.error().code == Errc::invalid_length);
  auto bad = bytes;
  bad[63] |= 0x80;  // sets the top bit of β: never canonical
  CHECK(Ciphertext::decode(bad).error().code == Errc::invalid_encoding);
}

TEST_CASE("encryption is randomised", "[elgamal]") {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  CHECK_FALSE(encrypt(key, 1, Scalar::random()) == encrypt(key, 1, Scalar::random()));
}
