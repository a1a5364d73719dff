#include "tests/witness/board_files.hpp"

#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>

#include "crypto/merkle.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/note.hpp"
#include "tlog/tiles.hpp"
#include "tlog/witness_protocol.hpp"

namespace senim::test {
namespace {

template <class T>
T need(Expected<T> value, const char* what) {
  if (!value)
    throw std::runtime_error(std::string(what) + ": " + value.error().message);
  return std::move(*value);
}

void write_file(const std::filesystem::path& path, ByteView data) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

BoardFiles::BoardFiles(std::string dir, const protocol::SigningKey& key, std::string origin)
    : dir_(std::move(dir)), key_(key), origin_(std::move(origin)) {
  vkey_ = need(tlog::make_verifier_key(origin_, tlog::kSignatureTypeEd25519, key_.public_key()),
               "board vkey");
  vkey_text_ = tlog::format_vkey(vkey_);
  if (dir_.rfind("http://", 0) != 0)
    std::filesystem::create_directories(dir_);
}

void BoardFiles::set_entries(std::vector<Bytes> entries) {
  entries_ = std::move(entries);
  leaves_.clear();
  hashes_ = tlog::MemoryHashStore();
  for (const Bytes& e : entries_) {
    leaves_.push_back(crypto::merkle::leaf_hash(e));
    hashes_.append_leaf_hash(leaves_.back());
  }
}

void BoardFiles::publish(std::uint64_t size) const {
  publish(0, size);
}

void BoardFiles::publish(std::uint64_t old_size, std::uint64_t size) const {
  const std::span<const Hash32> leaves(leaves_.data(), size);
  for (const tlog::Tile& tile : tlog::new_tiles(old_size, size)) {
    write_file(std::filesystem::path(dir_) / tlog::tile_path(tile),
               need(tlog::tile_from_leaf_hashes(tile, leaves), "tile"));
    if (tile.level != 0)
      continue;
    const std::span<const Bytes> bundle(entries_.data() + tile.index * 256, tile.width);
    write_file(std::filesystem::path(dir_) / tlog::entry_bundle_path(tile),
               need(tlog::encode_entry_bundle(bundle), "bundle"));
  }
}

Hash32 BoardFiles::root(std::uint64_t size) const {
  return need(tlog::tree_hash(size, hashes_), "root");
}

std::string BoardFiles::checkpoint_with_root(std::uint64_t size, const Hash32& root) const {
  const std::string text = need(tlog::format_checkpoint({origin_, size, root, {}}), "checkpoint");
  const tlog::NoteSigner signer =
      need(tlog::ed25519_note_signer(vkey_, [this](ByteView m) { return key_.sign(m); }), "signer");
  return need(tlog::sign_note(text, std::span(&signer, 1)), "note");
}

std::string BoardFiles::checkpoint(std::uint64_t size) const {
  return checkpoint_with_root(size, root(size));
}

std::vector<Hash32> BoardFiles::consistency(std::uint64_t old_size, std::uint64_t new_size) const {
  if (old_size == 0 || old_size == new_size)
    return {};
  return need(tlog::prove_consistency(old_size, new_size, hashes_), "consistency proof");
}

std::string BoardFiles::request(std::uint64_t old_size, std::uint64_t size) const {
  const std::vector<Hash32> proof = consistency(old_size, size);
  return need(tlog::format_add_checkpoint_request(old_size, proof, checkpoint(size)), "request");
}

}  // namespace senim::test
