#include "tlog/entry_bundle.hpp"

#include <algorithm>
#include <string>

#include "crypto/merkle.hpp"

namespace senim::tlog {
namespace {
std::string str(std::uint64_t v) {
  return std::to_string(v);
}
}  // namespace

Expected<Bytes> encode_entry_bundle(std::span<const Bytes> entries) {
  if (entries.empty() || entries.size() > kFullTileWidth) {
    return make_error(Errc::invalid_argument,
                      "an entry bundle holds 1..256 entries, got " + str(entries.size()));
  }
  Bytes out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Bytes& entry = entries[i];
    if (entry.size() > kMaxBundleEntryBytes) {
      return make_error(Errc::invalid_length, "entry " + str(i) + " of the bundle has " +
                                                  str(entry.size()) +
                                                  " bytes; a bundle entry holds at most 65535");
    }
    out.push_back(static_cast<std::uint8_t>(entry.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(entry.size() & 0xFF));
    append(out, entry);
  }
  return out;
}

Expected<std::vector<Bytes>> decode_entry_bundle(ByteView bundle) {
  std::vector<Bytes> out;
  std::size_t pos = 0;
  while (pos < bundle.size()) {
    if (out.size() == kFullTileWidth)
      return make_error(Errc::invalid_encoding, "entry bundle has more than 256 entries");
    if (bundle.size() - pos < 2) {
      return make_error(Errc::invalid_encoding,
                        "entry bundle truncated in the length of entry " + str(out.size()));
    }
    const std::size_t length = (std::size_t{bundle[pos]} << 8) | bundle[pos + 1];
    pos += 2;
    if (bundle.size() - pos < length) {
      return make_error(Errc::invalid_encoding,
                        "entry " + str(out.size()) + " of " + str(length) + " bytes is truncated");
    }
    out.emplace_back(bundle.begin() + static_cast<std::ptrdiff_t>(pos),
                     bundle.begin() + static_cast<std::ptrdiff_t>(pos + length));
    pos += length;
  }
  if (out.empty())
    return make_error(Errc::invalid_encoding, "entry bundle is empty");
  return out;
}

Status check_entry_bundle(ByteView bundle, const Tile& tile, ByteView tile_data) {
  if (tile.level != 0)
    return make_error(Errc::invalid_argument,
                      "entry bundles match level-0 tiles, not " + tile_path(tile));
  if (tile_data.size() != std::size_t{tile.width} * kHashBytes) {
    return make_error(Errc::invalid_length,
                      tile_path(tile) + " data has " + str(tile_data.size()) + " bytes");
  }
  Expected<std::vector<Bytes>> entries = decode_entry_bundle(bundle);
  if (!entries)
    return entries.error();
  if (entries->size() != tile.width) {
    return make_error(Errc::invalid_length, "bundle for " + tile_path(tile) + " has " +
                                                str(entries->size()) + " entries");
  }
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const Hash32 leaf = crypto::merkle::leaf_hash((*entries)[i]);
    if (!std::equal(leaf.begin(), leaf.end(),
                    tile_data.begin() + static_cast<std::ptrdiff_t>(i * kHashBytes))) {
      return make_error(Errc::merkle_root_mismatch,
                        "entry " + str(tile.index * kFullTileWidth + i) +
                            " does not hash to its leaf hash in " + tile_path(tile));
    }
  }
  return Status::success();
}

}  // namespace senim::tlog
