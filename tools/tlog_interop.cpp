// senim-tlog-interop: the C++ half of the tlog interoperability test
// (tests/interop/README.md). `write DIR` writes, with fixed keys, what a
// board and its witnesses publish — vkeys, a signed note, a cosigned
// checkpoint, the tiles and entry bundles of a 70,000-entry log, and proofs
// — for tests/interop/go/tlog_interop.go to check with golang.org/x/mod;
// `check DIR` verifies what the Go program signed in return.
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "protocol/signing.hpp"
#include "tlog/base64.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/note.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"
#include "tlog/tiles.hpp"

namespace {

using namespace senim;
using namespace senim::tlog;
namespace fs = std::filesystem;

constexpr std::uint64_t kEntries = 70000;
const std::string& kOrigin() {
  static const std::string value = "senim.example/interop";
  return value;
}

[[noreturn]] void die(const std::string& why) {
  throw std::runtime_error(why);
}

template <class T>
T need(Expected<T> value, const std::string& what) {
  if (!value)
    die(what + ": " + value.error().message);
  return std::move(*value);
}

void write_file(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out)
    die("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    die("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string first_line(const fs::path& path) {
  const std::string text = read_file(path);
  return text.substr(0, text.find('\n'));
}

// A key from a fixed seed: these are test keys, public by design.
struct Key {
  protocol::SigningKey secret;
  VerifierKey vkey;
};

Key make_key(const std::string& name, std::uint8_t type, std::uint8_t seed_byte) {
  const Bytes seed(32, seed_byte);
  protocol::SigningKey secret = need(protocol::SigningKey::from_seed(seed), "seed");
  VerifierKey vkey = need(make_verifier_key(name, type, secret.public_key()), name);
  return Key{std::move(secret), std::move(vkey)};
}

Ed25519SignFn sign_fn(const Key& key) {
  return [&key](ByteView message) { return key.secret.sign(message); };
}

Bytes entry(std::uint64_t i) {
  const std::string text = "entry " + std::to_string(i) + "\n";
  return Bytes(text.begin(), text.end());
}

// Tiles read back from the directory, as a mirror's reader would.
class DirectoryTiles : public TileSource {
 public:
  explicit DirectoryTiles(fs::path dir) : dir_(std::move(dir)) {}
  Expected<std::vector<Bytes>> read_tiles(std::span<const Tile> tiles) override {
    std::vector<Bytes> out;
    for (const Tile& t : tiles) {
      const std::string data = read_file(dir_ / tile_path(t));
      out.emplace_back(data.begin(), data.end());
    }
    return out;
  }

 private:
  fs::path dir_;
};

std::string hash_list(std::span<const Hash32> hashes) {
  std::string out;
  for (const Hash32& h : hashes)
    out += " " + base64_encode(h);
  return out;
}

void write_tiles(const fs::path& dir, MemoryHashStore& store) {
  for (const Tile& t : tiles_for_size(kEntries)) {
    const Bytes data = need(read_tile_data(t, store), tile_path(t));
    write_file(dir / tile_path(t), to_string(data));
    if (t.level != 0)
      continue;
    std::vector<Bytes> entries;
    for (std::uint64_t i = 0; i < t.width; ++i)
      entries.push_back(entry(t.index * kFullTileWidth + i));
    const Bytes bundle = need(encode_entry_bundle(entries), "bundle");
    if (Status s = check_entry_bundle(bundle, t, data); !s)
      die(s.error().message);
    write_file(dir / entry_bundle_path(t), to_string(bundle));
  }
}

// Proofs computed from the directory's tiles, checked against MerkleLog's
// and crypto::merkle's verifiers before they are written.
void write_proofs(const fs::path& dir, const crypto::merkle::MerkleLog& log) {
  DirectoryTiles tiles(dir);
  const Hash32 root = log.root();
  if (need(root_from_tiles(kEntries, tiles), "root") != root)
    die("the directory's tiles do not give the log's root");
  std::string out;
  for (std::uint64_t i :
       {0ULL, 1ULL, 255ULL, 256ULL, 4095ULL, 12345ULL, 65535ULL, 65536ULL, 69887ULL, 69999ULL}) {
    const auto proof = need(inclusion_proof_from_tiles(i, kEntries, root, tiles), "inclusion");
    if (proof != need(log.inclusion_proof(i, kEntries), "MerkleLog") ||
        !crypto::merkle::verify_inclusion(i, kEntries, crypto::merkle::leaf_hash(entry(i)), proof,
                                          root))
      die("inclusion proof for " + std::to_string(i));
    out +=
        "inclusion " + std::to_string(i) + " " + std::to_string(kEntries) + hash_list(proof) + "\n";
  }
  for (std::uint64_t m : {1ULL, 2ULL, 3ULL, 255ULL, 256ULL, 257ULL, 65535ULL, 65536ULL, 65537ULL,
                          69999ULL, 70000ULL}) {
    const auto proof = need(consistency_proof_from_tiles(m, kEntries, root, tiles), "consistency");
    const Hash32 old_root = need(log.root_at(m), "root_at");
    if (proof != need(log.consistency_proof(m, kEntries), "MerkleLog") ||
        !crypto::merkle::verify_consistency(m, kEntries, old_root, root, proof))
      die("consistency proof from " + std::to_string(m));
    out += "consistency " + std::to_string(m) + " " + std::to_string(kEntries) + " " +
           base64_encode(old_root) + hash_list(proof) + "\n";
  }
  write_file(dir / "proofs", out);
}

void write_all(const fs::path& dir) {
  const Key log_key = make_key(kOrigin(), kSignatureTypeEd25519, 0x11);
  const Key w1 = make_key("witness1.example/w", kSignatureTypeCosignatureV1, 0x22);
  const Key w2 = make_key("witness2.example/w", kSignatureTypeCosignatureV1, 0x33);
  write_file(dir / "log.vkey", format_vkey(log_key.vkey) + "\n");
  write_file(dir / "witness1.vkey", format_vkey(w1.vkey) + "\n");
  write_file(dir / "witness2.vkey", format_vkey(w2.vkey) + "\n");

  const NoteSigner log_signer = need(ed25519_note_signer(log_key.vkey, sign_fn(log_key)), "log");
  const std::string text =
      "A note from senim.\n\n\u049a\u0430\u0437\u0430\u049b\u0441\u0442\u0430\u043d \u2014 UTF-8, "
      "and empty lines.\n";
  write_file(dir / "note.text", text);
  const std::vector<NoteSigner> just_log{log_signer};
  write_file(dir / "note", need(sign_note(text, just_log), "note"));

  crypto::merkle::MerkleLog log;
  MemoryHashStore store;
  for (std::uint64_t i = 0; i < kEntries; ++i) {
    log.append(entry(i));
    store.append_leaf_hash(crypto::merkle::leaf_hash(entry(i)));
  }
  const std::string checkpoint =
      need(format_checkpoint(Checkpoint{kOrigin(), kEntries, log.root(), {}}), "checkpoint");
  const std::vector<NoteSigner> signers{
      log_signer, need(cosignature_v1_signer(w1.vkey, sign_fn(w1), 1700000001), "w1"),
      need(cosignature_v1_signer(w2.vkey, sign_fn(w2), 1700000002), "w2")};
  write_file(dir / "checkpoint", need(sign_note(checkpoint, signers), "cosigned checkpoint"));
  write_tiles(dir, store);
  write_proofs(dir, log);
}

// Verifies what the Go program signed: a note made with note.Sign, and a
// cosignature/v1 made by hand from the specification.
void check_all(const fs::path& dir) {
  const VerifierKey go_key = need(parse_vkey(first_line(dir / "go.vkey")), "go.vkey");
  const std::vector<VerifierKey> go_known{go_key};
  const OpenedNote note = need(open_note(read_file(dir / "go.note"), go_known), "go.note");
  if (note.text != read_file(dir / "go.text") || note.verified.size() != 1)
    die("go.note: wrong text or signatures");
  std::cout << "ok: senim verifies a note signed by note.NewSigner/note.Sign (" << go_key.name
            << ")\n";

  const VerifierKey log_key = need(parse_vkey(first_line(dir / "log.vkey")), "log.vkey");
  const VerifierKey go_witness =
      need(parse_vkey(first_line(dir / "go-witness.vkey")), "go-witness.vkey");
  const std::vector<VerifierKey> known{log_key, go_witness};
  const std::string cosigned = read_file(dir / "checkpoint") + read_file(dir / "go-cosignature");
  const OpenedNote opened = need(open_note(cosigned, known), "go-cosignature");
  const std::uint64_t want = std::stoull(first_line(dir / "go-witness.time"));
  if (opened.verified.size() != 2 || opened.verified[1].key != go_witness ||
      opened.verified[1].timestamp != std::optional<std::uint64_t>(want))
    die("go-cosignature: not verified with its timestamp");
  std::cout << "ok: senim verifies a cosignature/v1 made in Go, timestamp " << want << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() != 2 || (args[0] != "write" && args[0] != "check")) {
    std::cerr << "usage: senim-tlog-interop write|check DIR\n";
    return 2;
  }
  if (sodium_init() < 0) {
    std::cerr << "senim-tlog-interop: libsodium failed to initialise\n";
    return 1;
  }
  try {
    if (args[0] == "write")
      write_all(args[1]);
    else
      check_all(args[1]);
  } catch (const std::exception& e) {
    std::cerr << "senim-tlog-interop: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
