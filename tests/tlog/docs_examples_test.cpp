// The worked examples of docs/protocol.md §13 are generated here and
// compared with the document, byte for byte, so the specification cannot
// drift from the code. Each example in the document is the fenced block
// after a marker line "<!-- tlog-example NAME -->".
//
// To see the current values (after a deliberate format change):
//   build/tests/test_tlog "[.print]" -s
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "tests/tlog/tlog_test_support.hpp"
#include "tlog/base64.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/policy.hpp"
#include "tlog/proof_file.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"
#include "tlog/tiles.hpp"
#include "tlog/witness_protocol.hpp"

using senim::Bytes;
using senim::Hash32;
using namespace senim::tlog;
namespace merkle = senim::crypto::merkle;

namespace {

const std::string& kOrigin() {
  static const std::string value = "board.example/election";
  return value;
}
constexpr std::uint64_t kTimestamp = 1700000000;

Bytes entry(std::uint64_t i) {
  const std::string text = "entry " + std::to_string(i);
  return Bytes(text.begin(), text.end());
}

// Hex in lines of 32 bytes, for byte strings shown in the document.
std::string hex_lines(senim::ByteView bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 32)
    out += senim::to_hex(bytes.subspan(i, std::min<std::size_t>(32, bytes.size() - i))) + "\n";
  return out;
}

std::map<std::string, std::string> examples() {
  std::map<std::string, std::string> out;
  const auto log = test::make_test_key(kOrigin(), kSignatureTypeEd25519, 0x01);
  const auto w1 = test::make_test_key("witness1.example", kSignatureTypeCosignatureV1, 0x02);
  const auto w2 = test::make_test_key("witness2.example", kSignatureTypeCosignatureV1, 0x03);
  const auto w3 = test::make_test_key("witness3.example", kSignatureTypeCosignatureV1, 0x04);

  // §13.2 vkeys.
  out["vkeys"] = "public key  " + senim::to_hex(log.vkey.public_key) + "\n" + "log vkey    " +
                 format_vkey(log.vkey) + "\n" + "public key  " + senim::to_hex(w1.vkey.public_key) +
                 "\n" + "cosigner    " + format_vkey(w1.vkey) + "\n";

  // §13.3 a signed note.
  const std::string text = "Hello from senim.\n";
  out["note"] = test::signed_note(text, {log.note_signer()});

  // §13.4 a checkpoint over three entries.
  merkle::MerkleLog tree;
  for (std::uint64_t i = 0; i < 3; ++i)
    tree.append(entry(i));
  const std::string checkpoint = *format_checkpoint(Checkpoint{kOrigin(), 3, tree.root(), {}});
  const std::string signed_checkpoint = test::signed_note(checkpoint, {log.note_signer()});
  out["checkpoint"] = signed_checkpoint;

  // §13.5 cosignature/v1.
  const NoteSignature cosig = *sign_note_text(checkpoint, w1.cosigner(kTimestamp));
  out["cosignature-message"] = cosignature_v1_message(kTimestamp, checkpoint);
  out["cosignature-bytes"] =
      "key ID     " +
      senim::to_hex(Bytes{static_cast<std::uint8_t>(cosig.key_id >> 24),
                          static_cast<std::uint8_t>(cosig.key_id >> 16),
                          static_cast<std::uint8_t>(cosig.key_id >> 8),
                          static_cast<std::uint8_t>(cosig.key_id)}) +
      "\ntimestamp  " + senim::to_hex(senim::ByteView(cosig.signature).subspan(0, 8)) +
      "\nsignature  " + senim::to_hex(senim::ByteView(cosig.signature).subspan(8, 32)) +
      "\n           " + senim::to_hex(senim::ByteView(cosig.signature).subspan(40, 32)) + "\n";
  const std::string cosigned = test::signed_note(
      checkpoint, {log.note_signer(), w1.cosigner(kTimestamp), w2.cosigner(kTimestamp + 1)});
  out["cosigned-checkpoint"] = cosigned;

  // §13.6 add-checkpoint: from the witness's latest size 1 to 3.
  const std::vector<Hash32> proof = *tree.consistency_proof(1, 3);
  out["add-checkpoint-request"] = *format_add_checkpoint_request(1, proof, signed_checkpoint);
  const std::vector<NoteSignature> cosigs{cosig};
  out["add-checkpoint-response"] = format_add_checkpoint_response(cosigs);
  out["add-checkpoint-409"] = format_tlog_size(2);

  // §13.7 a policy: two of three witnesses.
  Policy policy;
  policy.logs = {{log.vkey, "https://board.example/election/"}};
  policy.witnesses = {{"w1", w1.vkey, ""}, {"w2", w2.vkey, ""}, {"w3", w3.vkey, ""}};
  policy.groups = {{"observers", PolicyGroup::Threshold::count, 2, {"w1", "w2", "w3"}}};
  policy.quorum = "observers";
  out["policy"] = format_policy(policy);

  // §13.8 a proof file for entry 1, cosigned.
  const ProofFile receipt{entry(1), 1, *tree.inclusion_proof(1, 3), cosigned};
  out["proof-file"] = format_proof_file(receipt);

  // §13.9 tiles of the three-entry log, and its one entry bundle.
  MemoryHashStore store;
  for (std::uint64_t i = 0; i < 3; ++i)
    store.append_leaf_hash(merkle::leaf_hash(entry(i)));
  std::string tiles;
  for (const Tile& t : tiles_for_size(3)) {
    tiles += tile_path(t) + "\n" + hex_lines(*read_tile_data(t, store));
    const std::vector<Bytes> entries{entry(0), entry(1), entry(2)};
    tiles += entry_bundle_path(t) + "\n" + hex_lines(*encode_entry_bundle(entries));
  }
  out["tiles"] = tiles;
  std::string paths;
  for (const Tile& t : tiles_for_size(70000)) {
    if (!t.full() || t.index == 0 || t.index == 272)
      paths += tile_path(t) + "\n";
  }
  out["tile-paths-70000"] = paths;
  return out;
}

std::string read_docs() {
  std::ifstream in(std::string(SENIM_DOCS_DIR) + "/protocol.md");
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The fenced block after "<!-- tlog-example NAME -->", without the fences.
std::optional<std::string> doc_block(const std::string& doc, const std::string& name) {
  const std::string marker = "<!-- tlog-example " + name + " -->\n";
  const std::size_t at = doc.find(marker);
  if (at == std::string::npos)
    return std::nullopt;
  const std::size_t open = doc.find("```\n", at + marker.size());
  const std::size_t close = doc.find("\n```\n", open);
  if (open != at + marker.size() || close == std::string::npos)
    return std::nullopt;
  return doc.substr(open + 4, close - (open + 4) + 1);
}

}  // namespace

TEST_CASE("docs/protocol.md §13's examples are what the code produces", "[tlog][docs]") {
  const std::string doc = read_docs();
  for (const auto& [name, value] : examples()) {
    INFO("example " << name << "; the code gives:\n" << value);
    const std::optional<std::string> block = doc_block(doc, name);
    REQUIRE(block.has_value());
    CHECK(*block == value);
  }
}

TEST_CASE("print §13's examples", "[.print]") {
  for (const auto& [name, value] : examples())
    std::cout << "<!-- tlog-example " << name << " -->\n```\n" << value << "```\n\n";
}
