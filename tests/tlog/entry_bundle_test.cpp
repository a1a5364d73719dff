// Entry bundles (docs/protocol.md §13.9.1): the uint16 length prefix, its
// limit, and the check against the level-0 tile.
#include "tlog/entry_bundle.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "crypto/merkle.hpp"

using senim::Bytes;
using senim::Errc;
using senim::Expected;
using senim::Status;
using namespace senim::tlog;

namespace {

Bytes tile_of(const std::vector<Bytes>& entries) {
  Bytes out;
  for (const Bytes& e : entries)
    senim::append(out, senim::crypto::merkle::leaf_hash(e));
  return out;
}

}  // namespace

TEST_CASE("entry bundles: big-endian uint16 lengths, round trip", "[tlog][tiles]") {
  const std::vector<Bytes> entries = {Bytes{}, Bytes{0x61}, Bytes(300, 0x62)};
  Expected<Bytes> bundle = encode_entry_bundle(entries);
  REQUIRE(bundle.ok());
  CHECK(Bytes(bundle->begin(), bundle->begin() + 5) == Bytes{0x00, 0x00, 0x00, 0x01, 0x61});
  CHECK((*bundle)[5] == 0x01);  // 300 = 0x012c
  CHECK((*bundle)[6] == 0x2c);
  CHECK(bundle->size() == 2 + 0 + 2 + 1 + 2 + 300);
  CHECK(*decode_entry_bundle(*bundle) == entries);

  const std::vector<Bytes> largest = {Bytes(65535, 1)};
  CHECK(decode_entry_bundle(*encode_entry_bundle(largest))->at(0).size() == 65535);
  const std::vector<Bytes> too_large = {Bytes(65536, 1)};
  CHECK(encode_entry_bundle(too_large).error().code == Errc::invalid_length);
  CHECK(encode_entry_bundle({}).error().code == Errc::invalid_argument);
  CHECK(encode_entry_bundle(std::vector<Bytes>(257, Bytes{1})).error().code ==
        Errc::invalid_argument);
  CHECK(encode_entry_bundle(std::vector<Bytes>(256, Bytes{1})).ok());
}

TEST_CASE("entry bundle decoding refusals", "[tlog][tiles]") {
  CHECK(decode_entry_bundle(Bytes{}).error().code == Errc::invalid_encoding);
  CHECK(decode_entry_bundle(Bytes{0x00}).error().code == Errc::invalid_encoding);
  CHECK(decode_entry_bundle(Bytes{0x00, 0x02, 0x61}).error().code == Errc::invalid_encoding);
  CHECK(decode_entry_bundle(Bytes{0x00, 0x01, 0x61, 0x00}).error().code == Errc::invalid_encoding);
  Bytes many;
  for (int i = 0; i < 257; ++i)
    many.insert(many.end(), {0x00, 0x00});
  CHECK(decode_entry_bundle(many).error().code == Errc::invalid_encoding);
}

TEST_CASE("check_entry_bundle: the entries are the tile's leaves", "[tlog][tiles]") {
  std::vector<Bytes> entries(5);
  for (std::uint8_t i = 0; i < 5; ++i)
    entries[i] = Bytes{i, 0x7a};
  const Bytes bundle = *encode_entry_bundle(entries);
  const Bytes tile = tile_of(entries);
  const Tile t{0, 3, 5};
  CHECK(check_entry_bundle(bundle, t, tile).ok());

  std::vector<Bytes> swapped = entries;
  std::swap(swapped[1], swapped[2]);
  Status s = check_entry_bundle(*encode_entry_bundle(swapped), t, tile);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::merkle_root_mismatch);
  CHECK(s.error().message == "entry 769 does not hash to its leaf hash in tile/0/003.p/5");

  const std::vector<Bytes> fewer(entries.begin(), entries.end() - 1);
  CHECK(check_entry_bundle(*encode_entry_bundle(fewer), t, tile).error().code ==
        Errc::invalid_length);
  CHECK(check_entry_bundle(bundle, Tile{0, 3, 4}, tile).error().code == Errc::invalid_length);
  CHECK(check_entry_bundle(bundle, Tile{1, 3, 5}, tile).error().code == Errc::invalid_argument);
  CHECK(check_entry_bundle(Bytes{0x00}, t, tile).error().code == Errc::invalid_encoding);
}
