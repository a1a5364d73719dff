#include "protocol/record_log_source.hpp"

#include <algorithm>

#include "crypto/merkle.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/tiles.hpp"

namespace senim::protocol {
namespace {

// One full level-0 tile's worth of leaf hashes → the root of its subtree.
Hash32 root_of(const std::vector<Hash32>& leaves) {
  Bytes data;
  data.reserve(leaves.size() * tlog::kHashBytes);
  for (const Hash32& h : leaves)
    data.insert(data.end(), h.begin(), h.end());
  return tlog::tile_hash(data);
}

}  // namespace

Expected<std::unique_ptr<RecordLogSource>> RecordLogSource::open(const std::string& path) {
  auto reader = RecordReader::open(path);
  if (!reader)
    return reader.error();
  std::unique_ptr<RecordLogSource> source(new RecordLogSource(path, std::move(*reader)));
  // One pass: entries are hashed 256 at a time; a checkpoint frame covers
  // exactly the entries before it (docs/record.md), so the tree served is
  // the one of the last checkpoint, and entries after it are left out.
  std::vector<std::uint64_t> offsets;
  std::vector<Hash32> roots;
  std::vector<Hash32> leaves;
  std::size_t covered_roots = 0;
  for (;;) {
    auto frame = source->reader_.next();
    if (!frame)
      return make_error(frame.error().code, path + ": " + frame.error().message);
    if (!*frame)
      break;
    if ((*frame)->kind == FrameKind::checkpoint) {
      source->checkpoint_.assign((*frame)->payload.begin(), (*frame)->payload.end());
      source->offsets_ = offsets;
      covered_roots = roots.size();
      continue;
    }
    offsets.push_back((*frame)->offset);
    leaves.push_back(crypto::merkle::leaf_hash((*frame)->payload));
    if (leaves.size() == tlog::kFullTileWidth) {
      roots.push_back(root_of(leaves));
      leaves.clear();
    }
  }
  if (source->checkpoint_.empty())
    return make_error(Errc::invalid_argument, path + " holds no checkpoint");
  roots.resize(covered_roots);
  source->tile_roots_ = std::move(roots);
  return source;
}

Expected<Bytes> RecordLogSource::entry(std::uint64_t index) {
  if (index >= offsets_.size()) {
    return make_error(Errc::not_found,
                      path_ + " has no entry " + std::to_string(index) + " under its checkpoint");
  }
  auto frame = reader_.read_at(offsets_[index]);
  if (!frame)
    return make_error(frame.error().code, path_ + ": " + frame.error().message);
  return std::move(frame->payload);
}

Expected<std::vector<Bytes>> RecordLogSource::entries(std::uint64_t first, std::uint64_t count) {
  std::vector<Bytes> out;
  for (std::uint64_t i = first; i < first + count; ++i) {
    auto e = entry(i);
    if (!e)
      return e.error();
    out.push_back(std::move(*e));
  }
  return out;
}

// §13.9.1: a level-0 tile hashes its entries; a tile at level l ≥ 1 is the
// level l − 1 tile of the tree whose leaves are the full level-0 tiles' roots.
Expected<Bytes> RecordLogSource::tile_data(const tlog::Tile& tile) {
  if (tile.level == 0) {
    const std::uint64_t first = tile.index * tlog::kFullTileWidth;
    if (first + tile.width > offsets_.size())
      return make_error(Errc::not_found, path_ + " has no " + tlog::tile_path(tile));
    auto got = entries(first, tile.width);
    if (!got)
      return got.error();
    Bytes data;
    for (const Bytes& e : *got) {
      const Hash32 h = crypto::merkle::leaf_hash(e);
      data.insert(data.end(), h.begin(), h.end());
    }
    return data;
  }
  const tlog::Tile below{static_cast<std::uint8_t>(tile.level - 1), tile.index, tile.width};
  auto data = tlog::tile_from_leaf_hashes(below, tile_roots_);
  if (!data)
    return make_error(Errc::not_found, path_ + " has no " + tlog::tile_path(tile));
  return data;
}

Expected<std::string> RecordLogSource::fetch(const std::string& path, std::size_t max_bytes) {
  std::string out;
  if (path == kCheckpointPath) {
    out = checkpoint_;
  } else {
    auto parsed = tlog::parse_tile_path(path);
    if (!parsed)
      return make_error(Errc::not_found, path_ + " has no " + path);
    Expected<Bytes> data = Bytes{};
    if (parsed->entries) {
      const std::uint64_t first = parsed->tile.index * tlog::kFullTileWidth;
      if (first + parsed->tile.width > offsets_.size())
        return make_error(Errc::not_found, path_ + " has no " + path);
      auto got = entries(first, parsed->tile.width);
      if (!got)
        return got.error();
      data = tlog::encode_entry_bundle(*got);
    } else {
      data = tile_data(parsed->tile);
    }
    if (!data)
      return data.error();
    out.assign(data->begin(), data->end());
  }
  if (out.size() > max_bytes) {
    return make_error(Errc::invalid_length, path_ + ": " + path + " has " +
                                                std::to_string(out.size()) + " bytes, more than " +
                                                std::to_string(max_bytes));
  }
  return out;
}

}  // namespace senim::protocol
