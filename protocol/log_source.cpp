#include "protocol/log_source.hpp"

#include <algorithm>

#include "crypto/merkle.hpp"
#include "protocol/entry.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/note.hpp"
#include "tlog/stored_hashes.hpp"

namespace senim::protocol {
namespace {

constexpr std::size_t kTileBytes = std::size_t{tlog::kFullTileWidth} * tlog::kHashBytes;
// 256 entries of at most 65,535 bytes, each with its 2-byte length.
constexpr std::size_t kMaxBundleBytes =
    std::size_t{tlog::kFullTileWidth} * (2 + tlog::kMaxBundleEntryBytes);

tlog::Tile full_tile_at(const tlog::Tile& tile) {
  return tlog::Tile{tile.level, tile.index, tlog::kFullTileWidth};
}

// fetch(), falling back from a missing partial file to the full one.
Expected<std::string> fetch_with_fallback(LogSource& source, const std::string& path,
                                          const std::string& full_path, bool partial,
                                          std::size_t max_bytes) {
  auto data = source.fetch(path, max_bytes);
  if (data || !partial || data.error().code != Errc::not_found)
    return data;
  return source.fetch(full_path, max_bytes);
}

}  // namespace

Expected<Bytes> LogSource::read_tile(const tlog::Tile& tile) {
  if (auto hit = cache_.find(tile); hit != cache_.end())
    return hit->second;
  auto data = fetch_with_fallback(*this, tlog::tile_path(tile), tlog::tile_path(full_tile_at(tile)),
                                  !tile.full(), kTileBytes);
  if (!data)
    return data.error();
  const std::size_t want = std::size_t{tile.width} * tlog::kHashBytes;
  // A full tile read in place of a partial one: its first W hashes.
  if (data->size() == kTileBytes && want < kTileBytes)
    data->resize(want);
  if (data->size() != want) {
    return make_error(Errc::invalid_length, where() + ": " + tlog::tile_path(tile) + " has " +
                                                std::to_string(data->size()) + " bytes, want " +
                                                std::to_string(want));
  }
  if (cache_.size() >= kCachedTiles)
    cache_.clear();
  Bytes bytes(data->begin(), data->end());
  cache_.emplace(tile, bytes);
  return bytes;
}

Expected<std::vector<Bytes>> LogSource::read_tiles(std::span<const tlog::Tile> tiles) {
  std::vector<Bytes> out;
  out.reserve(tiles.size());
  for (const tlog::Tile& tile : tiles) {
    auto data = read_tile(tile);
    if (!data)
      return data.error();
    out.push_back(std::move(*data));
  }
  return out;
}

Expected<std::string> LogSource::checkpoint() {
  return fetch(std::string(kCheckpointPath), tlog::kMaxNoteBytes);
}

Expected<std::optional<std::string>> LogSource::witnessed_checkpoint() {
  auto note = fetch(std::string(kWitnessedCheckpointPath), tlog::kMaxNoteBytes);
  if (note)
    return std::optional<std::string>(std::move(*note));
  if (note.error().code == Errc::not_found)
    return std::optional<std::string>{};
  return note.error();
}

Expected<std::vector<Bytes>> LogSource::entry_bundle(const tlog::Tile& tile) {
  auto data = fetch_with_fallback(*this, tlog::entry_bundle_path(tile),
                                  tlog::entry_bundle_path(full_tile_at(tile)), !tile.full(),
                                  kMaxBundleBytes);
  if (!data)
    return data.error();
  auto entries = tlog::decode_entry_bundle(as_bytes(*data));
  if (!entries) {
    return make_error(entries.error().code, where() + ": " + tlog::entry_bundle_path(tile) + ": " +
                                                entries.error().message);
  }
  // A full bundle read in place of a partial one: its first W entries.
  if (entries->size() == tlog::kFullTileWidth && tile.width < tlog::kFullTileWidth)
    entries->resize(tile.width);
  if (entries->size() != tile.width) {
    return make_error(Errc::invalid_length, where() + ": " + tlog::entry_bundle_path(tile) +
                                                " holds " + std::to_string(entries->size()) +
                                                " entries, want " + std::to_string(tile.width));
  }
  return entries;
}

std::uint64_t CheckpointedLog::bundles() const {
  return (checkpoint_.size + tlog::kFullTileWidth - 1) / tlog::kFullTileWidth;
}

Expected<std::vector<Bytes>> CheckpointedLog::bundle(std::uint64_t n) {
  if (n >= bundles()) {
    return make_error(Errc::invalid_argument, "the log of size " +
                                                  std::to_string(checkpoint_.size) +
                                                  " has no entry bundle " + std::to_string(n));
  }
  const std::uint64_t first = n * tlog::kFullTileWidth;
  const auto width = static_cast<std::uint16_t>(
      std::min<std::uint64_t>(tlog::kFullTileWidth, checkpoint_.size - first));
  auto entries = source_.entry_bundle(tlog::Tile{0, n, width});
  if (!entries)
    return entries.error();
  // The leaf hashes the checkpoint's tree holds, authenticated to its root.
  std::vector<std::uint64_t> indexes;
  indexes.reserve(width);
  for (std::uint64_t i = 0; i < width; ++i)
    indexes.push_back(tlog::stored_hash_index(0, first + i));
  tlog::TileHashReader reader(checkpoint_.size, checkpoint_.root, source_);
  auto leaves = reader.read_hashes(indexes);
  if (!leaves)
    return make_error(leaves.error().code, source_.where() + ": " + leaves.error().message);
  for (std::size_t i = 0; i < width; ++i) {
    if (crypto::merkle::leaf_hash((*entries)[i]) != (*leaves)[i]) {
      return make_error(Errc::merkle_root_mismatch,
                        source_.where() + ": entry " + std::to_string(first + i) +
                            " of its bundle is not leaf " + std::to_string(first + i) +
                            " of the log of size " + std::to_string(checkpoint_.size));
    }
  }
  return entries;
}

Expected<ServedElection> read_served_election(LogSource& source) {
  auto note = source.checkpoint();
  if (!note)
    return note.error();
  auto parsed = tlog::parse_note(*note);
  if (!parsed)
    return make_error(parsed.error().code,
                      source.where() + "/checkpoint: " + parsed.error().message);
  auto checkpoint = tlog::parse_checkpoint(parsed->text);
  if (!checkpoint) {
    return make_error(checkpoint.error().code,
                      source.where() + "/checkpoint: " + checkpoint.error().message);
  }
  if (checkpoint->size == 0) {
    return make_error(Errc::invalid_argument,
                      source.where() + "/checkpoint has size 0: a board signs none (§11.2)");
  }
  // Entry 0, authenticated to the (not yet verified) checkpoint's root.
  CheckpointedLog log(source, *checkpoint);
  auto first = log.bundle(0);
  if (!first)
    return first.error();
  ServedElection out;
  out.setup_entry = std::move(first->front());
  auto entry = parse_entry(out.setup_entry);
  if (!entry)
    return make_error(entry.error().code, "entry 0: " + entry.error().message);
  if (auto s = verify_entry_signature(entry->entry); !s)
    return make_error(s.error().code, "entry 0: " + s.error().message);
  auto config = check_setup(*entry);
  if (!config)
    return config.error();
  out.config = std::move(*config);
  // Now the checkpoint, under the key the set-up names.
  auto latest = verify_board_checkpoint(*note, out.config.board_vkey);
  if (!latest) {
    return make_error(latest.error().code,
                      source.where() + "/checkpoint: " + latest.error().message);
  }
  out.latest = std::move(*latest);
  return out;
}

Expected<std::vector<Bytes>> CheckpointedLog::entries(std::uint64_t begin, std::uint64_t end) {
  std::vector<Bytes> out;
  out.reserve(end > begin ? end - begin : 0);
  for (std::uint64_t b = begin / tlog::kFullTileWidth; b * tlog::kFullTileWidth < end; ++b) {
    auto got = bundle(b);
    if (!got)
      return got.error();
    const std::uint64_t first = b * tlog::kFullTileWidth;
    for (std::uint64_t i = std::max(first, begin); i < std::min(first + got->size(), end); ++i)
      out.push_back(std::move((*got)[i - first]));
  }
  return out;
}

}  // namespace senim::protocol
