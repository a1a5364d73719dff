// Deterministic randomness for reproducible test records and worked examples
// (never for real elections): replaces libsodium's CSPRNG with a ChaCha20
// keystream under a fixed seed, for the whole process.
#pragma once

#include <cstdint>

namespace senim::sim {

// Call before sodium_init(), from one thread. Every later randombytes_buf,
// and so every Scalar::random and key generation, becomes a function of `seed`.
void use_deterministic_randomness(std::uint64_t seed);

}  // namespace senim::sim
