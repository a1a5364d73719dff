// Micro-benchmarks of the cryptographic core (docs/performance.md).
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "crypto/batch_verifier.hpp"
#include "crypto/dlog.hpp"
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

// The same proofs checked together (docs/protocol.md §5.6): time per proof
// in a batch of state.range(0), decoding from bytes included.
void BM_VerifyOptionProofBatched(benchmark::State& state) {
  const PublicKey key(Point::mul_generator(Scalar::random()));
  const Element key_element(key.point());
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<senim::Bytes> cts;
  std::vector<senim::Bytes> proofs;
  for (std::size_t i = 0; i < n; ++i) {
    const Scalar r = Scalar::random();
    const Ciphertext ct = encrypt(key, i % 2, r);
    const RangeStatement st{key_element, Element(ct.alpha), Element(ct.beta), 0, 1};
    cts.push_back(ct.encode());
    proofs.push_back(prove_range(key, st, static_cast<std::uint32_t>(i % 2), r, kContext).encode());
  }
  for (auto _ : state) {
    BatchVerifier batch;
    const std::size_t k = batch.add_shared_base(key.point());
    for (std::size_t i = 0; i < n; ++i) {
      auto alpha = Element::decode(senim::ByteView(cts[i]).first(32));
      auto beta = Element::decode(senim::ByteView(cts[i]).subspan(32));
      const RangeStatement st{key_element, *alpha, *beta, 0, 1};
      auto proof = RangeProof::decode(proofs[i], 2);
      if (!batch_range(batch, k, *proof, st, kContext).ok())
        state.SkipWithError("challenge");
    }
    if (!batch.verify())
      state.SkipWithError("batch failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_VerifyOptionProofBatched)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

// Baby-step giant-step at the 10^8 bound: building the table, and the worst
// case of a search (the largest count).
void BM_DiscreteLogTable1e8(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(DiscreteLog(100'000'000));
}
BENCHMARK(BM_DiscreteLogTable1e8)->Unit(benchmark::kMillisecond);

void BM_DiscreteLogSolve1e8(benchmark::State& state) {
  const DiscreteLog dlog(100'000'000);
  const Point target = encode_message(99'999'999);
  for (auto _ : state)
    benchmark::DoNotOptimize(dlog.solve(target));
  state.counters["table_bytes"] = static_cast<double>(dlog.memory_bytes());
}
BENCHMARK(BM_DiscreteLogSolve1e8)->Unit(benchmark::kMillisecond);

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
