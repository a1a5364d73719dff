// senim-verify's credential table: one flat sorted array, repeats reported
// in log order with where they were listed, the first listing kept.
#include "verifier/credential_table.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using senim::Hash32;
using senim::verifier::CredentialTable;

namespace {

Hash32 key(std::uint32_t i) {
  Hash32 k{};
  // Spread over the first bytes so that sorting moves them.
  k[0] = static_cast<std::uint8_t>(i * 37);
  k[1] = static_cast<std::uint8_t>(i >> 8);
  k[2] = static_cast<std::uint8_t>(i >> 16);
  k[31] = static_cast<std::uint8_t>(i);
  return k;
}

}  // namespace

TEST_CASE("every listed credential is found with its district, and nothing else",
          "[verifier][credentials]") {
  CredentialTable table;
  constexpr std::uint32_t kCount = 20'000;  // several reallocations
  for (std::uint32_t i = 0; i < kCount; ++i)
    table.add(key(i), i % 17, 7 + i / 500, i % 500);
  CHECK_THROWS_AS(table.find(key(1)), std::logic_error);
  CHECK(table.seal().empty());
  CHECK(table.size() == kCount);
  for (std::uint32_t i = 0; i < kCount; ++i) {
    const auto* c = table.find(key(i));
    REQUIRE(c != nullptr);
    CHECK(c->district() == i % 17);
    CHECK_FALSE(c->voted());
    CHECK_FALSE(c->last_leaf().has_value());
    CHECK(c->last_offset() == 0);  // the listing's place is not left behind
    CHECK(c->last_sequence() == 0);
  }
  CHECK_FALSE(table.contains(key(kCount)));
  CHECK_THROWS_AS(table.add(key(kCount), 0, 99, 0), std::logic_error);
}

TEST_CASE("a repeated credential keeps its first listing and is reported where it repeats",
          "[verifier][credentials]") {
  CredentialTable table;
  table.add(key(5), 1, 7, 0);
  table.add(key(6), 2, 7, 1);
  table.add(key(5), 3, 7, 2);  // repeat within the list
  table.add(key(6), 4, 9, 0);  // repeat in a later list
  table.add(key(5), 5, 9, 3);
  const auto repeats = table.seal();
  REQUIRE(repeats.size() == 3);
  CHECK((repeats[0].key == key(5) && repeats[0].leaf == 7 && repeats[0].index == 2));
  CHECK((repeats[1].key == key(6) && repeats[1].leaf == 9 && repeats[1].index == 0));
  CHECK((repeats[2].key == key(5) && repeats[2].leaf == 9 && repeats[2].index == 3));
  CHECK(table.size() == 2);
  CHECK(table.find(key(5))->district() == 1);
  CHECK(table.find(key(6))->district() == 2);
  CHECK(table.seal().empty());  // once
}

namespace {

// A copy of `from` made the way a witness's snapshot is saved and restored.
void copy_table(const CredentialTable& from, CredentialTable& to) {
  from.for_each([&](const Hash32& k, const senim::verifier::CredentialRecord& r, std::uint32_t) {
    to.restore(k, r);
  });
}

}  // namespace

TEST_CASE("a table saved before voting opens keeps where each credential was listed",
          "[verifier][credentials]") {
  CredentialTable before;
  before.add(key(1), 0, 7, 0);
  before.add(key(2), 1, 7, 1);
  before.add(key(1), 0, 9, 4);  // listed again, in a later list
  CredentialTable restored;
  copy_table(before, restored);
  // Sealed after the restore, it reports the repeat where it was listed.
  const auto repeats = restored.seal();
  REQUIRE(repeats.size() == 1);
  CHECK(repeats[0].key == key(1));
  CHECK(repeats[0].leaf == 9);
  CHECK(repeats[0].index == 4);
  CHECK(restored.size() == 2);
}

TEST_CASE("a sealed table restored as sealed answers as the original, and disorder is refused",
          "[verifier][credentials]") {
  CredentialTable original;
  for (std::uint32_t i = 0; i < 100; ++i)
    original.add(key(i), i % 3, 7, i);
  REQUIRE(original.seal().empty());
  original.find(key(5))->set_voted();
  original.find(key(5))->set_last_sequence(2);
  original.find(key(5))->set_last_leaf(40);
  CredentialTable restored;
  copy_table(original, restored);
  REQUIRE(restored.restore_sealed());
  const auto* c = restored.find(key(5));
  REQUIRE(c != nullptr);
  CHECK(c->voted());
  CHECK(c->last_sequence() == 2);
  CHECK(c->last_leaf() == std::optional<std::uint64_t>(40));
  CHECK(restored.find(key(200)) == nullptr);

  CredentialTable disordered;
  disordered.restore(key(2), {});
  disordered.restore(key(1), {});
  CHECK_FALSE(disordered.restore_sealed());
  CHECK_FALSE(disordered.sealed());
}

TEST_CASE("a record's packed fields hold their largest values, and refuse larger ones",
          "[verifier][credentials]") {
  using senim::verifier::CredentialRecord;
  CredentialRecord r;
  r.set_district(CredentialRecord::kMaxDistrict);
  r.set_last_sequence(0xFFFF'FFFF);  // a ballot's sequence is a full uint32
  r.set_last_offset(CredentialRecord::kMax48);
  r.set_last_leaf(CredentialRecord::kMax48 - 1);
  r.set_voted();
  CHECK(r.district() == CredentialRecord::kMaxDistrict);
  CHECK(r.last_sequence() == 0xFFFF'FFFF);
  CHECK(r.last_offset() == CredentialRecord::kMax48);
  CHECK(r.last_leaf() == std::optional<std::uint64_t>(CredentialRecord::kMax48 - 1));
  CHECK(r.voted());
  // The flag and the district share two bytes: setting one keeps the other.
  r.set_district(3);
  CHECK(r.voted());
  CHECK(r.district() == 3);
  CHECK_THROWS_AS(r.set_district(CredentialRecord::kMaxDistrict + 1), std::length_error);
  CHECK_THROWS_AS(r.set_last_offset(CredentialRecord::kMax48 + 1), std::length_error);
  CHECK_THROWS_AS(r.set_last_leaf(CredentialRecord::kMax48), std::length_error);
  CHECK(r.district() == 3);  // a refused value changes nothing
  CHECK(r.last_offset() == CredentialRecord::kMax48);
  static_assert(sizeof(CredentialRecord) == 18);
}
