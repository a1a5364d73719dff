// Fuzz target: the byte decoders of the cryptographic core and the Merkle
// proof verifiers, on arbitrary input.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/chaum_pedersen_proof.hpp"
#include "crypto/elgamal.hpp"
#include "crypto/key_ceremony.hpp"
#include "crypto/merkle.hpp"
#include "crypto/range_proof.hpp"
#include "crypto/schnorr_proof.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace senim::crypto;
  const senim::ByteView bytes(data, size);
  (void)Point::decode(bytes);
  (void)Scalar::decode(bytes);
  (void)Ciphertext::decode(bytes);
  (void)SchnorrProof::decode(bytes);
  (void)ChaumPedersenProof::decode(bytes);
  for (std::uint32_t n = 1; n <= 3; ++n)
    (void)RangeProof::decode(bytes, n);
  (void)DealerCommitment::decode(bytes, 2);
  (void)ComplaintEvidence::decode(bytes);
  // Merkle verification with sizes and a proof taken from the input.
  if (size >= 16 + 64) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    for (int i = 0; i < 8; ++i) {
      a = (a << 8) | data[i];
      b = (b << 8) | data[8 + i];
    }
    senim::Hash32 x{};
    senim::Hash32 y{};
    std::copy_n(data + 16, 32, x.begin());
    std::copy_n(data + 48, 32, y.begin());
    std::vector<senim::Hash32> proof;
    for (std::size_t off = 80; off + 32 <= size && proof.size() < 70; off += 32) {
      senim::Hash32 h{};
      std::copy_n(data + off, 32, h.begin());
      proof.push_back(h);
    }
    (void)merkle::verify_inclusion(a, b, x, proof, y);
    (void)merkle::verify_consistency(a, b, x, y, proof);
  }
  return 0;
}
