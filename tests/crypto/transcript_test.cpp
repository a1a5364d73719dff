#include "crypto/transcript.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>

using senim::as_bytes;
using senim::Bytes;
using senim::crypto::Scalar;
using senim::crypto::Transcript;

namespace {
void lp(Bytes& out, std::string_view s) {
  senim::append_u32_be(out, static_cast<std::uint32_t>(s.size()));
  senim::append(out, as_bytes(s));
}
}  // namespace

TEST_CASE("transcript challenge is SHA-512 of the length-prefixed fields, reduced",
          "[transcript]") {
  // Rebuild the §3.1 byte string by hand and hash it independently.
  Bytes expected;
  lp(expected, "senim/v1");
  lp(expected, "test/tag");
  lp(expected, "a");
  lp(expected, "hello");
  lp(expected, "b");
  lp(expected, "");
  lp(expected, "challenge");
  std::array<std::uint8_t, 64> digest{};
  crypto_hash_sha512(digest.data(), expected.data(), expected.size());
  const Scalar want = Scalar::from_wide_bytes(digest);

  Transcript t("test/tag");
  t.append("a", as_bytes("hello"));
  t.append("b", {});
  CHECK(t.challenge().ct_equals(want));
}

TEST_CASE("transcript separates tags, labels and field boundaries", "[transcript]") {
  auto challenge = [](std::string_view tag, std::string_view l1, std::string_view v1,
                      std::string_view l2, std::string_view v2) {
    Transcript t(tag);
    t.append(l1, as_bytes(v1));
    t.append(l2, as_bytes(v2));
    return t.challenge();
  };
  const Scalar base = challenge("tag", "a", "xy", "b", "z");
  CHECK_FALSE(base.ct_equals(challenge("tag2", "a", "xy", "b", "z")));
  CHECK_FALSE(base.ct_equals(challenge("tag", "a", "x", "b", "yz")));
  CHECK_FALSE(base.ct_equals(challenge("tag", "c", "xy", "b", "z")));
  CHECK(base.ct_equals(challenge("tag", "a", "xy", "b", "z")));
}

TEST_CASE("u64 fields are 8 bytes big-endian", "[transcript]") {
  Transcript a("t");
  a.append_u64("n", 0x0102030405060708ULL);
  Transcript b("t");
  const Bytes be = {1, 2, 3, 4, 5, 6, 7, 8};
  b.append("n", be);
  CHECK(a.challenge().ct_equals(b.challenge()));
}
