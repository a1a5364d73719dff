// The live verifier's fingerprints of cast ciphertexts (verifier/cast_alphas.hpp):
// every α inserted is found, across the table's growth and a save and
// restore under the same key; one never inserted is not (barring a 2^-64
// chance), and another key gives other fingerprints.
#include "verifier/cast_alphas.hpp"

#include <catch2/catch.hpp>
#include <set>

using senim::Hash32;
using senim::verifier::CastAlphaIndex;

namespace {

Hash32 alpha(std::uint32_t i, std::uint8_t salt = 0) {
  Hash32 a{};
  a[0] = salt;
  for (int b = 0; b < 4; ++b)
    a[static_cast<std::size_t>(31 - b)] = static_cast<std::uint8_t>(i >> (8 * b));
  return a;
}

}  // namespace

TEST_CASE("cast α fingerprints: found after growth and after a restore, absent otherwise",
          "[verifier][live]") {
  CastAlphaIndex index;
  constexpr std::uint32_t kCount = 5000;  // grows the table from 1,024 slots several times
  for (std::uint32_t i = 0; i < kCount; ++i)
    index.insert(alpha(i));
  index.insert(alpha(7));  // again: still one
  CHECK(index.size() == kCount);
  for (std::uint32_t i = 0; i < kCount; ++i)
    REQUIRE(index.may_contain(alpha(i)));
  std::uint32_t false_hits = 0;
  for (std::uint32_t i = 0; i < kCount; ++i)
    false_hits += index.may_contain(alpha(i, 1)) ? 1 : 0;
  CHECK(false_hits == 0);

  // A snapshot's round trip: the same key, the fingerprints in any order.
  CastAlphaIndex restored(index.key());
  std::set<std::uint64_t> seen;
  index.for_each([&](std::uint64_t f) {
    seen.insert(f);
    restored.insert_fingerprint(f);
  });
  CHECK(seen.size() == kCount);
  CHECK(restored.size() == kCount);
  for (std::uint32_t i = 0; i < kCount; ++i)
    REQUIRE(restored.may_contain(alpha(i)));

  // Another key, other fingerprints: the same ones restored under another
  // key find nothing.
  CastAlphaIndex other;
  CHECK(other.key() != index.key());
  CastAlphaIndex wrong_key(other.key());
  for (std::uint64_t f : seen)
    wrong_key.insert_fingerprint(f);
  std::uint32_t found = 0;
  for (std::uint32_t i = 0; i < kCount; ++i)
    found += wrong_key.may_contain(alpha(i)) ? 1 : 0;
  CHECK(found == 0);
}
