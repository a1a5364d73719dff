// Micro-benchmarks of the cryptographic core (docs/performance.md).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <array>

#include "crypto/elgamal.hpp"
#include "crypto/range_proof.hpp"
#include "crypto/threshold_decryption.hpp"

namespace {
using namespace senim::crypto;
constexpr auto kContext = [] {
  std::array<std::uint8_t, 64> context{};
  context.fill(7);
  return context;
}();

void BM_FixedBaseMulG(benchmark::State& state) {
  const Scalar s = Scalar::random();
  for (auto _ : state)
    benchmark::DoNotOptimize(Point::mul_generator(s));
}
BENCHMARK(BM_FixedBaseMulG);

void BM_EncodePoint(benchmark::State& state) {
  const Point p = Point::mul_generator(Scalar::random());
  for (auto _ : state)
    benchmark::DoNotOptimize(p.encode());
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
    if (!verify_range(*proof, received, kContext).ok())
      state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_VerifyOptionProof);

// A trustee's share of one tally ciphertext (docs/protocol.md §6.6.1):
// D = x·α and its Chaum-Pedersen proof.
void BM_PartialDecryptWithProof(benchmark::State& state) {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Ciphertext ct = encrypt(key, 42, Scalar::random());
  const Scalar x = Scalar::random();
  const Element verification_key(Point::mul_generator(x));
  for (auto _ : state) {
    benchmark::DoNotOptimize(make_partial_decryption(1, x, verification_key, ct, kContext));
  }
}
BENCHMARK(BM_PartialDecryptWithProof);

// Checking one partial decryption received as bytes (§6.6.3), against the
// aggregate the verifier computed itself.
void BM_VerifyPartialDecryption(benchmark::State& state) {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Ciphertext ct = encrypt(key, 42, Scalar::random());
  const Scalar x = Scalar::random();
  const Element verification_key(Point::mul_generator(x));
  const senim::Bytes bytes = make_partial_decryption(1, x, verification_key, ct, kContext).encode();
  for (auto _ : state) {
    auto partial = PartialDecryption::decode(bytes);
    if (!verify_partial_decryption(*partial, verification_key, ct, kContext).ok()) {
      state.SkipWithError("verify failed");
    }
  }
}
BENCHMARK(BM_VerifyPartialDecryption);

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0)
    return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
