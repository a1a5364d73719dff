// Threshold decryption (docs/protocol.md §6.6–§6.7) on keys from a real ceremony.
#include "crypto/threshold_decryption.hpp"

#include <array>
#include <catch2/catch.hpp>

#include "crypto/batch_verifier.hpp"
#include "crypto/dlog.hpp"
#include "crypto/elgamal.hpp"
#include "tests/crypto/ceremony_fixture.hpp"

using senim::Bytes;
using senim::ByteView;
using senim::Errc;
using senim::crypto::BatchVerifier;
using senim::crypto::Ciphertext;
using senim::crypto::DiscreteLog;
using senim::crypto::Element;
using senim::crypto::encode_message;
using senim::crypto::encrypt;
using senim::crypto::lagrange_coefficient;
using senim::crypto::PartialDecryption;
using senim::crypto::Point;
using senim::crypto::PublicKey;
using senim::crypto::Scalar;
using senim::crypto::SecretPolynomial;
using senim::test::CeremonyRun;
using senim::test::run_ceremony;
using senim::test::subsets;

namespace {
constexpr std::array<std::uint8_t, 8> kCeremony = {'c', 'e', 'r', 'e', 'm', 'o', 'n', 'y'};
constexpr std::array<std::uint8_t, 7> kContext = {'t', 'a', 'l', 'l', 'y', '-', '1'};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Encrypts each value under the joint key and returns the homomorphic sum.
Ciphertext encrypted_total(const CeremonyRun& run, std::initializer_list<std::uint64_t> values) {
  const PublicKey key(run.joint_key.point);
  Ciphertext sum{Point::identity(), Point::identity()};
  for (std::uint64_t m : values)
    sum += encrypt(key, m, Scalar::random());
  return sum;
}

PartialDecryption partial_of(const CeremonyRun& run, std::uint32_t t, const Ciphertext& ct) {
  return make_partial_decryption(t, run.secret_shares[t - 1], run.verification_keys[t - 1], ct,
                                 kContext);
}

std::vector<PartialDecryption> pick(const std::vector<PartialDecryption>& all,
                                    const std::vector<std::uint32_t>& set) {
  std::vector<PartialDecryption> out;
  out.reserve(set.size());
  for (std::uint32_t t : set)
    out.push_back(all.at(t - 1));
  return out;
}

// β − Σ_{t∈S} λ_t·D_t computed directly, for any set (even one the API refuses).
Point combine_by_hand(const std::vector<PartialDecryption>& partials, const Ciphertext& ct) {
  std::vector<std::uint32_t> set;
  set.reserve(partials.size());
  for (const auto& p : partials)
    set.push_back(p.trustee);
  Point result = ct.beta;
  for (const auto& p : partials) {
    auto lambda = lagrange_coefficient(p.trustee, set);
    REQUIRE(lambda.ok());
    result -= p.share.point * *lambda;
  }
  return result;
}
}  // namespace

