#include "crypto/chaum_pedersen_proof.hpp"

#include <array>
#include <catch2/catch.hpp>

using senim::Bytes;
using senim::Errc;
using senim::crypto::BatchVerifier;
using senim::crypto::ChaumPedersenProof;
using senim::crypto::DleqStatement;
using senim::crypto::Element;
using senim::crypto::Point;
using senim::crypto::prove_chaum_pedersen;
using senim::crypto::Scalar;
using senim::crypto::verify_chaum_pedersen;

namespace {
constexpr std::array<std::uint8_t, 5> kContext = {'t', 'a', 'l', 'l', 'y'};

struct Instance {
  Scalar x = Scalar::random();
  Point a = Point::mul_generator(Scalar::random());
  DleqStatement statement{Element(Point::mul_generator(x)), Element(a), Element(a* x)};
};
}  // namespace

TEST_CASE("honest Chaum-Pedersen proofs verify, alone and in a batch", "[proof][chaum-pedersen]") {
  BatchVerifier batch;
  for (int i = 0; i < 30; ++i) {
    const Instance in;
    const auto proof = prove_chaum_pedersen(in.x, in.statement, kContext);
    auto decoded = ChaumPedersenProof::decode(proof.encode());
    REQUIRE(decoded.ok());
    REQUIRE(verify_chaum_pedersen(*decoded, in.statement, kContext).ok());
    batch_chaum_pedersen(batch, *decoded, in.statement, kContext);
  }
  CHECK(batch.verify());
}

TEST_CASE("tampered Chaum-Pedersen proofs are rejected with the specific error",
          "[proof][chaum-pedersen]") {
  const Instance in;
  const auto proof = prove_chaum_pedersen(in.x, in.statement, kContext);
  SECTION("changed R1") {
    auto bad = proof;
    bad.commitment_g = Element(proof.commitment_g.point + Point::generator());
    CHECK(verify_chaum_pedersen(bad, in.statement, kContext).error().code == Errc::equation_failed);
  }
  SECTION("changed R2") {
    auto bad = proof;
    bad.commitment_a = Element(proof.commitment_a.point + Point::generator());
    CHECK(verify_chaum_pedersen(bad, in.statement, kContext).error().code == Errc::equation_failed);
  }
  SECTION("changed response") {
    auto bad = proof;
    bad.response += Scalar::one();
    CHECK(verify_chaum_pedersen(bad, in.statement, kContext).error().code == Errc::equation_failed);
  }
  SECTION("a wrong decryption share (D not x·A) cannot be proven") {
    DleqStatement wrong = in.statement;
    wrong.result = Element(in.statement.result.point + Point::generator());
    const auto forged = prove_chaum_pedersen(in.x, wrong, kContext);
    const auto error = verify_chaum_pedersen(forged, wrong, kContext).error();
    CHECK(error.code == Errc::equation_failed);
    CHECK(error.message.find("s·A") != std::string::npos);
  }
  SECTION("proof for another statement") {
    const Instance other;
    CHECK(verify_chaum_pedersen(proof, other.statement, kContext).error().code ==
          Errc::equation_failed);
  }
  SECTION("replayed under another context") {
    const Bytes other = {'t', 'a', 'l', 'l', 'y', '2'};
    CHECK(verify_chaum_pedersen(proof, in.statement, other).error().code == Errc::equation_failed);
  }
  SECTION("a false proof makes the batch fail") {
    BatchVerifier batch;
    auto bad = proof;
    bad.response += Scalar::one();
    batch_chaum_pedersen(batch, bad, in.statement, kContext);
    CHECK_FALSE(batch.verify());
  }
}

TEST_CASE("Chaum-Pedersen decoding rejects bad bytes", "[proof][chaum-pedersen]") {
  const Instance in;
  Bytes bytes = prove_chaum_pedersen(in.x, in.statement, kContext).encode();
  CHECK(ChaumPedersenProof::decode(Bytes(95, 0)).error().code == Errc::invalid_length);
  Bytes bad = bytes;
  bad[63] |= 0x80;
  CHECK(ChaumPedersenProof::decode(bad).error().code == Errc::invalid_encoding);
  bad = bytes;
  bad[95] = 0xff;
  CHECK(ChaumPedersenProof::decode(bad).error().code == Errc::invalid_encoding);
}
