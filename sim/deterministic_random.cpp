#include "sim/deterministic_random.hpp"

#include <sodium.h>

#include <array>
#include <mutex>

namespace senim::sim {
namespace {

std::mutex g_mutex;
std::array<unsigned char, crypto_stream_chacha20_ietf_KEYBYTES> g_key{};
std::uint64_t g_counter = 0;

void fill(void* const buf, const size_t size) {
  const std::lock_guard lock(g_mutex);
  std::array<unsigned char, crypto_stream_chacha20_ietf_NONCEBYTES> nonce{};
  for (std::size_t i = 0; i < 8; ++i)
    nonce[i] = static_cast<unsigned char>(g_counter >> (8 * i));
  ++g_counter;
  crypto_stream_chacha20_ietf(static_cast<unsigned char*>(buf), size, nonce.data(), g_key.data());
}

std::uint32_t random32() {
  std::uint32_t v = 0;
  fill(&v, sizeof v);
  return v;
}

const char* name() {
  return "senim-deterministic-chacha20";
}

randombytes_implementation g_impl = {name, random32, nullptr, nullptr, fill, nullptr};

}  // namespace

void use_deterministic_randomness(std::uint64_t seed) {
  for (std::size_t i = 0; i < 8; ++i)
    g_key[i] = static_cast<unsigned char>(seed >> (8 * i));
  g_counter = 0;
  randombytes_set_implementation(&g_impl);
}

}  // namespace senim::sim