TEST_CASE("every k trustees decrypt the homomorphic total, and k - 1 cannot",
          "[threshold][proof]") {
  const DiscreteLog dlog(1000);
  for (auto [n, k] : {std::pair{1U, 1U}, std::pair{3U, 2U}, std::pair{5U, 3U}, std::pair{4U, 4U}}) {
    DYNAMIC_SECTION("n = " << n << ", k = " << k) {
      const CeremonyRun run = run_ceremony(n, k, kCeremony);
      const std::uint64_t total = 3 + 0 + 7 + 1 + 12;
      const Ciphertext ct = encrypted_total(run, {3, 0, 7, 1, 12});
      const Point expected = encode_message(total);

      // Every trustee's partial decryption verifies, alone and in one batch.
      std::vector<PartialDecryption> partials;
      BatchVerifier batch;
      for (std::uint32_t t = 1; t <= n; ++t) {
        partials.push_back(partial_of(run, t, ct));
        REQUIRE(
            verify_partial_decryption(partials.back(), run.verification_keys[t - 1], ct, kContext)
                .ok());
        REQUIRE(batch_partial_decryption(batch, partials.back(), run.verification_keys[t - 1], ct,
                                         kContext)
                    .ok());
      }
      CHECK(batch.verify());

      // Every subset of exactly k trustees decrypts the total.
      for (const auto& set : subsets(n, k)) {
        auto point = combine_partial_decryptions(pick(partials, set), k, ct);
        REQUIRE(point.ok());
        CHECK(*point == expected);
        CHECK(dlog.solve(*point) == total);
      }
      // So does every larger subset, up to all n.
      for (std::uint32_t size = k + 1; size <= n; ++size) {
        for (const auto& set : subsets(n, size)) {
          CHECK(*combine_partial_decryptions(pick(partials, set), k, ct) == expected);
        }
      }
      // Every subset of k − 1: the API refuses, and the arithmetic would be wrong anyway.
      for (const auto& set : subsets(n, k - 1)) {
        const auto subset = pick(partials, set);
        const auto error = combine_partial_decryptions(subset, k, ct).error();
        CHECK(error.code == Errc::invalid_argument);
        CHECK(contains(error.message, "k = " + std::to_string(k)));
        CHECK(contains(error.message, "got " + std::to_string(k - 1)));
        const Point wrong = combine_by_hand(subset, ct);
        CHECK_FALSE(wrong == expected);
        CHECK_FALSE(dlog.solve(wrong).has_value());
      }
      // A wrong partial decryption spoils the result, and its proof fails.
      for (const auto& set : subsets(n, k)) {
        auto subset = pick(partials, set);
        const std::uint32_t t = set.front();
        for (int variant = 0; variant < 2; ++variant) {
          PartialDecryption& bad = subset.front();
          if (variant == 0) {
            // D_t shifted by G, the honest proof kept.
            bad = partials[t - 1];
            bad.share = Element(bad.share.point + Point::generator());
          } else {
            // Made with a wrong secret share x_t + 1 (against the true X_t).
            bad = make_partial_decryption(t, run.secret_shares[t - 1] + Scalar::one(),
                                          run.verification_keys[t - 1], ct, kContext);
          }
          INFO("trustee " << t << ", variant " << variant);
          const auto error =
              verify_partial_decryption(bad, run.verification_keys[t - 1], ct, kContext).error();
          CHECK(error.code == Errc::equation_failed);
          CHECK(contains(error.message, "trustee " + std::to_string(t)));
          auto point = combine_partial_decryptions(subset, k, ct);
          REQUIRE(point.ok());  // combination trusts its input: §6.6.3 comes first
          CHECK_FALSE(*point == expected);
        }
      }
    }
  }
}

TEST_CASE("Lagrange coefficients interpolate at 0 and reject bad sets", "[threshold]") {
  const std::vector<std::uint32_t> pair = {1, 2};
  CHECK(lagrange_coefficient(1, pair)->ct_equals(Scalar::from_u64(2)));  // 2 / (2 − 1)
  CHECK(lagrange_coefficient(2, pair)->ct_equals(-Scalar::one()));       // 1 / (1 − 2)
  const std::vector<std::uint32_t> single = {7};
  CHECK(lagrange_coefficient(7, single)->ct_equals(Scalar::one()));

  // Σ λ_t·f(t) = f(0) for a random f of degree |S| − 1, also for large indices.
  for (const std::vector<std::uint32_t>& set :
       {std::vector<std::uint32_t>{1, 3, 4}, std::vector<std::uint32_t>{255, 2, 100, 17},
        std::vector<std::uint32_t>{5, 4, 3, 2, 1}}) {
    const SecretPolynomial f = SecretPolynomial::random(set.size());
    Scalar sum;
    for (std::uint32_t t : set)
      sum += *lagrange_coefficient(t, set) * f.evaluate(t);
    CHECK(sum.ct_equals(f.coefficient(0)));
  }

  const std::vector<std::uint32_t> duplicate = {1, 2, 2};
  const auto error = lagrange_coefficient(1, duplicate).error();
  CHECK(error.code == Errc::invalid_argument);
  CHECK(contains(error.message, "trustee 2 appears twice"));
  const std::vector<std::uint32_t> with_zero = {0, 1, 2};
  CHECK(lagrange_coefficient(1, with_zero).error().code == Errc::out_of_range);
  const std::vector<std::uint32_t> too_big = {1, 256};
  CHECK(lagrange_coefficient(1, too_big).error().code == Errc::out_of_range);
  CHECK(lagrange_coefficient(0, pair).error().code == Errc::out_of_range);
  const auto missing = lagrange_coefficient(3, pair).error();
  CHECK(missing.code == Errc::invalid_argument);
  CHECK(contains(missing.message, "trustee 3 is not in the set"));
}

