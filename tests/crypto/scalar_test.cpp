#include "crypto/scalar.hpp"

#include <sodium.h>

#include <array>
#include <catch2/catch.hpp>

using senim::Bytes;
using senim::Errc;
using senim::crypto::Scalar;

namespace {
// ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
constexpr std::array<std::uint8_t, 32> kOrder = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
}  // namespace

TEST_CASE("scalar decoding rejects l and anything above", "[scalar]") {
  auto at_order = Scalar::decode(kOrder);
  REQUIRE_FALSE(at_order.ok());
  CHECK(at_order.error().code == Errc::invalid_encoding);
  Bytes below(kOrder.begin(), kOrder.end());
  below[0] -= 1;  // ℓ − 1 is the largest canonical scalar
  auto max = Scalar::decode(below);
  REQUIRE(max.ok());
  CHECK((*max + Scalar::one()).is_zero());
  const Bytes all_ones(32, 0xff);
  CHECK(Scalar::decode(all_ones).error().code == Errc::invalid_encoding);
  CHECK(Scalar::decode(Bytes(31, 0)).error().code == Errc::invalid_encoding);
  CHECK(Scalar::decode(Bytes(33, 0)).error().code == Errc::invalid_encoding);
}

TEST_CASE("scalar arithmetic identities", "[scalar]") {
  for (int i = 0; i < 100; ++i) {
    const Scalar a = Scalar::random();
    const Scalar b = Scalar::random();
    CHECK((a + b - b).ct_equals(a));
    CHECK((a * b).ct_equals(b * a));
    CHECK((a * *a.invert()).ct_equals(Scalar::one()));
    CHECK((a + -a).is_zero());
    auto round_trip = Scalar::decode(a.encode());
    REQUIRE(round_trip.ok());
    CHECK(round_trip->ct_equals(a));
    CHECK(Scalar::select(a, b, false).ct_equals(a));
    CHECK(Scalar::select(a, b, true).ct_equals(b));
  }
  CHECK_FALSE(Scalar::zero().invert().ok());
  CHECK(Scalar::from_u64(7).encode()[0] == 7);
}

TEST_CASE("128-bit weights are non-zero and below 2^128", "[scalar]") {
  for (int i = 0; i < 100; ++i) {
    const auto bytes = Scalar::random_128().encode();
    CHECK(sodium_is_zero(bytes.data() + 16, 16) == 1);
    CHECK(sodium_is_zero(bytes.data(), 16) == 0);
  }
}
