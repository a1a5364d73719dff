// The board as a C2SP tiled log (docs/protocol.md §11.5, docs/api.md
// "Reads"): hash tiles and entry bundles exactly per tlog-tiles, with their
// content types and cache headers; partial tiles only for sizes the board
// holds a checkpoint for; and every bad tile request refused, changing
// nothing.
#include "tlog/tiles.hpp"

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "crypto/merkle.hpp"
#include "net/log_sources.hpp"
#include "server/limits.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/server/data_dir_tools.hpp"
#include "tests/server/raw_connection.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/tile_reader.hpp"

using Catch::Matchers::Contains;
using senim::Bytes;
using senim::test::ElectionFixture;
using senim::test::ServerProcess;
namespace v1 = senim::v1;

namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kPartial = "public, max-age=5";

std::string get_tile(senim::net::HttpClient& client, const std::string& path,
                     const std::string& cache) {
  auto r = client.get("/" + path);
  REQUIRE(r.ok());
  INFO(path << ": " << r->status << " " << r->body.substr(0, 200));
  REQUIRE(r->status == 200);
  CHECK(r->content_type == "application/octet-stream");
  CHECK(r->cache_control == cache);
  return r->body;
}

// The leaf hashes of entries [begin, end), as a level-0 tile holds them.
std::string leaf_tile(const std::vector<Bytes>& entries, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    const senim::Hash32 h = senim::crypto::merkle::leaf_hash(entries[i]);
    out.append(h.begin(), h.end());
  }
  return out;
}

// The sizes of the chunks of a chunked HTTP answer `raw` (headers first).
std::vector<std::size_t> chunk_sizes(const std::string& raw) {
  std::vector<std::size_t> sizes;
  std::size_t at = raw.find("\r\n\r\n");
  REQUIRE(at != std::string::npos);
  at += 4;
  for (;;) {
    const std::size_t eol = raw.find("\r\n", at);
    REQUIRE(eol != std::string::npos);
    const std::size_t size = std::stoul(raw.substr(at, eol - at), nullptr, 16);
    if (size == 0)
      return sizes;
    sizes.push_back(size);
    at = eol + 2 + size + 2;
  }
}

v1::ApiError refused(senim::net::HttpClient& client, const std::string& path, unsigned status) {
  auto r = client.get(path + "?format=json");
  REQUIRE(r.ok());
  INFO(path << ": " << r->body);
  CHECK(r->status == status);
  v1::ApiError e;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r->body, &e).ok());
  return e;
}

}  // namespace

TEST_CASE("the board serves its tiles and entry bundles per tlog-tiles, with their cache headers",
          "[server][tiles]") {
  ElectionFixture f(300, 2, 2, false);
  auto& b = *f.builder;
  b.prepare();
  f.post_range(0, b.entries().size());
  b.cast_many(senim::sim::referendum_votes(300), 2);
  // One request each: the board signs a checkpoint at every size.
  for (std::size_t i = b.entries().size() - 300; i < b.entries().size(); ++i)
    REQUIRE(senim::test::post_entry(*f.client, b.entries()[i]).status == 200);
  const auto& entries = b.entries();
  const std::size_t size = entries.size();
  REQUIRE(size > 256);
  const std::string width = std::to_string(size - 256);
  auto& c = *f.client;

  // Level 0: a full tile and bundle, immutable; the partial ones of the
  // latest size, short-lived.
  CHECK(get_tile(c, "tile/0/000", kImmutable) == leaf_tile(entries, 0, 256));
  CHECK(get_tile(c, "tile/0/001.p/" + width, kPartial) == leaf_tile(entries, 256, size));
  auto full = senim::tlog::decode_entry_bundle(
      senim::as_bytes(get_tile(c, "tile/entries/000", kImmutable)));
  REQUIRE(full.ok());
  CHECK(*full == std::vector<Bytes>(entries.begin(), entries.begin() + 256));
  auto partial = senim::tlog::decode_entry_bundle(
      senim::as_bytes(get_tile(c, "tile/entries/001.p/" + width, kPartial)));
  REQUIRE(partial.ok());
  CHECK(*partial == std::vector<Bytes>(entries.begin() + 256, entries.end()));
  // Level 1: the hash of the full level-0 tile.
  const std::string tile0 = leaf_tile(entries, 0, 256);
  const senim::Hash32 tile0_hash = senim::tlog::tile_hash(senim::as_bytes(tile0));
  CHECK(get_tile(c, "tile/1/000.p/1", kPartial) ==
        std::string(tile0_hash.begin(), tile0_hash.end()));
  // A partial tile of an earlier checkpoint's size is still there.
  CHECK(get_tile(c, "tile/0/000.p/5", kPartial) == leaf_tile(entries, 0, 5));
  CHECK(get_tile(c, "tile/entries/000.p/5", kPartial).size() > 0);

  // An entry bundle is streamed in pieces of about 64 KiB
  // (limits::kStreamPieceBytes), so that an unread one holds a piece, not
  // the bundle: the same bytes, chunked.
  {
    senim::test::RawConnection raw(f.server->url());
    REQUIRE(raw.send("GET /tile/entries/000 HTTP/1.1\r\nHost: board\r\nConnection: close\r\n\r\n"));
    const std::string answer = raw.read_to_end(std::chrono::seconds(10));
    CHECK_THAT(answer, Contains("\r\nTransfer-Encoding: chunked\r\n"));
    const auto responses = senim::test::parse_responses(answer);
    REQUIRE(responses.size() == 1);
    auto expected = senim::tlog::encode_entry_bundle(
        std::vector<Bytes>(entries.begin(), entries.begin() + 256));
    REQUIRE(expected.ok());
    CHECK(responses[0].body == std::string(expected->begin(), expected->end()));
    const auto sizes = chunk_sizes(answer);
    INFO("bundle of " << expected->size() << " bytes");
    CHECK(sizes.size() >= expected->size() / (senim::server::limits::kStreamPieceBytes));
    CHECK(sizes.size() > 1);
    for (const std::size_t chunk : sizes)
      CHECK(chunk <=
            senim::server::limits::kStreamPieceBytes + senim::protocol::kMaxEntryBytes + 2);
  }

  // senim's own reader (net::HttpLogSource) gives the checkpoint's root.
  const auto checkpoint = senim::test::fetch_checkpoint(c);
  auto source = senim::net::HttpLogSource::open(f.server->url());
  REQUIRE(source.ok());
  auto root = senim::tlog::root_from_tiles(size, **source);
  REQUIRE(root.ok());
  CHECK(*root == checkpoint.checkpoint.root);
}