TEST_CASE("combining refuses too few, repeated or invalid trustees", "[threshold]") {
  const CeremonyRun run = run_ceremony(4, 3, kCeremony);
  const Ciphertext ct = encrypted_total(run, {1, 1});
  std::vector<PartialDecryption> partials;
  for (std::uint32_t t = 1; t <= 4; ++t)
    partials.push_back(partial_of(run, t, ct));

  SECTION("too-few") {
    const auto error = combine_partial_decryptions(pick(partials, {1, 4}), 3, ct).error();
    CHECK(error.code == Errc::invalid_argument);
    CHECK(contains(error.message, "need at least k = 3 partial decryptions, got 2"));
    CHECK(combine_partial_decryptions({}, 3, ct).error().code == Errc::invalid_argument);
  }
  SECTION("repeated-trustee") {
    // Three partial decryptions, but only two trustees.
    const auto error = combine_partial_decryptions(pick(partials, {2, 3, 2}), 3, ct).error();
    CHECK(error.code == Errc::invalid_argument);
    CHECK(contains(error.message, "trustee 2 appears twice"));
  }
  SECTION("index-out-of-range") {
    auto bad = pick(partials, {1, 2, 3});
    bad[1].trustee = 0;
    CHECK(combine_partial_decryptions(bad, 3, ct).error().code == Errc::out_of_range);
  }
  SECTION("bad-threshold") {
    CHECK(combine_partial_decryptions(partials, 0, ct).error().code == Errc::invalid_argument);
    CHECK(combine_partial_decryptions(partials, 256, ct).error().code == Errc::invalid_argument);
  }
  SECTION("order-does-not-matter") {
    CHECK(*combine_partial_decryptions(pick(partials, {4, 1, 3}), 3, ct) == encode_message(2));
  }
}

