#include "crypto/schnorr_proof.hpp"

#include <array>
#include <catch2/catch.hpp>

using senim::Bytes;
using senim::Errc;
using senim::crypto::BatchVerifier;
using senim::crypto::Element;
using senim::crypto::Point;
using senim::crypto::prove_schnorr;
using senim::crypto::Scalar;
using senim::crypto::SchnorrProof;
using senim::crypto::verify_schnorr;

namespace {
constexpr std::array<std::uint8_t, 10> kContext = {'e', 'l', 'e', 'c', 't',
                                                   'i', 'o', 'n', '-', '1'};

struct Keyed {
  Scalar x = Scalar::random();
  Element X{Point::mul_generator(x)};
};
}  // namespace

TEST_CASE("honest Schnorr proofs verify, alone and in a batch", "[proof][schnorr]") {
  BatchVerifier batch;
  for (int i = 0; i < 50; ++i) {
    const Keyed k;
    const SchnorrProof proof = prove_schnorr(k.x, k.X, kContext);
    REQUIRE(verify_schnorr(proof, k.X, kContext).ok());
    auto decoded = SchnorrProof::decode(proof.encode());
    REQUIRE(decoded.ok());
    CHECK(verify_schnorr(*decoded, k.X, kContext).ok());
    batch_schnorr(batch, *decoded, k.X, kContext);
  }
  CHECK(batch.verify());
}

TEST_CASE("tampered Schnorr proofs are rejected with the specific error", "[proof][schnorr]") {
  const Keyed k;
  const SchnorrProof proof = prove_schnorr(k.x, k.X, kContext);

  SECTION("changed commitment") {
    SchnorrProof bad = proof;
    bad.commitment = Element(proof.commitment.point + Point::generator());
    CHECK(verify_schnorr(bad, k.X, kContext).error().code == Errc::equation_failed);
  }
  SECTION("changed response") {
    SchnorrProof bad = proof;
    bad.response += Scalar::one();
    CHECK(verify_schnorr(bad, k.X, kContext).error().code == Errc::equation_failed);
  }
  SECTION("proof for another statement") {
    const Keyed other;
    CHECK(verify_schnorr(proof, other.X, kContext).error().code == Errc::equation_failed);
  }
  SECTION("replayed under another context") {
    const Bytes other_context = {'e', 'l', 'e', 'c', 't', 'i', 'o', 'n', '-', '2'};
    CHECK(verify_schnorr(proof, k.X, other_context).error().code == Errc::equation_failed);
  }
  SECTION("a false proof makes the batch fail") {
    BatchVerifier batch;
    SchnorrProof bad = proof;
    bad.response += Scalar::one();
    batch_schnorr(batch, proof, k.X, kContext);
    batch_schnorr(batch, bad, k.X, kContext);
    CHECK_FALSE(batch.verify());
  }
}

TEST_CASE("Schnorr proof decoding rejects bad bytes", "[proof][schnorr]") {
  const Keyed k;
  Bytes bytes = prove_schnorr(k.x, k.X, kContext).encode();
  CHECK(SchnorrProof::decode(senim::ByteView(bytes).first(63)).error().code ==
        Errc::invalid_length);
  Bytes bad_point = bytes;
  bad_point[31] |= 0x80;
  CHECK(SchnorrProof::decode(bad_point).error().code == Errc::invalid_encoding);
  Bytes bad_scalar = bytes;
  bad_scalar[63] = 0xff;  // ≥ ℓ
  CHECK(SchnorrProof::decode(bad_scalar).error().code == Errc::invalid_encoding);
}
