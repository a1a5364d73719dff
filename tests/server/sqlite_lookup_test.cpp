// The storage's lookups by leaf hash run on pooled reader connections with
// their statement prepared once (server/sqlite_storage.cpp,
// PooledConnection): a lookup must still see every leaf committed before
// it, on the same connection as an earlier lookup, whether that one found
// a row or not.
#include <catch2/catch.hpp>
#include <string>

#include "crypto/merkle.hpp"
#include "server/sqlite_storage.hpp"
#include "tests/server/server_process.hpp"

using senim::Bytes;
using senim::server::LeafRecord;
using senim::server::SqliteStorage;

namespace {

LeafRecord leaf(std::uint64_t index, const std::string& text) {
  LeafRecord out;
  out.index = index;
  out.bytes = Bytes(text.begin(), text.end());
  out.leaf_hash = senim::crypto::merkle::leaf_hash(out.bytes);
  out.kind = "setup";
  return out;
}

}  // namespace

TEST_CASE("a lookup by leaf hash sees the leaves committed after an earlier lookup",
          "[server][storage]") {
  const senim::test::TempDir dir;
  auto storage = SqliteStorage::open(dir.path() + "/board.sqlite");
  REQUIRE(storage);
  const LeafRecord first = leaf(0, "the first entry");
  const LeafRecord second = leaf(1, "the second entry");

  // Not there yet: the statement is prepared and left on the connection.
  auto missing = (*storage)->find_leaf_hash(second.leaf_hash);
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());

  REQUIRE((*storage)->append_leaves(std::span(&first, 1)));
  // A hit leaves its statement on a row until the connection is returned.
  auto found = (*storage)->find_leaf_hash(first.leaf_hash);
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->index == 0);
  CHECK((*found)->leaf_hash == first.leaf_hash);

  REQUIRE((*storage)->append_leaves(std::span(&second, 1)));
  // The same pooled connection and statement: a fresh read, not the
  // snapshot of the lookups before.
  auto now = (*storage)->find_leaf_hash(second.leaf_hash);
  REQUIRE(now);
  REQUIRE(now->has_value());
  CHECK((*now)->index == 1);
  CHECK((*now)->leaf_hash == second.leaf_hash);
  auto again = (*storage)->find_leaf_hash(first.leaf_hash);
  REQUIRE(again);
  REQUIRE(again->has_value());
  CHECK((*again)->index == 0);
}