TEST_CASE("tampered partial decryptions are rejected with the specific error",
          "[threshold][proof]") {
  const CeremonyRun run = run_ceremony(3, 2, kCeremony);
  const Ciphertext ct = encrypted_total(run, {5});
  const Element& x2 = run.verification_keys[1];
  const PartialDecryption honest = partial_of(run, 2, ct);
  REQUIRE(verify_partial_decryption(honest, x2, ct, kContext).ok());
  const auto code = [&](const PartialDecryption& p, const Element& key, const Ciphertext& c,
                        ByteView context) {
    const auto st = verify_partial_decryption(p, key, c, context);
    return st.ok() ? std::optional<Errc>{} : std::optional<Errc>{st.error().code};
  };

  SECTION("changed-D") {
    PartialDecryption bad = honest;
    bad.share = Element(bad.share.point + Point::generator());
    CHECK(code(bad, x2, ct, kContext) == Errc::equation_failed);
  }
  SECTION("changed-R1") {
    PartialDecryption bad = honest;
    bad.proof.commitment_g = Element(bad.proof.commitment_g.point + Point::generator());
    CHECK(code(bad, x2, ct, kContext) == Errc::equation_failed);
  }
  SECTION("changed-R2") {
    PartialDecryption bad = honest;
    bad.proof.commitment_a = Element(bad.proof.commitment_a.point + Point::generator());
    CHECK(code(bad, x2, ct, kContext) == Errc::equation_failed);
  }
  SECTION("changed-response") {
    PartialDecryption bad = honest;
    bad.proof.response += Scalar::one();
    CHECK(code(bad, x2, ct, kContext) == Errc::equation_failed);
  }
  SECTION("replayed-under-another-context") {
    const Bytes other = {'t', 'a', 'l', 'l', 'y', '-', '2'};
    CHECK(code(honest, x2, ct, other) == Errc::equation_failed);
  }
  SECTION("another-ciphertext") {
    const Ciphertext other = encrypted_total(run, {5});
    CHECK(code(honest, x2, other, kContext) == Errc::equation_failed);
  }
  SECTION("same-alpha-other-beta") {
    // D_t depends only on α, but the proof binds the whole ciphertext.
    const Ciphertext other{ct.alpha, ct.beta + Point::generator()};
    CHECK(code(honest, x2, other, kContext) == Errc::equation_failed);
  }
  SECTION("relabelled-as-another-trustee") {
    PartialDecryption bad = honest;
    bad.trustee = 3;
    CHECK(code(bad, run.verification_keys[2], ct, kContext) == Errc::equation_failed);
    CHECK(code(bad, x2, ct, kContext) == Errc::equation_failed);  // t is in the context
  }
  SECTION("checked-against-another-trustee-key") {
    CHECK(code(honest, run.verification_keys[0], ct, kContext) == Errc::equation_failed);
  }
  SECTION("index-out-of-range") {
    PartialDecryption bad = honest;
    bad.trustee = 0;
    CHECK(code(bad, x2, ct, kContext) == Errc::out_of_range);
    BatchVerifier batch;
    CHECK(batch_partial_decryption(batch, bad, x2, ct, kContext).error().code ==
          Errc::out_of_range);
    CHECK_THROWS_AS(make_partial_decryption(0, run.secret_shares[0], x2, ct, kContext),
                    std::invalid_argument);
  }
  SECTION("a false partial decryption makes the batch fail") {
    BatchVerifier batch;
    PartialDecryption bad = honest;
    bad.share = Element(bad.share.point + Point::generator());
    REQUIRE(batch_partial_decryption(batch, partial_of(run, 1, ct), run.verification_keys[0], ct,
                                     kContext)
                .ok());
    REQUIRE(batch_partial_decryption(batch, bad, x2, ct, kContext).ok());
    CHECK_FALSE(batch.verify());
  }
}

TEST_CASE("partial decryption encoding is strict", "[threshold][proof]") {
  const CeremonyRun run = run_ceremony(2, 2, kCeremony);
  const Ciphertext ct = encrypted_total(run, {1});
  const PartialDecryption p = partial_of(run, 2, ct);
  const Bytes bytes = p.encode();
  REQUIRE(bytes.size() == PartialDecryption::kBytes);
  REQUIRE(bytes.size() == 132);
  CHECK(Bytes(bytes.begin(), bytes.begin() + 4) == Bytes{0, 0, 0, 2});
  CHECK(Bytes(bytes.begin() + 36, bytes.end()) == p.proof.encode());
  auto back = PartialDecryption::decode(bytes);
  REQUIRE(back.ok());
  CHECK(back->encode() == bytes);
  CHECK(verify_partial_decryption(*back, run.verification_keys[1], ct, kContext).ok());

  SECTION("truncated") {
    CHECK(PartialDecryption::decode(ByteView(bytes).first(131)).error().code ==
          Errc::invalid_length);
  }
  SECTION("extended") {
    Bytes longer = bytes;
    longer.push_back(0);
    CHECK(PartialDecryption::decode(longer).error().code == Errc::invalid_length);
    CHECK(PartialDecryption::decode({}).error().code == Errc::invalid_length);
  }
  SECTION("non-canonical-D") {
    Bytes bad = bytes;
    bad[4 + 31] |= 0x80;
    CHECK(PartialDecryption::decode(bad).error().code == Errc::invalid_encoding);
  }
  SECTION("non-canonical-R2") {
    Bytes bad = bytes;
    bad[36 + 32 + 31] |= 0x80;
    CHECK(PartialDecryption::decode(bad).error().code == Errc::invalid_encoding);
  }
  SECTION("non-canonical-response") {
    Bytes bad = bytes;
    bad[131] = 0xff;
    CHECK(PartialDecryption::decode(bad).error().code == Errc::invalid_encoding);
  }
}
