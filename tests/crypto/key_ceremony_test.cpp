// The key ceremony (docs/protocol.md §6.1–§6.5): secret polynomials, Feldman
// commitments with proofs of knowledge, sealed shares, share verification,
// complaints, and the joint and trustee keys.
#include "crypto/key_ceremony.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>

#include "crypto/polynomial.hpp"
#include "crypto/threshold_decryption.hpp"
#include "tests/crypto/ceremony_fixture.hpp"

using senim::Bytes;
using senim::ByteView;
using senim::Errc;
using senim::crypto::BoxKeyPair;
using senim::crypto::BoxPublicKey;
using senim::crypto::BoxSecretKey;
using senim::crypto::CeremonyParameters;
using senim::crypto::ComplaintEvidence;
using senim::crypto::DealerCommitment;
using senim::crypto::Element;
using senim::crypto::kSealedShareBytes;
using senim::crypto::Point;
using senim::crypto::Scalar;
using senim::crypto::SecretPolynomial;
using senim::test::CeremonyRun;
using senim::test::run_ceremony;

namespace {
constexpr std::array<std::uint8_t, 10> kContext = {'c', 'e', 'r', 'e', 'm',
                                                   'o', 'n', 'y', '-', '1'};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<Scalar> scalars(std::initializer_list<std::uint64_t> values) {
  std::vector<Scalar> out;
  for (auto v : values)
    out.push_back(Scalar::from_u64(v));
  return out;
}
}  // namespace

// ---------------------------------------------------------------------------
// §6.1, §6.2: parameters and polynomials.

TEST_CASE("ceremony parameters need 1 <= k <= n <= 255", "[threshold]") {
  CHECK(CeremonyParameters{1, 1}.check().ok());
  CHECK(CeremonyParameters{5, 3}.check().ok());
  CHECK(CeremonyParameters{255, 255}.check().ok());
  for (auto [n, k] :
       {std::pair{0U, 0U}, std::pair{3U, 0U}, std::pair{3U, 4U}, std::pair{256U, 1U}}) {
    INFO("n = " << n << ", k = " << k);
    const auto error = CeremonyParameters{n, k}.check().error();
    CHECK(error.code == Errc::invalid_argument);
    CHECK(contains(error.message, "n = " + std::to_string(n)));
  }
}

TEST_CASE("a secret polynomial evaluates by Horner and commits to its coefficients",
          "[threshold]") {
  // f(z) = 3 + 5z + 7z²: f(1) = 15, f(2) = 41, f(255) = 3 + 1275 + 455175.
  const SecretPolynomial f = SecretPolynomial::from_coefficients(scalars({3, 5, 7}));
  CHECK(f.threshold() == 3);
  CHECK(f.evaluate(1).ct_equals(Scalar::from_u64(15)));
  CHECK(f.evaluate(2).ct_equals(Scalar::from_u64(41)));
  CHECK(f.evaluate(255).ct_equals(Scalar::from_u64(3 + 5 * 255 + 7 * 255 * 255)));
  const auto commitments = f.commitments();
  REQUIRE(commitments.size() == 3);
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(commitments[j].point == Point::mul_generator(f.coefficient(j)));
    CHECK(commitments[j].bytes == commitments[j].point.encode());
  }
  // A constant polynomial shares the same value with everyone.
  const SecretPolynomial c = SecretPolynomial::from_coefficients(scalars({9}));
  CHECK(c.evaluate(1).ct_equals(Scalar::from_u64(9)));
  CHECK(c.evaluate(200).ct_equals(Scalar::from_u64(9)));

  // Random polynomials agree with a naive Σ a_j·z^j.
  const SecretPolynomial r = SecretPolynomial::random(5);
  for (std::uint32_t z : {1U, 2U, 17U, 255U}) {
    Scalar naive;
    Scalar power = Scalar::one();
    for (std::size_t j = 0; j < 5; ++j) {
      naive += r.coefficient(j) * power;
      power *= Scalar::from_u64(z);
    }
    CHECK(r.evaluate(z).ct_equals(naive));
  }
}

