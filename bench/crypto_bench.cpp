// Micro-benchmarks of the cryptographic core (docs/performance.md).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "crypto/elgamal.hpp"
#include "crypto/range_proof.hpp"

namespace {
using namespace senim::crypto;
const senim::Bytes kContext(64, 7);

void BM_FixedBaseMulG(benchmark::State& state) {
  const Scalar s = Scalar::random();
  for (auto _ : state) benchmark::DoNotOptimize(Point::mul_generator(s));
}
BENCHMARK(BM_FixedBaseMulG);

void BM_EncodePoint(benchmark::State& state) {
  const Point p = Point::mul_generator(Scalar::random());
  for (auto _ : state) benchmark::DoNotOptimize(p.encode());
}
BENCHMARK(BM_EncodePoint);

void BM_EncryptOptionWithProof(benchmark::State& state) {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Element key_element(key.point());
  std::uint32_t m = 0;
  for (auto _ : state) {
    const Scalar r = Scalar::random();
    const Ciphertext ct = encrypt(key, m, r);
    RangeStatement st{key_element, Element(ct.alpha), Element(ct.beta), 0, 1};
    benchmark::DoNotOptimize(prove_range(key, st, m, r, kContext));
    m ^= 1;
  }
}
BENCHMARK(BM_EncryptOptionWithProof);

void BM_VerifyOptionProof(benchmark::State& state) {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Element key_element(key.point());
  const Scalar r = Scalar::random();
  const Ciphertext ct = encrypt(key, 1, r);
  RangeStatement st{key_element, Element(ct.alpha), Element(ct.beta), 0, 1};
  const senim::Bytes proof_bytes = prove_range(key, st, 1, r, kContext).encode();
  const senim::Bytes ct_bytes = ct.encode();
  for (auto _ : state) {
    // From bytes, as a verifier receives it.
    auto alpha = Element::decode(senim::ByteView(ct_bytes).first(32));
    auto beta = Element::decode(senim::ByteView(ct_bytes).subspan(32));
    RangeStatement received{key_element, *alpha, *beta, 0, 1};
    auto proof = RangeProof::decode(proof_bytes, 2);
    if (!verify_range(*proof, received, kContext).ok()) state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_VerifyOptionProof);

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