TEST_CASE("bad tile requests are refused, naming the path, and change nothing", "[server][tiles]") {
  ElectionFixture f(2);
  auto& c = *f.client;
  CHECK(refused(c, "/tile/0/000.p/1", 404).code() == "not_found");  // an empty board
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  const std::size_t size = f.builder->entries().size();
  const auto before = senim::test::snapshot(c);

  // Not canonical (tlog-tiles' paths are strict): 400.
  for (const char* path :
       {"/tile/0/0", "/tile/0/x000/001", "/tile/0/000.p/256", "/tile/0/000.p/0", "/tile/64/000",
        "/tile/entries/000.p/01", "/tile/foo", "/tile/0/001/", "/tile/entries/1/000"}) {
    const auto e = refused(c, path, 400);
    CHECK(e.code() == "invalid_encoding");
    CHECK_THAT(e.message(), Contains(std::string("tile path \"") + (path + 1) + "\""));
  }
  // Beyond the log: 404 with the size.
  for (const char* path :
       {"/tile/0/000", "/tile/entries/000", "/tile/0/001.p/1", "/tile/2/000.p/1"}) {
    const auto e = refused(c, path, 404);
    CHECK(e.code() == "not_found");
    CHECK_THAT(e.message(),
               Contains("beyond the board's log of " + std::to_string(size) + " entries"));
  }
  const auto wider = refused(c, "/tile/0/000.p/" + std::to_string(size + 1), 404);
  CHECK_THAT(wider.message(), Contains("beyond the board's log"));
  CHECK(senim::test::snapshot(c) == before);
}

TEST_CASE("partial tiles are served only for sizes the board holds a checkpoint for",
          "[server][tiles]") {
  ElectionFixture f(2);
  f.builder->prepare();
  f.post_range(0, f.builder->entries().size());
  const std::size_t size = f.builder->entries().size();
  REQUIRE(size > 5);
  // Restored from its record, the board holds one checkpoint: the record's.
  auto record = f.client->get("/v1/record");
  REQUIRE(record.ok());
  const std::string path = f.dir.path() + "/saved.senim";
  senim::test::write_file(path, senim::as_bytes(record->body));
  REQUIRE(f.server->stop() == 0);
  for (const char* file : {"/board.sqlite", "/board.sqlite-wal", "/board.sqlite-shm"})
    std::filesystem::remove(f.data_dir() + file);
  REQUIRE(
      senim::test::run_server_command({"--data", f.data_dir(), "--restore-from", path}).status ==
      0);
  f.server = std::make_unique<ServerProcess>(f.data_dir());
  auto c = senim::net::HttpClient::create(f.server->url());
  REQUIRE(c.ok());
  const auto e = refused(*c, "/tile/0/000.p/5", 404);
  CHECK(e.code() == "not_found");
  CHECK_THAT(e.message(), Contains("tile/0/000.p/5 belongs to sizes 5 to 5, and the board signed "
                                   "no checkpoint of those sizes"));
  CHECK(refused(*c, "/tile/entries/000.p/5", 404).code() == "not_found");
  get_tile(*c, "tile/0/000.p/" + std::to_string(size), kPartial);
  get_tile(*c, "tile/entries/000.p/" + std::to_string(size), kPartial);
}
