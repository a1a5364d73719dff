#include "witness/board_source.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "net/http_client.hpp"
#include "tlog/entry_bundle.hpp"

namespace senim::witness {
namespace {

class HttpBoard : public BoardSource {
 public:
  explicit HttpBoard(net::HttpClient client) : client_(std::move(client)) {}

 protected:
  Expected<std::optional<Bytes>> fetch(const std::string& path) override {
    auto response = client_.get("/" + path);
    if (!response)
      return make_error(Errc::io_error, "cannot fetch " + path + ": " + response.error().message);
    if (response->status == 404)
      return std::optional<Bytes>();
    if (response->status != 200) {
      return make_error(Errc::io_error,
                        "fetching " + path + ": HTTP " + std::to_string(response->status));
    }
    return std::optional<Bytes>(Bytes(response->body.begin(), response->body.end()));
  }

 private:
  net::HttpClient client_;
};

class DirectoryBoard : public BoardSource {
 public:
  explicit DirectoryBoard(std::filesystem::path dir) : dir_(std::move(dir)) {}

 protected:
  Expected<std::optional<Bytes>> fetch(const std::string& path) override {
    const std::filesystem::path file = dir_ / path;
    std::ifstream in(file, std::ios::binary);
    if (!in)
      return std::optional<Bytes>();
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
      return make_error(Errc::io_error, "cannot read " + file.string());
    return std::optional<Bytes>(std::move(data));
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

Expected<std::unique_ptr<BoardSource>> BoardSource::open(const std::string& location) {
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) {
    net::ClientOptions options;
    options.timeout = std::chrono::milliseconds(10'000);
    auto client = net::HttpClient::create(location, options);
    if (!client)
      return client.error();
    return std::unique_ptr<BoardSource>(new HttpBoard(std::move(*client)));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(location, ec))
    return make_error(Errc::io_error, location + " is neither an http:// URL nor a directory");
  return std::unique_ptr<BoardSource>(new DirectoryBoard(location));
}

Expected<Bytes> BoardSource::fetch_tile_or_full(const tlog::Tile& tile, bool entries) {
  const std::string path = entries ? tlog::entry_bundle_path(tile) : tlog::tile_path(tile);
  auto data = fetch(path);
  if (!data)
    return data.error();
  if (*data)
    return std::move(**data);
  if (tile.full())
    return make_error(Errc::io_error, "the board has no " + path);
  tlog::Tile full = tile;
  full.width = tlog::kFullTileWidth;
  const std::string full_path = entries ? tlog::entry_bundle_path(full) : tlog::tile_path(full);
  auto whole = fetch(full_path);
  if (!whole)
    return whole.error();
  if (!*whole)
    return make_error(Errc::io_error, "the board has neither " + path + " nor " + full_path);
  if (!entries) {
    Bytes& hashes = **whole;
    if (hashes.size() < std::size_t{tile.width} * tlog::kHashBytes)
      return make_error(Errc::invalid_length, full_path + " is shorter than a full tile");
    hashes.resize(std::size_t{tile.width} * tlog::kHashBytes);
    return std::move(hashes);
  }
  // The first `width` entries of the full bundle, re-encoded as the partial one.
  auto all = tlog::decode_entry_bundle(**whole);
  if (!all)
    return all.error();
  if (all->size() < tile.width)
    return make_error(Errc::invalid_length, full_path + " holds fewer than 256 entries");
  all->resize(tile.width);
  return tlog::encode_entry_bundle(*all);
}

Expected<std::vector<Bytes>> BoardSource::read_tiles(std::span<const tlog::Tile> tiles) {
  std::vector<Bytes> out;
  out.reserve(tiles.size());
  for (const tlog::Tile& tile : tiles) {
    auto data = fetch_tile_or_full(tile, false);
    if (!data)
      return data.error();
    if (data->size() != std::size_t{tile.width} * tlog::kHashBytes) {
      return make_error(Errc::invalid_length, tlog::tile_path(tile) + " has " +
                                                  std::to_string(data->size()) + " bytes, not " +
                                                  std::to_string(tile.width * tlog::kHashBytes));
    }
    out.push_back(std::move(*data));
  }
  return out;
}

Expected<Bytes> BoardSource::read_entry_bundle(const tlog::Tile& tile) {
  return fetch_tile_or_full(tile, true);
}

}  // namespace senim::witness
