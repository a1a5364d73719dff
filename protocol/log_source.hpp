// A board's log as its readers see it (docs/protocol.md §11.5): the
// checkpoint, the tiles and the entry bundles at a tlog-tiles prefix — the
// board itself, a mirror behind a static web server, a mirror directory.
// A transport (net/log_sources.hpp) only fetches files by path; reading
// tiles and bundles, the fallback from a missing partial tile to the full
// one, and authenticating what was read against a checkpoint are here, once,
// for `senim-verify`, `senim check`, `senim export-tiles` and the witness.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/election_config.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/tile_reader.hpp"
#include "tlog/tiles.hpp"

namespace senim::protocol {

// Where a mirror keeps the board's GET /v1/witnessed-checkpoint (§11.5).
inline constexpr std::string_view kWitnessedCheckpointPath = "v1/witnessed-checkpoint";
inline constexpr std::string_view kCheckpointPath = "checkpoint";

class LogSource : public tlog::TileSource {
 public:
  // The file at <prefix>/<path>, at most `max_bytes` long. Errors:
  // not_found if the source has no such file; invalid_length if it is
  // longer; io_error for anything else (a network failure, an HTTP status).
  virtual Expected<std::string> fetch(const std::string& path, std::size_t max_bytes) = 0;
  // The source for messages: its URL or directory.
  virtual std::string where() const = 0;

  // Each tile's bytes, exactly width · 32 of them. A partial tile the source
  // does not have is read from the full tile at its place (tlog-tiles allows
  // a log to delete partial tiles once the full one exists). Tiles are
  // cached (they never change). Errors: fetch's; invalid_length.
  Expected<std::vector<Bytes>> read_tiles(std::span<const tlog::Tile> tiles) override;
  // The checkpoint note, as served (not verified).
  Expected<std::string> checkpoint();
  // The board's witnessed checkpoint, or nullopt if the source has none.
  Expected<std::optional<std::string>> witnessed_checkpoint();
  // The `tile.width` entries of entry bundle `tile` (level 0), with the same
  // fallback as read_tiles. Errors: fetch's; tlog::decode_entry_bundle's;
  // invalid_length (another number of entries).
  Expected<std::vector<Bytes>> entry_bundle(const tlog::Tile& tile);

 private:
  Expected<Bytes> read_tile(const tlog::Tile& tile);
  // Tiles read so far, at most kCachedTiles of them (8 KiB each at most).
  static constexpr std::size_t kCachedTiles = 4096;
  std::map<tlog::Tile, Bytes> cache_;
};

// The log of one checkpoint, read from a source: every entry it returns is
// the one whose leaf hash the checkpoint's tree holds at its index (the
// level-0 tile authenticated to the checkpoint's root, §13.9.3).
class CheckpointedLog {
 public:
  CheckpointedLog(LogSource& source, tlog::Checkpoint checkpoint)
      : source_(source), checkpoint_(std::move(checkpoint)) {}
  // The entries of entry bundle `n` of this tree (256, or fewer in the last
  // one). Errors: invalid_argument (no such bundle), merkle_root_mismatch
  // (an entry that is not the tree's leaf, naming its index), the source's.
  Expected<std::vector<Bytes>> bundle(std::uint64_t n);
  // The entries [begin, end) of this tree, each proven as bundle() proves
  // it. Errors: bundle()'s.
  Expected<std::vector<Bytes>> entries(std::uint64_t begin, std::uint64_t end);
  const tlog::Checkpoint& checkpoint() const { return checkpoint_; }
  std::uint64_t bundles() const;

 private:
  LogSource& source_;
  tlog::Checkpoint checkpoint_;
};

// The election a source serves and its latest checkpoint (§11.3, "Checking
// it later"): the set-up is leaf 0 of the latest checkpoint's tree, and that
// checkpoint is one of the election (§11.2) under the set-up's board vkey.
struct ServedElection {
  ElectionConfig config;
  Bytes setup_entry;
  BoardCheckpoint latest;
};
// Errors: the source's; tlog::parse_note's, parse_checkpoint's (of the
// served note); CheckpointedLog::bundle's; parse_entry's and check_setup's
// for entry 0; verify_board_checkpoint's.
Expected<ServedElection> read_served_election(LogSource& source);

}  // namespace senim::protocol
