#include "crypto/range_proof.hpp"

#include <array>
#include <catch2/catch.hpp>

using senim::Bytes;
using senim::Errc;
using senim::crypto::BatchVerifier;
using senim::crypto::Ciphertext;
using senim::crypto::Element;
using senim::crypto::encrypt;
using senim::crypto::Point;
using senim::crypto::prove_range;
using senim::crypto::PublicKey;
using senim::crypto::RangeProof;
using senim::crypto::RangeStatement;
using senim::crypto::Scalar;
using senim::crypto::verify_range;

namespace {
constexpr std::array<std::uint8_t, 6> kContext = {'b', 'a', 'l', 'l', 'o', 't'};

struct Setup {
  Scalar x = Scalar::random();
  PublicKey key{Point::mul_generator(x)};
  Element key_element{key.point()};
};

struct Instance {
  RangeStatement statement;
  RangeProof proof;
};

Instance make(const Setup& s, std::uint32_t m, std::uint32_t lo, std::uint32_t hi,
              senim::ByteView context = kContext) {
  const Scalar r = Scalar::random();
  const Ciphertext ct = encrypt(s.key, m, r);
  RangeStatement st{s.key_element, Element(ct.alpha), Element(ct.beta), lo, hi};
  return {st, prove_range(s.key, st, m, r, context)};
}
}  // namespace

TEST_CASE("honest range proofs verify for every value in many ranges", "[proof][range]") {
  const Setup s;
  BatchVerifier batch;
  const std::size_t k = batch.add_shared_base(s.key.point());
  for (auto [lo, hi] : {std::pair{0U, 1U}, std::pair{0U, 0U}, std::pair{2U, 2U}, std::pair{0U, 5U},
                        std::pair{1U, 3U}}) {
    for (std::uint32_t m = lo; m <= hi; ++m) {
      const Instance in = make(s, m, lo, hi);
      INFO("m=" << m << " in [" << lo << "," << hi << "]");
      auto decoded = RangeProof::decode(in.proof.encode(), hi - lo + 1);
      REQUIRE(decoded.ok());
      REQUIRE(verify_range(*decoded, in.statement, kContext).ok());
      REQUIRE(batch_range(batch, k, *decoded, in.statement, kContext).ok());
    }
  }
  for (int i = 0; i < 40; ++i) {
    const Instance in = make(s, static_cast<std::uint32_t>(i % 2), 0, 1);
    REQUIRE(verify_range(in.proof, in.statement, kContext).ok());
    REQUIRE(batch_range(batch, k, in.proof, in.statement, kContext).ok());
  }
  CHECK(batch.verify());
}

TEST_CASE("a value outside the range cannot be proven", "[proof][range]") {
  const Setup s;
  const Scalar r = Scalar::random();
  const Ciphertext ct = encrypt(s.key, 2, r);
  RangeStatement st{s.key_element, Element(ct.alpha), Element(ct.beta), 0, 1};
  CHECK_THROWS_AS(prove_range(s.key, st, 2, r, kContext), std::invalid_argument);
  // A prover who lies about m (claims 1, encrypts 2) produces a proof that fails.
  const RangeProof lie = prove_range(s.key, st, 1, r, kContext);
  CHECK(verify_range(lie, st, kContext).error().code == Errc::equation_failed);
}

TEST_CASE("tampered range proofs are rejected with the specific error", "[proof][range]") {
  const Setup s;
  const Instance in = make(s, 1, 0, 1);
  const auto code = [&](const RangeProof& p, const RangeStatement& st, senim::ByteView ctx) {
    return verify_range(p, st, ctx).error().code;
  };
  for (std::size_t j = 0; j < 2; ++j) {
    DYNAMIC_SECTION("branch " << j << " commitment A") {
      RangeProof bad = in.proof;
      bad.branches[j].commitment_g =
          Element(bad.branches[j].commitment_g.point + Point::generator());
      CHECK(code(bad, in.statement, kContext) == Errc::challenge_mismatch);
    }
    DYNAMIC_SECTION("branch " << j << " commitment B") {
      RangeProof bad = in.proof;
      bad.branches[j].commitment_k =
          Element(bad.branches[j].commitment_k.point + Point::generator());
      CHECK(code(bad, in.statement, kContext) == Errc::challenge_mismatch);
    }
    DYNAMIC_SECTION("branch " << j << " challenge") {
      RangeProof bad = in.proof;
      bad.branches[j].challenge += Scalar::one();
      CHECK(code(bad, in.statement, kContext) == Errc::challenge_mismatch);
    }
    DYNAMIC_SECTION("branch " << j << " response") {
      RangeProof bad = in.proof;
      bad.branches[j].response += Scalar::one();
      const auto error = verify_range(bad, in.statement, kContext).error();
      CHECK(error.code == Errc::equation_failed);
      CHECK(error.message.find("branch " + std::to_string(j)) != std::string::npos);
    }
  }
  SECTION("moved challenge mass between branches keeps the sum but breaks equations") {
    RangeProof bad = in.proof;
    bad.branches[0].challenge += Scalar::one();
    bad.branches[1].challenge -= Scalar::one();
    CHECK(code(bad, in.statement, kContext) == Errc::equation_failed);
  }
  SECTION("swapped ciphertext") {
    const Instance other = make(s, 1, 0, 1);
    CHECK(code(in.proof, other.statement, kContext) == Errc::challenge_mismatch);
  }
  SECTION("another range") {
    RangeStatement st = in.statement;
    st.lo = 1;
    st.hi = 2;
    CHECK(code(in.proof, st, kContext) == Errc::challenge_mismatch);
  }
  SECTION("wrong number of branches") {
    RangeStatement st = in.statement;
    st.hi = 2;
    CHECK(code(in.proof, st, kContext) == Errc::invalid_length);
  }
  SECTION("replayed under another context (another credential)") {
    const Bytes other = {'b', 'a', 'l', 'l', 'o', 't', '2'};
    CHECK(code(in.proof, in.statement, other) == Errc::challenge_mismatch);
  }
  SECTION("a false proof makes the batch fail though its challenges add up") {
    BatchVerifier batch;
    const std::size_t k = batch.add_shared_base(s.key.point());
    RangeProof bad = in.proof;
    bad.branches[0].response += Scalar::one();
    REQUIRE(batch_range(batch, k, bad, in.statement, kContext).ok());
    CHECK_FALSE(batch.verify());
  }
}

TEST_CASE("range proof decoding checks length and encodings", "[proof][range]") {
  const Setup s;
  const Instance in = make(s, 0, 0, 1);
  const Bytes bytes = in.proof.encode();
  REQUIRE(bytes.size() == 256);
  CHECK(RangeProof::decode(bytes, 3).error().code == Errc::invalid_length);
  CHECK(RangeProof::decode(senim::ByteView(bytes).first(255), 2).error().code ==
        Errc::invalid_length);
  CHECK(RangeProof::decode(bytes, 0).error().code == Errc::invalid_length);
  Bytes bad = bytes;
  bad[128 + 31] |= 0x80;
  CHECK(RangeProof::decode(bad, 2).error().code == Errc::invalid_encoding);
  bad = bytes;
  bad[64 + 31] = 0xff;
  CHECK(RangeProof::decode(bad, 2).error().code == Errc::invalid_encoding);
}
