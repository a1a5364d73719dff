// docs/protocol.md §6.5: which deals form the qualified set Q, and the keys
// over Q. One bad deal costs only its own dealer; |Q| < k gives no key.
#include "protocol/ceremony_keys.hpp"

#include <catch2/catch.hpp>

#include "crypto/point.hpp"
#include "protocol/election_state.hpp"
#include "protocol/trustee_messages.hpp"
#include "sim/election_builder.hpp"

using senim::Errc;
using senim::Expected;
using senim::crypto::DealerCommitment;
using senim::crypto::SecretPolynomial;
using senim::v1::TrusteeDeal;
namespace protocol = senim::protocol;

namespace {

constexpr std::uint32_t kTrustees = 3;
constexpr std::uint32_t kThreshold = 2;

senim::sim::ElectionPlan plan() {
  senim::sim::ElectionPlan p;
  p.manifest = senim::sim::demo_manifest("q-2026", 1);
  p.trustees = kTrustees;
  p.threshold = kThreshold;
  p.voters = 1;
  return p;
}

// Every trustee's deal under the builder's set-up, as made by make_deal.
struct Dealt {
  senim::sim::ElectionBuilder b{plan()};
  std::vector<SecretPolynomial> polynomials;
  std::vector<TrusteeDeal> deals;

  Dealt() {
    b.setup();
    for (std::uint32_t t = 1; t <= kTrustees; ++t) {
      polynomials.push_back(SecretPolynomial::random(kThreshold));
      deals.push_back(*protocol::make_deal(config(), t, polynomials.back()));
    }
  }
  const protocol::ElectionConfig& config() const { return *b.state().config(); }
  protocol::Qualification qualify() const {
    std::vector<Expected<DealerCommitment>> verdicts;
    for (const TrusteeDeal& d : deals)
      verdicts.push_back(protocol::check_deal(config(), d));
    return protocol::qualify_dealers(verdicts);
  }
};

std::vector<std::uint32_t> dealers(const protocol::Qualification& q) {
  std::vector<std::uint32_t> out;
  for (const DealerCommitment& c : q.qualified)
    out.push_back(c.dealer);
  return out;
}

}  // namespace

