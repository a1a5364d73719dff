// The log as a C2SP tiled log (docs/api.md, "Reads"; docs/protocol.md
// §11.5): GET /checkpoint, /v1/witnessed-checkpoint, /tile/<L>/<N>[.p/<W>]
// and /tile/entries/<N>[.p/<W>], with the content types and cache headers
// tlog-tiles asks for.
#include <memory>

#include "server/api.hpp"
#include "server/api_call.hpp"
#include "server/leaf_pieces.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/tiles.hpp"

namespace senim::server::api {
namespace {

constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kOctetStream = "application/octet-stream";
// tlog-tiles: the checkpoint "SHOULD prevent caching beyond a few seconds";
// full tiles and bundles are immutable. Partial ones are immutable too, but
// kept short (the lead's choice, docs/api.md).
constexpr std::string_view kMutable = "public, max-age=1";
constexpr std::string_view kPartial = "public, max-age=5";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

// Every entry fits a bundle's u16 length (docs/protocol.md §11.1, §13.9.2).
static_assert(protocol::kMaxEntryBytes <= tlog::kMaxBundleEntryBytes);

// The entries of leaves [first, end) as an entry bundle (u16_be(length) ‖
// entry, each), streamed: each piece is read from storage when the socket
// has taken the previous one (limits::kStreamPieceBytes), so a reader that
// stops reading a bundle of 256 large entries holds one piece, not 16 MiB.
Response entry_bundle(Board& board, std::uint64_t first, std::uint64_t end) {
  Response r;
  r.content_type = std::string(kOctetStream);
  auto next = std::make_shared<std::uint64_t>(first);
  r.stream = [&board, next, end]() -> Expected<std::optional<std::string>> {
    if (*next >= end)
      return std::optional<std::string>{};
    std::string out;
    auto after = read_piece(board.storage(), *next, end, [&](ByteView entry) {
      out.push_back(static_cast<char>(entry.size() >> 8));
      out.push_back(static_cast<char>(entry.size() & 0xFF));
      out.append(entry.begin(), entry.end());
      return true;
    });
    if (!after)
      return after.error();
    *next = *after;
    return std::optional<std::string>(std::move(out));
  };
  return r;
}

Response text(std::string body) {
  Response r;
  r.content_type = std::string(kTextType);
  r.cache_control = std::string(kMutable);
  r.body = std::move(body);
  return r;
}

}  // namespace

Response checkpoint(Board& board, const Call& call) {
  auto note = board.cosigned_checkpoint();
  if (!note) {
    return error_response(
        make_error(Errc::not_found, "the board is empty: it signs no checkpoint before the set-up"),
        call.format);
  }
  return text(std::move(*note));
}

Response witnessed_checkpoint(Board& board, const Call& call) {
  auto note = board.witnessed_checkpoint();
  if (!note) {
    return error_response(
        make_error(Errc::not_found, "no checkpoint of the board meets the quorum yet"),
        call.format);
  }
  return text(std::move(*note));
}

Response tile(Board& board, const Call& call) {
  // "/tile/…" without its leading '/': the path tlog-tiles names.
  const std::string_view path = std::string_view(call.target.path).substr(1);
  auto parsed = tlog::parse_tile_path(path);
  if (!parsed) {
    // The message names the path and what is wrong with it.
    return error_response(make_error(Errc::invalid_encoding, parsed.error().message), call.format);
  }
  const std::string_view cache = parsed->tile.full() ? kImmutable : kPartial;
  if (parsed->entries) {
    if (auto s = board.check_entry_bundle(parsed->tile); !s)
      return error_response(s.error(), call.format);
    // The leaves are in storage for good once a checkpoint covers them.
    const std::uint64_t first = parsed->tile.index * tlog::kFullTileWidth;
    Response r = entry_bundle(board, first, first + parsed->tile.width);
    r.cache_control = std::string(cache);
    return r;
  }
  auto data = board.tile(parsed->tile);
  if (!data)
    return error_response(data.error(), call.format);
  Response r;
  r.content_type = std::string(kOctetStream);
  r.cache_control = std::string(cache);
  r.body.assign(data->begin(), data->end());
  return r;
}

}  // namespace senim::server::api
