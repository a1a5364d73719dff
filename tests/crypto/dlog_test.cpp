#include "crypto/dlog.hpp"

#include <catch2/catch.hpp>

#include "crypto/elgamal.hpp"

using senim::crypto::DiscreteLog;
using senim::crypto::encode_message;
using senim::crypto::Point;
using senim::crypto::Scalar;

TEST_CASE("discrete log finds every value in a small range", "[dlog]") {
  const DiscreteLog dlog(1000);
  for (std::uint64_t m = 0; m <= 1000; ++m) {
    auto found = dlog.solve(encode_message(m));
    REQUIRE(found.has_value());
    CHECK(*found == m);
  }
  CHECK_FALSE(dlog.solve(encode_message(1001)).has_value());
  CHECK_FALSE(dlog.solve(Point::mul_generator(Scalar::random())).has_value());
}

TEST_CASE("discrete log reaches 10^8", "[dlog]") {
  const std::uint64_t max = 100'000'000;
  const DiscreteLog dlog(max);
  CHECK(dlog.baby_steps() == 10'001);
  CHECK(dlog.memory_bytes() < 2'000'000);
  for (std::uint64_t m : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{10'000},
                          std::uint64_t{10'001}, std::uint64_t{12'345'678}, max - 1, max}) {
    auto found = dlog.solve(encode_message(m));
    REQUIRE(found.has_value());
    CHECK(*found == m);
  }
  CHECK_FALSE(dlog.solve(encode_message(max + 1)).has_value());
}
