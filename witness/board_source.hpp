// Where a witness reads the board from: tiles and entry bundles
// (c2sp.org/tlog-tiles, docs/protocol.md §13.9) at the board's URL, or in a
// directory holding the same files (an observer's mirror, or what
// `senim-server export-tiles` writes).
//
// Stop-gap: the board's own TileSource implementations (HTTP and directory)
// will replace this file; until then it is the one place the witness fetches.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/tile_reader.hpp"
#include "tlog/tiles.hpp"

namespace senim::witness {

class BoardSource : public tlog::TileSource {
 public:
  // `location`: an http:// URL (the tiles at URL/tile/…) or a directory.
  static Expected<std::unique_ptr<BoardSource>> open(const std::string& location);

  // Hash tiles, each exactly width · 32 bytes. Errors: io_error (cannot
  // fetch), invalid_length (a tile of the wrong size).
  Expected<std::vector<Bytes>> read_tiles(std::span<const tlog::Tile> tiles) override;
  // The entry bundle of a level-0 tile's index and width, its bytes as served.
  Expected<Bytes> read_entry_bundle(const tlog::Tile& tile);

 protected:
  // The file at `path` ("tile/0/000.p/3"); nullopt if there is none (404).
  virtual Expected<std::optional<Bytes>> fetch(const std::string& path) = 0;

 private:
  // A partial tile or bundle that the log replaced by its full one may be
  // gone (tlog-tiles lets logs delete them): then the full one is read.
  Expected<Bytes> fetch_tile_or_full(const tlog::Tile& tile, bool entries);
};

}  // namespace senim::witness
