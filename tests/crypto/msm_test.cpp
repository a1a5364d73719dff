#include "crypto/msm.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "crypto/batch_verifier.hpp"

using senim::crypto::BatchVerifier;
using senim::crypto::msm_vartime;
using senim::crypto::Point;
using senim::crypto::Scalar;

namespace {
Point naive(const std::vector<Scalar>& s, const std::vector<Point>& p) {
  Point acc;
  for (std::size_t i = 0; i < s.size(); ++i)
    acc += p[i] * s[i];
  return acc;
}
}  // namespace

TEST_CASE("msm equals the naive sum for Straus and Pippenger sizes", "[msm]") {
  for (std::size_t n : {0U, 1U, 2U, 3U, 17U, 63U, 64U, 65U, 300U}) {
    std::vector<Scalar> scalars;
    std::vector<Point> points;
    for (std::size_t i = 0; i < n; ++i) {
      scalars.push_back(Scalar::random());
      points.push_back(Point::mul_generator(Scalar::random()));
    }
    INFO("n = " << n);
    CHECK(msm_vartime(scalars, points) == naive(scalars, points));
  }
}

TEST_CASE("msm handles edge scalars", "[msm]") {
  const Scalar minus_one = -Scalar::one();
  for (std::size_t n : {5U, 100U}) {
    std::vector<Scalar> scalars;
    std::vector<Point> points;
    for (std::size_t i = 0; i < n; ++i) {
      scalars.push_back(i % 3 == 0 ? Scalar::zero() : (i % 3 == 1 ? minus_one : Scalar::one()));
      points.push_back(Point::mul_generator(Scalar::from_u64(i + 1)));
    }
    CHECK(msm_vartime(scalars, points) == naive(scalars, points));
  }
}

TEST_CASE("batch verifier accepts true equations and rejects a false one", "[msm]") {
  BatchVerifier batch;
  const Point k = Point::mul_generator(Scalar::random());
  const std::size_t k_index = batch.add_shared_base(k);
  for (int i = 0; i < 50; ++i) {
    const Scalar a = Scalar::random();
    const Scalar b = Scalar::random();
    auto eq = batch.equation();  // a·G + b·K − (a·G + b·K) = 0
    eq.add_shared(BatchVerifier::kGenerator, a);
    eq.add_shared(k_index, b);
    eq.add(-Scalar::one(), Point::mul_generator(a) + k * b);
  }
  CHECK(batch.verify());
  auto bad = batch.equation();  // G − 2G ≠ 0
  bad.add_shared(BatchVerifier::kGenerator, Scalar::one());
  bad.add(-Scalar::one(), Point::generator().doubled());
  CHECK_FALSE(batch.verify());
}
