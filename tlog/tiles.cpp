#include "tlog/tiles.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "crypto/merkle.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

// s >> bits, 0 once every bit is shifted out (a plain >> of 64 or more bits
// is undefined behaviour).
std::uint64_t shift_right(std::uint64_t value, unsigned bits) {
  return bits >= 64 ? 0 : value >> bits;
}

std::string three_digits(std::uint64_t value) {
  std::string out = std::to_string(value);
  return std::string(3 - out.size(), '0') + out;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos)
      return out;
    start = slash + 1;
  }
}

// One index path element without its 'x': three digits.
std::optional<std::uint64_t> parse_group(std::string_view group) {
  if (group.size() != 3 || group.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return static_cast<std::uint64_t>((group[0] - '0') * 100 + (group[1] - '0') * 10 +
                                    (group[2] - '0'));
}

std::string width_suffix(const Tile& tile) {
  return tile.full() ? "" : ".p/" + std::to_string(tile.width);
}

Error bad_path(std::string_view path, const std::string& why) {
  return make_error(Errc::invalid_encoding, "tile path " + quote(path) + ": " + why);
}

// Parses the elements after "tile/<L or entries>/" into index and width.
Expected<Tile> parse_index_and_width(std::string_view path,
                                     std::vector<std::string_view> elements) {
  Tile tile;
  if (elements.size() >= 2 && elements[elements.size() - 2].ends_with(".p")) {
    const std::optional<std::uint64_t> width = parse_decimal(elements.back());
    if (!width || *width < 1 || *width >= kFullTileWidth)
      return bad_path(path, "a partial width must be 1..255");
    tile.width = static_cast<std::uint16_t>(*width);
    elements.pop_back();
    elements.back().remove_suffix(2);
  }
  if (elements.empty())
    return bad_path(path, "no tile index");
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    std::string_view group = elements[i];
    const bool last = i + 1 == elements.size();
    if (!last) {
      if (!group.starts_with('x'))
        return bad_path(path, "index elements but the last must start with 'x'");
      group.remove_prefix(1);
    }
    const std::optional<std::uint64_t> value = parse_group(group);
    if (!value)
      return bad_path(path, "index elements must be three digits");
    if (index > (std::numeric_limits<std::uint64_t>::max() - *value) / 1000)
      return bad_path(path, "tile index overflows");
    index = index * 1000 + *value;
  }
  tile.index = index;
  return tile;
}

}  // namespace

std::string tile_index_path(std::uint64_t index) {
  std::string out = three_digits(index % 1000);
  for (index /= 1000; index > 0; index /= 1000)
    out = "x" + three_digits(index % 1000) + "/" + out;
  return out;
}

std::string tile_path(const Tile& tile) {
  return "tile/" + std::to_string(tile.level) + "/" + tile_index_path(tile.index) +
         width_suffix(tile);
}

std::string entry_bundle_path(const Tile& tile) {
  return "tile/entries/" + tile_index_path(tile.index) + width_suffix(tile);
}

Expected<TilePath> parse_tile_path(std::string_view path) {
  std::vector<std::string_view> elements = split_path(path);
  if (elements.size() < 3 || elements[0] != "tile")
    return bad_path(path, "not tile/<L>/<N> or tile/entries/<N>");
  TilePath out;
  if (elements[1] == "entries") {
    out.entries = true;
  } else {
    const std::optional<std::uint64_t> level = parse_decimal(elements[1]);
    if (!level || *level > kMaxTileLevel)
      return bad_path(path, "the level must be 0..63 without leading zeros");
    out.tile.level = static_cast<std::uint8_t>(*level);
  }
  Expected<Tile> rest = parse_index_and_width(
      path, std::vector<std::string_view>(elements.begin() + 2, elements.end()));
  if (!rest)
    return rest.error();
  out.tile.index = rest->index;
  out.tile.width = rest->width;
  // Canonical form only: rules out "x000/…" and any other second spelling.
  const std::string canonical = out.entries ? entry_bundle_path(out.tile) : tile_path(out.tile);
  if (canonical != path)
    return bad_path(path, "not the canonical form " + quote(canonical));
  return out;
}

std::vector<Tile> new_tiles(std::uint64_t old_size, std::uint64_t new_size) {
  std::vector<Tile> out;
  for (unsigned level = 0; level <= kMaxTileLevel; ++level) {
    const std::uint64_t old_n = shift_right(old_size, level * kTileHeight);
    const std::uint64_t new_n = shift_right(new_size, level * kTileHeight);
    if (new_n == 0)
      break;
    if (old_n == new_n)
      continue;  // nothing changed at this level
    const auto l = static_cast<std::uint8_t>(level);
    for (std::uint64_t n = old_n / kFullTileWidth; n < new_n / kFullTileWidth; ++n)
      out.push_back(Tile{l, n, kFullTileWidth});
    if (const std::uint64_t width = new_n % kFullTileWidth; width != 0)
      out.push_back(Tile{l, new_n / kFullTileWidth, static_cast<std::uint16_t>(width)});
  }
  return out;
}

std::vector<Tile> tiles_for_size(std::uint64_t size) {
  return new_tiles(0, size);
}

Hash32 tile_hash(ByteView data) {
  if (data.size() == kHashBytes) {
    Hash32 out{};
    std::copy(data.begin(), data.end(), out.begin());
    return out;
  }
  const std::size_t half = data.size() / 2;
  return crypto::merkle::node_hash(tile_hash(data.subspan(0, half)), tile_hash(data.subspan(half)));
}

namespace {
// MTH of the perfect subtree of 2^height leaves starting at `begin`.
Hash32 perfect_subtree_hash(std::span<const Hash32> leaves, std::uint64_t begin, unsigned height) {
  if (height == 0)
    return leaves[begin];
  const std::uint64_t half = std::uint64_t{1} << (height - 1);
  return crypto::merkle::node_hash(perfect_subtree_hash(leaves, begin, height - 1),
                                   perfect_subtree_hash(leaves, begin + half, height - 1));
}
}  // namespace

Expected<Bytes> tile_from_leaf_hashes(const Tile& tile, std::span<const Hash32> leaves) {
  const unsigned height = tile.level * kTileHeight;
  const std::uint64_t first = tile.index * kFullTileWidth;
  const std::uint64_t needed = (first + tile.width) << height;
  if (height >= 64 || shift_right(needed, height) != first + tile.width || leaves.size() < needed) {
    return make_error(Errc::invalid_argument, tile_path(tile) + " is not in a tree of " +
                                                  std::to_string(leaves.size()) + " leaves");
  }
  Bytes out;
  out.reserve(std::size_t{tile.width} * kHashBytes);
  for (std::uint64_t i = first; i < first + tile.width; ++i)
    append(out, perfect_subtree_hash(leaves, i << height, height));
  return out;
}

}  // namespace senim::tlog