TEST_CASE("every good deal qualifies and the keys are sums over all of them", "[ceremony]") {
  Dealt d;
  const protocol::Qualification q = d.qualify();
  CHECK(dealers(q) == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(q.disqualified.empty());
  auto keys = protocol::ceremony_keys(d.config(), q);
  REQUIRE(keys.ok());
  senim::crypto::Scalar x;
  for (const auto& f : d.polynomials)
    x += f.coefficient(0);
  CHECK(keys->joint_key.point == senim::crypto::Point::mul_generator(x));
}

TEST_CASE("a bad deal leaves only its dealer out of Q with the reason and the keys are over Q",
          "[ceremony]") {
  struct Case {
    const char* name;
    std::function<void(TrusteeDeal&)> spoil;
    Errc code;
    const char* message;
  };
  std::string p(32, '\xff');  // 2^255 − 19: not canonical
  p.front() = '\xed';
  p.back() = '\x7f';
  const std::vector<Case> cases = {
      {"k+1 commitments",
       [](TrusteeDeal& deal) {
         deal.add_commitments(deal.commitments(0));
         deal.add_commitment_proofs(deal.commitment_proofs(0));
       },
       Errc::invalid_length, "deal of trustee 2 needs 2 commitments and proofs"},
      {"k-1 commitments",
       [](TrusteeDeal& deal) {
         deal.mutable_commitments()->RemoveLast();
         deal.mutable_commitment_proofs()->RemoveLast();
       },
       Errc::invalid_length, "deal of trustee 2 needs 2 commitments and proofs"},
      {"a non-canonical commitment", [&](TrusteeDeal& deal) { deal.set_commitments(1, p); },
       Errc::invalid_encoding, "not a canonical ristretto255 encoding"},
      {"swapped proofs",
       [](TrusteeDeal& deal) { deal.mutable_commitment_proofs()->SwapElements(0, 1); },
       Errc::equation_failed, "dealer 2, coefficient 0"},
      {"a share slot missing",
       [](TrusteeDeal& deal) { deal.mutable_encrypted_shares()->RemoveLast(); },
       Errc::invalid_length, "deal of trustee 2 needs 3 share slots"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Dealt d;
      c.spoil(d.deals[1]);
      const protocol::Qualification q = d.qualify();
      CHECK(dealers(q) == std::vector<std::uint32_t>{1, 3});
      CHECK_FALSE(q.contains(2));
      REQUIRE(q.disqualified.size() == 1);
      CHECK(q.disqualified[0].dealer == 2);
      CHECK(q.disqualified[0].reason.code == c.code);
      CHECK_THAT(q.disqualified[0].reason.message, Catch::Matchers::Contains(c.message));
      auto keys = protocol::ceremony_keys(d.config(), q);
      REQUIRE(keys.ok());
      // K and every X_t, dealer 2's own among them, are over Q = {1, 3}.
      const auto& f1 = d.polynomials[0];
      const auto& f3 = d.polynomials[2];
      CHECK(keys->joint_key.point ==
            senim::crypto::Point::mul_generator(f1.coefficient(0) + f3.coefficient(0)));
      for (std::uint32_t t = 1; t <= kTrustees; ++t) {
        CHECK(keys->trustee_keys[t - 1].point ==
              senim::crypto::Point::mul_generator(f1.evaluate(t) + f3.evaluate(t)));
      }
      CHECK(keys->base_hash ==
            protocol::base_hash(d.config(), keys->joint_key, keys->trustee_keys));
    }
  }
}

TEST_CASE("a dealer whose A_{i,0} is the identity is left out though its proofs verify",
          "[ceremony]") {
  Dealt d;
  std::vector<senim::crypto::Scalar> a;
  a.emplace_back();  // a_{1,0} = 0
  a.push_back(senim::crypto::Scalar::random());
  d.polynomials[0] = SecretPolynomial::from_coefficients(std::move(a));
  d.deals[0] = *protocol::make_deal(d.config(), 1, d.polynomials[0]);
  const protocol::Qualification q = d.qualify();
  CHECK(dealers(q) == std::vector<std::uint32_t>{2, 3});
  REQUIRE(q.disqualified.size() == 1);
  CHECK(q.disqualified[0].reason.code == Errc::invalid_encoding);
  CHECK(q.disqualified[0].reason.message == "dealer 1: A_{i,0} is the identity element");
  CHECK(protocol::ceremony_keys(d.config(), q).ok());
}

TEST_CASE("the ceremony gives no key when fewer than k dealers qualify", "[ceremony]") {
  Dealt d;
  for (int t : {0, 2})
    d.deals[static_cast<std::size_t>(t)].mutable_commitment_proofs()->SwapElements(0, 1);
  const protocol::Qualification q = d.qualify();
  CHECK(dealers(q) == std::vector<std::uint32_t>{2});
  auto keys = protocol::ceremony_keys(d.config(), q);
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.error().code == Errc::invalid_argument);
  CHECK(keys.error().message ==
        "the ceremony gives no key: 1 of 3 dealers qualify, fewer than the threshold k = 2; "
        "left out: 1 3");
}

TEST_CASE("the board refuses a bad deal and changes nothing and takes the trustee good deal after",
          "[ceremony]") {
  Dealt d;
  protocol::ElectionState state(nullptr, nullptr);
  REQUIRE(state.apply(d.b.entries().at(0), 0).ok());
  TrusteeDeal bad = d.deals[0];
  bad.add_commitments(bad.commitments(0));
  bad.add_commitment_proofs(bad.commitment_proofs(0));
  auto sign = [&](const TrusteeDeal& deal) {
    senim::v1::Statement st = d.b.statement();
    *st.mutable_deal() = deal;
    return senim::sim::ElectionBuilder::sign(d.b.trustee_key(1), st);
  };
  const senim::Status refused = state.apply(sign(bad), 1);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::invalid_length);
  CHECK_FALSE(state.deals()[0].has_value());
  CHECK(state.apply(sign(d.deals[0]), 1).ok());
  CHECK(state.deals()[0].has_value());
}
