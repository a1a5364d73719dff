// Batch verification with items (docs/protocol.md §5.6): a failed batch is
// bisected to exactly the items whose equations are false.
#include "crypto/batch_verifier.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "crypto/elgamal.hpp"
#include "crypto/range_proof.hpp"

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

namespace {

const std::vector<std::uint8_t> kContext = {'b', 'a', 't', 'c', 'h'};

struct Proven {
  RangeStatement statement;
  RangeProof proof;
};

// `count` honest 0/1 proofs under one key.
std::vector<Proven> honest_proofs(const PublicKey& key, const Element& key_element,
                                  std::size_t count) {
  std::vector<Proven> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto m = static_cast<std::uint32_t>(i % 2);
    const Scalar r = Scalar::random();
    const Ciphertext ct = encrypt(key, m, r);
    RangeStatement st{key_element, Element(ct.alpha), Element(ct.beta), 0, 1};
    RangeProof proof = prove_range(key, st, m, r, kContext);
    out.push_back({st, std::move(proof)});
  }
  return out;
}

// One item per proof; the challenges all hold (only responses are changed).
void fill(BatchVerifier& batch, const Element& key_element, const std::vector<Proven>& proofs) {
  const std::size_t k = batch.add_shared_base(key_element.point);
  for (std::size_t i = 0; i < proofs.size(); ++i) {
    REQUIRE(batch.begin_item() == i);
    REQUIRE(batch_range(batch, k, proofs[i].proof, proofs[i].statement, kContext).ok());
  }
}

}  // namespace

TEST_CASE("a batch of honest items verifies, and so does every range of items", "[batch]") {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Element key_element(key.point());
  const auto proofs = honest_proofs(key, key_element, 9);
  BatchVerifier batch;
  fill(batch, key_element, proofs);
  CHECK(batch.items() == 9);
  CHECK(batch.verify());
  CHECK(batch.verify_items(2, 7));
  CHECK(batch.verify_items(4, 4));  // empty range
  CHECK(batch.failing_items().empty());
  CHECK_THROWS_AS(batch.verify_items(3, 10), std::out_of_range);
}

TEST_CASE("bisection names exactly the items with a false equation", "[batch]") {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Element key_element(key.point());
  auto proofs = honest_proofs(key, key_element, 33);
  for (const std::vector<std::size_t>& bad :
       {std::vector<std::size_t>{0}, std::vector<std::size_t>{32}, std::vector<std::size_t>{17},
        std::vector<std::size_t>{3, 4, 30}}) {
    auto edited = proofs;
    for (const std::size_t i : bad)
      edited[i].proof.branches[1].response += Scalar::one();  // v·K != B + c·(β − G)
    BatchVerifier batch;
    fill(batch, key_element, edited);
    CHECK_FALSE(batch.verify());
    CHECK(batch.failing_items() == bad);
  }
}

TEST_CASE("items reuse item 0 until something is added, and shared bases come first", "[batch]") {
  BatchVerifier batch;
  batch.add_shared_base(Point::generator());
  CHECK(batch.begin_item() == 0);
  CHECK(batch.begin_item() == 1);  // item 0 stays, empty
  CHECK(batch.items() == 2);
  CHECK(batch.verify());
  auto eq = batch.equation();  // 1·G − G = 0 in item 1
  eq.add_shared(BatchVerifier::kGenerator, Scalar::one());
  eq.add(-Scalar::one(), Point::generator());
  CHECK(batch.verify());
  auto bad = batch.equation();  // 2·G − G != 0, still item 1
  bad.add_shared(BatchVerifier::kGenerator, Scalar::from_u64(2));
  bad.add(-Scalar::one(), Point::generator());
  CHECK(batch.failing_items() == std::vector<std::size_t>{1});
  CHECK_THROWS_AS(batch.add_shared_base(Point::generator()), std::logic_error);
}