TEST_CASE("a secret polynomial refuses f(0) and out-of-range thresholds", "[threshold]") {
  CHECK_THROWS_AS(SecretPolynomial::random(2).evaluate(0), std::invalid_argument);
  CHECK_THROWS_AS(SecretPolynomial::random(0), std::invalid_argument);
  CHECK_THROWS_AS(SecretPolynomial::random(256), std::invalid_argument);
  CHECK_THROWS_AS(SecretPolynomial::from_coefficients({}), std::invalid_argument);
  CHECK(SecretPolynomial::random(255).threshold() == 255);
}

// ---------------------------------------------------------------------------
// A full honest ceremony.

TEST_CASE("a full key ceremony: every share verifies and every trustee key matches",
          "[threshold][proof]") {
  for (auto [n, k] : {std::pair{1U, 1U}, std::pair{3U, 2U}, std::pair{5U, 3U}, std::pair{4U, 4U}}) {
    DYNAMIC_SECTION("n = " << n << ", k = " << k) {
      // run_ceremony REQUIREs every commitment, box and share along the way.
      const CeremonyRun run = run_ceremony(n, k, kContext);

      // Commitments survive encoding, byte for byte, and still verify.
      for (const DealerCommitment& c : run.commitments) {
        const Bytes bytes = c.encode();
        REQUIRE(bytes.size() == DealerCommitment::encoded_size(k));
        auto back = DealerCommitment::decode(bytes, k);
        REQUIRE(back.ok());
        CHECK(back->encode() == bytes);
        CHECK(verify_dealer_commitment(*back, run.parameters, kContext).ok());
      }
      // Every box is 88 bytes and opens to f_i(t).
      for (std::uint32_t i = 1; i <= n; ++i) {
        for (std::uint32_t t = 1; t <= n; ++t) {
          if (i == t)
            continue;
          CHECK(run.box(i, t).size() == kSealedShareBytes);
          CHECK(run.received[t - 1][i - 1].ct_equals(run.polynomials[i - 1].evaluate(t)));
        }
      }
      // K = Σ A_{i,0} = (Σ a_{i,0})·G.
      Point sum_a0;
      Scalar x;
      for (std::uint32_t i = 1; i <= n; ++i) {
        sum_a0 += run.commitment_of(i).coefficients[0].point;
        x += run.polynomials[i - 1].coefficient(0);
      }
      CHECK(run.joint_key.point == sum_a0);
      CHECK(run.joint_key.point == Point::mul_generator(x));
      CHECK(run.joint_key.bytes == sum_a0.encode());
      // x_t·G = X_t, and x_t = F(t) for F = Σ f_i.
      for (std::uint32_t t = 1; t <= n; ++t) {
        CHECK(Point::mul_generator(run.secret_shares[t - 1]) == run.verification_keys[t - 1].point);
        Scalar f_t;
        for (const auto& f : run.polynomials)
          f_t += f.evaluate(t);
        CHECK(run.secret_shares[t - 1].ct_equals(f_t));
      }
      // Any k final shares interpolate to the joint secret x at 0.
      for (const auto& set : senim::test::subsets(n, k)) {
        Scalar interpolated;
        for (std::uint32_t t : set) {
          auto lambda = senim::crypto::lagrange_coefficient(t, set);
          REQUIRE(lambda.ok());
          interpolated += *lambda * run.secret_shares[t - 1];
        }
        CHECK(interpolated.ct_equals(x));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// §6.4: a bad share, and complaints.

TEST_CASE("a bad share is caught, and the complaint proves the dealer cheated", "[threshold]") {
  const CeremonyRun run = run_ceremony(4, 2, kContext);
  // Dealer 2 sends recipient 3 a share that is off by one.
  const Scalar good = run.polynomials[1].evaluate(3);
  const Scalar bad_share = good + Scalar::one();
  auto sealed = seal_share(2, 3, bad_share, run.keys_of(3).public_key);
  REQUIRE(sealed.ok());
  const Bytes bad_box = *sealed;

  // Recipient 3 opens it: a canonical scalar, but not the committed value.
  auto opened = open_share(bad_box, 2, 3, run.keys_of(3));
  REQUIRE(opened.ok());
  const auto share_error = verify_share(run.commitment_of(2), 3, *opened).error();
  CHECK(share_error.code == Errc::bad_share);
  CHECK(contains(share_error.message, "dealer 2"));
  CHECK(contains(share_error.message, "trustee 3"));

  // Summing it anyway gives a final share that does not match X_3.
  std::vector<Scalar> shares = run.received[2];
  shares[1] = *opened;
  CHECK(final_secret_share(3, shares, run.commitments).error().code == Errc::bad_share);

  // Trustee 3 complains by publishing its box secret key; anyone can check.
  const ComplaintEvidence evidence = make_complaint(3, 2, run.keys_of(3));
  auto decoded = ComplaintEvidence::decode(evidence.encode());
  REQUIRE(decoded.ok());
  CHECK(decoded->encode() == evidence.encode());
  auto verdict =
      verify_complaint(*decoded, run.keys_of(3).public_key, bad_box, run.commitment_of(2));
  REQUIRE(verdict.ok());
  CHECK(verdict->dealer == 2);
  CHECK(verdict->accuser == 3);
  CHECK(verdict->reason.code == Errc::bad_share);

  SECTION("a false complaint against an honest dealer is rejected") {
    const ComplaintEvidence against_1 = make_complaint(3, 1, run.keys_of(3));
    const auto error =
        verify_complaint(against_1, run.keys_of(3).public_key, run.box(1, 3), run.commitment_of(1))
            .error();
    CHECK(error.code == Errc::invalid_argument);
    CHECK(contains(error.message, "unfounded"));
    // Also when it is dealer 2's honest box that is shown, not the bad one.
    CHECK(verify_complaint(evidence, run.keys_of(3).public_key, run.box(2, 3), run.commitment_of(2))
              .error()
              .code == Errc::invalid_argument);
  }
  SECTION("a complaint whose secret key does not match the posted box key is rejected") {
    ComplaintEvidence wrong = evidence;
    wrong.box_secret_key = run.keys_of(4).secret_key;  // someone else's key
    CHECK(verify_complaint(wrong, run.keys_of(3).public_key, bad_box, run.commitment_of(2))
              .error()
              .code == Errc::equation_failed);
    wrong.box_secret_key = BoxKeyPair::generate().secret_key;  // a fresh key
    const auto error =
        verify_complaint(wrong, run.keys_of(3).public_key, bad_box, run.commitment_of(2)).error();
    CHECK(error.code == Errc::equation_failed);
    CHECK(contains(error.message, "does not match"));
  }
  SECTION("a complaint judged against another dealer's commitment is rejected") {
    CHECK(verify_complaint(evidence, run.keys_of(3).public_key, bad_box, run.commitment_of(1))
              .error()
              .code == Errc::invalid_argument);
    const ComplaintEvidence self = make_complaint(2, 2, run.keys_of(2));
    CHECK(verify_complaint(self, run.keys_of(2).public_key, bad_box, run.commitment_of(2))
              .error()
              .code == Errc::invalid_argument);
  }
  SECTION("a redirected box (sent to 3, claimed for 4) is caught") {
    // The box dealer 2 sealed for 3, posted as its box for 4, does not open for 4.
    const Bytes& for_3 = run.box(2, 3);
    CHECK(open_share(for_3, 2, 4, run.keys_of(4)).error().code == Errc::decryption_failed);
    const auto upheld = verify_complaint(make_complaint(4, 2, run.keys_of(4)),
                                         run.keys_of(4).public_key, for_3, run.commitment_of(2));
    REQUIRE(upheld.ok());
    CHECK(upheld->dealer == 2);
    CHECK(upheld->reason.code == Errc::decryption_failed);
  }
  SECTION("a box sealed to 4 but naming recipient 3 is caught by its fields") {
    // The share for 3, re-sealed under 4's key: it opens, but says "to 3".
    auto resealed = seal_share(2, 3, good, run.keys_of(4).public_key);
    REQUIRE(resealed.ok());
    const auto error = open_share(*resealed, 2, 4, run.keys_of(4)).error();
    CHECK(error.code == Errc::decryption_failed);
    CHECK(contains(error.message, "redirected"));
    const auto upheld =
        verify_complaint(make_complaint(4, 2, run.keys_of(4)), run.keys_of(4).public_key, *resealed,
                         run.commitment_of(2));
    REQUIRE(upheld.ok());
    CHECK(upheld->dealer == 2);
    CHECK(upheld->reason.code == Errc::decryption_failed);
  }
  SECTION("dealer 1's box copied into dealer 2's message is caught by its fields") {
    CHECK(open_share(run.box(1, 3), 2, 3, run.keys_of(3)).error().code == Errc::decryption_failed);
    const auto upheld =
        verify_complaint(evidence, run.keys_of(3).public_key, run.box(1, 3), run.commitment_of(2));
    REQUIRE(upheld.ok());
    CHECK(upheld->dealer == 2);
  }
  SECTION(
      "a box of the wrong length, or one holding a non-canonical scalar, is the dealer's fault") {
    const Bytes truncated(bad_box.begin(), bad_box.end() - 1);
    CHECK(open_share(truncated, 2, 3, run.keys_of(3)).error().code == Errc::invalid_length);
    auto upheld =
        verify_complaint(evidence, run.keys_of(3).public_key, truncated, run.commitment_of(2));
    REQUIRE(upheld.ok());
    CHECK(upheld->reason.code == Errc::invalid_length);

    // Plaintext u32_be(2) ‖ u32_be(3) ‖ 0xff…ff, sealed by hand.
    Bytes plaintext = {0, 0, 0, 2, 0, 0, 0, 3};
    plaintext.resize(40, 0xff);
    Bytes non_canonical(kSealedShareBytes);
    REQUIRE(crypto_box_seal(non_canonical.data(), plaintext.data(), plaintext.size(),
                            run.keys_of(3).public_key.data()) == 0);
    CHECK(open_share(non_canonical, 2, 3, run.keys_of(3)).error().code == Errc::invalid_encoding);
    upheld =
        verify_complaint(evidence, run.keys_of(3).public_key, non_canonical, run.commitment_of(2));
    REQUIRE(upheld.ok());
    CHECK(upheld->reason.code == Errc::invalid_encoding);
  }
}

TEST_CASE("box keys and complaint evidence have strict encodings", "[threshold]") {
  const BoxKeyPair keys = BoxKeyPair::generate();
  CHECK(keys.secret_key.public_key() == keys.public_key);
  auto back = BoxSecretKey::decode(keys.secret_key.bytes());
  REQUIRE(back.ok());
  CHECK(back->public_key() == keys.public_key);
  CHECK(BoxSecretKey::decode(Bytes(31, 1)).error().code == Errc::invalid_length);
  CHECK(BoxSecretKey::decode(Bytes(33, 1)).error().code == Errc::invalid_length);
  CHECK(ComplaintEvidence::decode(Bytes(39, 0)).error().code == Errc::invalid_length);
  CHECK(ComplaintEvidence::decode(Bytes(41, 0)).error().code == Errc::invalid_length);
  const Bytes encoded = make_complaint(7, 2, keys).encode();
  REQUIRE(encoded.size() == ComplaintEvidence::kBytes);
  CHECK(Bytes(encoded.begin(), encoded.begin() + 8) == Bytes{0, 0, 0, 7, 0, 0, 0, 2});
}

TEST_CASE("sealing refuses bad indices and a low-order box key", "[threshold]") {
  const BoxKeyPair keys = BoxKeyPair::generate();
  const Scalar s = Scalar::random();
  CHECK(seal_share(0, 1, s, keys.public_key).error().code == Errc::out_of_range);
  CHECK(seal_share(1, 256, s, keys.public_key).error().code == Errc::out_of_range);
  const BoxPublicKey zero{};  // the X25519 point of order 1 (u = 0)
  CHECK(seal_share(1, 2, s, zero).error().code == Errc::invalid_argument);
  // Boxes are randomised: sealing twice gives different bytes that open alike.
  auto a = seal_share(1, 2, s, keys.public_key);
  auto b = seal_share(1, 2, s, keys.public_key);
  REQUIRE((a.ok() && b.ok()));
  CHECK(*a != *b);
  CHECK(open_share(*a, 1, 2, keys)->ct_equals(s));
  CHECK(open_share(*b, 1, 2, keys)->ct_equals(s));
}

// §6.3.1: the small-order points, written independently of the code's list
// (RFC 7748 §6.1 and libsodium's blacklist), and the encodings X25519
// would reduce. Each must also be one that libsodium itself refuses or
// treats as another key, so the list is not merely the code agreeing with itself.
TEST_CASE("box keys of small order or with a non-canonical encoding are refused", "[threshold]") {
  const auto key = [](const std::string& hex) {
    BoxPublicKey k{};
    REQUIRE(sodium_hex2bin(k.data(), k.size(), hex.data(), hex.size(), nullptr, nullptr, nullptr) ==
            0);
    return k;
  };
  const std::string p_minus_1 = "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
  const std::vector<std::string> small_order{
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", p_minus_1};
  const Scalar share = Scalar::random();
  for (const auto& hex : small_order) {
    INFO(hex);
    const auto st = senim::crypto::check_box_public_key(key(hex));
    REQUIRE(!st.ok());
    CHECK(st.error().code == Errc::invalid_argument);
    CHECK(contains(st.error().message, "small order"));
    // libsodium agrees: X25519 with it fails, and nothing can be sealed to it.
    std::array<std::uint8_t, 32> out{};
    CHECK(crypto_scalarmult(out.data(), BoxKeyPair::generate().secret_key.bytes().data(),
                            key(hex).data()) != 0);
    CHECK(senim::crypto::seal_share(1, 2, share, key(hex)).error().code == Errc::invalid_argument);
  }
  const BoxKeyPair honest = BoxKeyPair::generate();
  CHECK(senim::crypto::check_box_public_key(honest.public_key).ok());
  BoxPublicKey high_bit = honest.public_key;
  high_bit[31] |= 0x80;  // X25519 ignores bit 255: the same key under other bytes
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  const BoxKeyPair other = BoxKeyPair::generate();
  REQUIRE(crypto_scalarmult(a.data(), other.secret_key.bytes().data(), honest.public_key.data()) ==
          0);
  REQUIRE(crypto_scalarmult(b.data(), other.secret_key.bytes().data(), high_bit.data()) == 0);
  CHECK(a == b);
  const std::vector<std::string> non_canonical{
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p, i.e. 0
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1, i.e. 1
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 18
      "0900000000000000000000000000000000000000000000000000000000000080",  // 9 + 2^255
      senim::to_hex(high_bit)};
  for (const auto& hex : non_canonical) {
    INFO(hex);
    const auto st = senim::crypto::check_box_public_key(key(hex));
    REQUIRE(!st.ok());
    CHECK(st.error().code == Errc::invalid_encoding);
    CHECK(contains(st.error().message, "not canonical"));
  }
  // The largest canonical u, p − 1, is refused for its order, not its encoding;
  // the one below it is an ordinary key.
  CHECK(senim::crypto::check_box_public_key(key(p_minus_1)).error().code == Errc::invalid_argument);
  CHECK(senim::crypto::check_box_public_key(
            key("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
            .ok());
}

// ---------------------------------------------------------------------------
// §6.2.3: tampered dealer commitments.

TEST_CASE("tampered dealer commitments are rejected with the specific error",
          "[threshold][proof]") {
  const CeremonyParameters params{3, 3};
  const SecretPolynomial f = SecretPolynomial::random(3);
  const DealerCommitment honest = make_dealer_commitment(2, f, kContext);
  REQUIRE(verify_dealer_commitment(honest, params, kContext).ok());
  const auto code = [&](const DealerCommitment& c, const CeremonyParameters& p = {3, 3},
                        ByteView context = kContext) {
    const auto st = verify_dealer_commitment(c, p, context);
    return st.ok() ? std::optional<Errc>{} : std::optional<Errc>{st.error().code};
  };

  SECTION("changed-commitment") {
    DealerCommitment bad = honest;
    bad.coefficients[1] = Element(bad.coefficients[1].point + Point::generator());
    const auto error = verify_dealer_commitment(bad, params, kContext).error();
    CHECK(error.code == Errc::equation_failed);
    CHECK(contains(error.message, "dealer 2, coefficient 1"));
  }
  SECTION("changed-response") {
    DealerCommitment bad = honest;
    bad.proofs[2].response += Scalar::one();
    CHECK(code(bad) == Errc::equation_failed);
  }
  SECTION("changed-proof-commitment") {
    DealerCommitment bad = honest;
    bad.proofs[0].commitment = Element(bad.proofs[0].commitment.point + Point::generator());
    CHECK(code(bad) == Errc::equation_failed);
  }
  SECTION("proof-moved-to-another-coefficient") {
    // Swap (A_1, π_1) with (A_2, π_2): each proof is about its own A, but bound to j.
    DealerCommitment bad = honest;
    std::swap(bad.coefficients[1], bad.coefficients[2]);
    std::swap(bad.proofs[1], bad.proofs[2]);
    const auto error = verify_dealer_commitment(bad, params, kContext).error();
    CHECK(error.code == Errc::equation_failed);
    CHECK(contains(error.message, "coefficient 1"));
  }
  SECTION("proof-moved-to-another-dealer") {
    DealerCommitment bad = honest;
    bad.dealer = 3;  // dealer 3 replays dealer 2's commitment as its own
    const auto error = verify_dealer_commitment(bad, params, kContext).error();
    CHECK(error.code == Errc::equation_failed);
    CHECK(contains(error.message, "dealer 3, coefficient 0"));
  }
  SECTION("replayed-under-another-context") {
    const Bytes other = {'c', 'e', 'r', 'e', 'm', 'o', 'n', 'y', '-', '2'};
    CHECK(code(honest, params, other) == Errc::equation_failed);
  }
  SECTION("truncated-to-a-smaller-threshold") {
    // The first two coefficients alone, offered in a k = 2 ceremony: the proofs bind k.
    DealerCommitment bad = honest;
    bad.coefficients.pop_back();
    bad.proofs.pop_back();
    CHECK(code(bad, {3, 2}) == Errc::equation_failed);
  }
  SECTION("wrong-number-of-commitments-or-proofs") {
    CHECK(code(honest, {3, 2}) == Errc::invalid_length);
    DealerCommitment bad = honest;
    bad.proofs.pop_back();
    CHECK(code(bad) == Errc::invalid_length);
    bad = honest;
    bad.coefficients.push_back(bad.coefficients[0]);
    CHECK(code(bad) == Errc::invalid_length);
  }
  SECTION("dealer-index-out-of-range") {
    DealerCommitment bad = honest;
    bad.dealer = 0;
    CHECK(code(bad) == Errc::out_of_range);
    bad.dealer = 4;  // n = 3
    CHECK(code(bad) == Errc::out_of_range);
  }
  SECTION("identity-as-A0") {
    // a_0 = 0: the proofs are valid, but the dealer adds nothing secret to K.
    auto coefficients = std::vector<Scalar>{Scalar::zero(), Scalar::random(), Scalar::random()};
    const SecretPolynomial zero_secret = SecretPolynomial::from_coefficients(coefficients);
    const DealerCommitment bad = make_dealer_commitment(2, zero_secret, kContext);
    CHECK(code(bad) == Errc::invalid_encoding);
  }
  SECTION("bad-parameters") {
    CHECK(code(honest, {2, 3}) == Errc::invalid_argument);
  }
}

TEST_CASE("dealer commitment decoding checks lengths and encodings", "[threshold][proof]") {
  const DealerCommitment c = make_dealer_commitment(5, SecretPolynomial::random(2), kContext);
  const Bytes bytes = c.encode();
  REQUIRE(bytes.size() == 4 + 96 * 2);
  CHECK(Bytes(bytes.begin(), bytes.begin() + 4) == Bytes{0, 0, 0, 5});
  CHECK(Bytes(bytes.begin() + 4, bytes.begin() + 36) ==
        Bytes(c.coefficients[0].bytes.begin(), c.coefficients[0].bytes.end()));
  CHECK(Bytes(bytes.begin() + 68, bytes.begin() + 132) == c.proofs[0].encode());

  SECTION("truncated") {
    CHECK(DealerCommitment::decode(ByteView(bytes).first(bytes.size() - 1), 2).error().code ==
          Errc::invalid_length);
  }
  SECTION("extended") {
    Bytes longer = bytes;
    longer.push_back(0);
    CHECK(DealerCommitment::decode(longer, 2).error().code == Errc::invalid_length);
  }
  SECTION("decoded-with-another-threshold") {
    CHECK(DealerCommitment::decode(bytes, 1).error().code == Errc::invalid_length);
    CHECK(DealerCommitment::decode(bytes, 3).error().code == Errc::invalid_length);
    CHECK(DealerCommitment::decode(bytes, 0).error().code == Errc::invalid_argument);
  }
  SECTION("non-canonical-commitment") {
    Bytes bad = bytes;
    bad[4 + 32 + 31] |= 0x80;  // A_1
    CHECK(DealerCommitment::decode(bad, 2).error().code == Errc::invalid_encoding);
  }
  SECTION("non-canonical-proof-point") {
    Bytes bad = bytes;
    bad[68 + 64 + 31] |= 0x80;  // R of π_1
    CHECK(DealerCommitment::decode(bad, 2).error().code == Errc::invalid_encoding);
  }
  SECTION("non-canonical-proof-scalar") {
    Bytes bad = bytes;
    bad[68 + 63] = 0xff;  // s of π_0 ≥ ℓ
    CHECK(DealerCommitment::decode(bad, 2).error().code == Errc::invalid_encoding);
  }
}

// ---------------------------------------------------------------------------
// §6.5: preconditions on the qualified set.

TEST_CASE("joint and trustee keys check the qualified set", "[threshold]") {
  const CeremonyRun run = run_ceremony(3, 2, kContext);
  const std::vector<DealerCommitment> none;
  CHECK(joint_public_key(none).error().code == Errc::invalid_argument);
  CHECK(trustee_public_key(none, 1).error().code == Errc::invalid_argument);

  std::vector<DealerCommitment> twice = {run.commitment_of(1), run.commitment_of(2),
                                         run.commitment_of(1)};
  const auto error = joint_public_key(twice).error();
  CHECK(error.code == Errc::invalid_argument);
  CHECK(contains(error.message, "dealer 1 appears twice"));

  std::vector<DealerCommitment> ragged = run.commitments;
  ragged[2].coefficients.pop_back();
  CHECK(trustee_public_key(ragged, 1).error().code == Errc::invalid_length);

  CHECK(trustee_public_key(run.commitments, 0).error().code == Errc::out_of_range);
  CHECK(trustee_public_key(run.commitments, 256).error().code == Errc::out_of_range);
  CHECK(verify_share(run.commitment_of(1), 0, Scalar::one()).error().code == Errc::out_of_range);
  CHECK(final_secret_share(1, std::vector<Scalar>(2), run.commitments).error().code ==
        Errc::invalid_length);

  // Without dealer 3 (say it was disqualified) the keys still fit together.
  const std::vector<DealerCommitment> qualified = {run.commitment_of(1), run.commitment_of(2)};
  for (std::uint32_t t = 1; t <= 3; ++t) {
    const std::vector<Scalar> shares = {run.received[t - 1][0], run.received[t - 1][1]};
    auto x = final_secret_share(t, shares, qualified);
    REQUIRE(x.ok());
    CHECK(Point::mul_generator(*x) == trustee_public_key(qualified, t)->point);
  }
  CHECK(joint_public_key(qualified)->point ==
        run.commitment_of(1).coefficients[0].point + run.commitment_of(2).coefficients[0].point);
}
