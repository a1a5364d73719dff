#include "verifier/cast_alphas.hpp"

#include <sodium.h>

#include <cstring>

namespace senim::verifier {
namespace {

static_assert(crypto_shorthash_siphash24_KEYBYTES == CastAlphaIndex::kKeyBytes);
static_assert(crypto_shorthash_siphash24_BYTES == sizeof(std::uint64_t));

constexpr std::size_t kFirstSlots = 1024;  // a power of two

}  // namespace

CastAlphaIndex::CastAlphaIndex() : slots_(kFirstSlots, 0) {
  randombytes_buf(key_.data(), key_.size());
}

CastAlphaIndex::CastAlphaIndex(const Key& key) : key_(key), slots_(kFirstSlots, 0) {}

std::uint64_t CastAlphaIndex::fingerprint(const Hash32& alpha) const {
  std::array<std::uint8_t, sizeof(std::uint64_t)> out{};
  crypto_shorthash_siphash24(out.data(), alpha.data(), alpha.size(), key_.data());
  std::uint64_t f = 0;
  std::memcpy(&f, out.data(), sizeof f);
  return f == 0 ? 1 : f;
}

// Linear probing from the fingerprint's low bits (it is uniform already).
std::size_t CastAlphaIndex::slot_of(std::uint64_t f) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>(f) & mask;
  while (slots_[i] != 0 && slots_[i] != f)
    i = (i + 1) & mask;
  return i;
}

void CastAlphaIndex::insert_fingerprint(std::uint64_t f) {
  if (f == 0)
    f = 1;
  if (4 * (size_ + 1) > 3 * slots_.size())
    grow();
  std::uint64_t& slot = slots_[slot_of(f)];
  if (slot == 0) {
    slot = f;
    ++size_;
  }
}

void CastAlphaIndex::insert(const Hash32& alpha) {
  insert_fingerprint(fingerprint(alpha));
}

bool CastAlphaIndex::may_contain(const Hash32& alpha) const {
  const std::uint64_t f = fingerprint(alpha);
  return slots_[slot_of(f)] == f;
}

void CastAlphaIndex::for_each(const std::function<void(std::uint64_t)>& sink) const {
  for (std::uint64_t f : slots_) {
    if (f != 0)
      sink(f);
  }
}

void CastAlphaIndex::grow() {
  std::vector<std::uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  for (std::uint64_t f : old) {
    if (f != 0)
      slots_[slot_of(f)] = f;
  }
}

}  // namespace senim::verifier
