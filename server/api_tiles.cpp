// The log as a C2SP tiled log (docs/api.md, "Reads"; docs/protocol.md
// §11.5): GET /checkpoint, /v1/witnessed-checkpoint, /tile/<L>/<N>[.p/<W>]
// and /tile/entries/<N>[.p/<W>], with the content types and cache headers
// tlog-tiles asks for.
#include "server/api.hpp"
#include "server/api_call.hpp"
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
  auto data = parsed->entries ? board.entry_bundle(parsed->tile) : board.tile(parsed->tile);
  if (!data) {
    // An entry too long for a bundle is the board's fault, not the reader's.
    if (data.error().code == Errc::invalid_length)
      return error_response(500, "invalid_length", data.error().message, call.format);
    return error_response(data.error(), call.format);
  }
  Response r;
  r.content_type = std::string(kOctetStream);
  r.cache_control = std::string(parsed->tile.full() ? kImmutable : kPartial);
  r.body.assign(data->begin(), data->end());
  return r;
}

}  // namespace senim::server::api
