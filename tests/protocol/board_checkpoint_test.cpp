// The log's identity, checkpoints and receipts (docs/protocol.md §8.1 rule 8,
// §8.2, §11.2, §11.3): every refusal of the rules the board, the clients and
// the verifier share, with its code and message.
#include "protocol/board_checkpoint.hpp"

#include <catch2/catch.hpp>

#include "crypto/merkle.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/manifest_rules.hpp"
#include "protocol/receipt.hpp"
#include "sim/election_builder.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"

using Catch::Matchers::Contains;
using senim::Bytes;
using senim::Errc;
using senim::protocol::SigningKey;
namespace v1 = senim::v1;

namespace {

senim::sim::ElectionPlan small_plan(const std::string& origin = {}) {
  senim::sim::ElectionPlan p;
  p.manifest = senim::sim::referendum_manifest("ref-2026");
  p.trustees = 1;
  p.threshold = 1;
  p.voters = 2;
  p.log_origin = origin;
  return p;
}

// check_setup of a builder's set-up statement after `edit`.
senim::Expected<senim::protocol::ElectionConfig> setup_with(
    const std::function<void(v1::Statement&)>& edit) {
  senim::sim::ElectionBuilder b(small_plan());
  v1::Statement st = b.setup_statement();
  edit(st);
  const Bytes entry = senim::protocol::make_entry(b.authority_key(), st);
  return senim::protocol::check_setup(*senim::protocol::parse_entry(entry));
}

void check_error(const senim::Status& s, Errc code, const std::string& text) {
  REQUIRE(!s.ok());
  INFO(s.error().message);
  CHECK(s.error().code == code);
  CHECK_THAT(s.error().message, Contains(text));
}

template <class T>
void check_error(const senim::Expected<T>& e, Errc code, const std::string& text) {
  REQUIRE(!e.ok());
  check_error(senim::Status(e.error()), code, text);
}

// A small log and the election that signs it.
struct Log {
  senim::sim::ElectionBuilder b{small_plan()};
  senim::crypto::merkle::MerkleLog tree;
  senim::tlog::MemoryHashStore store;
  Log() {
    b.prepare();
    for (const Bytes& e : b.entries()) {
      tree.append(e);
      store.append_leaf_hash(senim::crypto::merkle::leaf_hash(e));
    }
  }
  const senim::protocol::ElectionConfig& config() const { return *b.state().config(); }
  std::string receipt(std::uint64_t index, std::uint64_t size) const {
    return *senim::protocol::make_receipt(b.entries()[index], index,
                                          *tree.inclusion_proof(index, size), b.checkpoint(size));
  }
};

}  // namespace

TEST_CASE("the log origin rule (§8.2)", "[protocol][checkpoint]") {
  CHECK(senim::protocol::check_log_origin("board.example.kz/ref-2026").ok());
  CHECK(senim::protocol::check_log_origin(std::string(255, 'a')).ok());
  check_error(senim::protocol::check_log_origin(""), Errc::invalid_argument,
              "log origin must be 1 to 255 bytes, not 0");
  check_error(senim::protocol::check_log_origin(std::string(256, 'a')), Errc::invalid_argument,
              "not 256");
  check_error(senim::protocol::check_log_origin("board example"), Errc::invalid_argument,
              "log origin byte 5 is 0x20; an origin is printable ASCII without space or '+'");
  check_error(senim::protocol::check_log_origin("a+b"), Errc::invalid_argument, "byte 1 is 0x2b");
  check_error(senim::protocol::check_log_origin("caf\xc3\xa9"), Errc::invalid_argument,
              "byte 3 is 0xc3");
  check_error(senim::protocol::check_log_origin("a\tb"), Errc::invalid_argument, "0x09");
  // check_setup applies it, in its place in the order.
  check_error(setup_with([](v1::Statement& st) { st.mutable_setup()->set_log_origin("x y"); }),
              Errc::invalid_argument, "set-up: log origin byte 1 is 0x20");
  check_error(setup_with([](v1::Statement& st) { st.mutable_setup()->clear_log_origin(); }),
              Errc::invalid_argument, "set-up: log origin must be 1 to 255 bytes");
}

TEST_CASE("the manifest's witness policy (§8.1 rule 8)", "[protocol][checkpoint]") {
  const SigningKey w = SigningKey::generate();
  const auto wkey = *senim::tlog::make_verifier_key("w1.example", 0x04, w.public_key());
  const std::string witness = "witness w1 " + senim::tlog::format_vkey(wkey) + " http://w1/\n";
  auto none = senim::protocol::parse_witness_policy("");
  REQUIRE(none.ok());
  CHECK(none->quorum == "none");
  CHECK(none->witnesses.empty());
  auto one = senim::protocol::parse_witness_policy(witness + "quorum w1\n");
  REQUIRE(one.ok());
  CHECK(one->witnesses.at(0).url == "http://w1/");
  // A log line: the log is the set-up's board.
  const auto board = *senim::tlog::make_verifier_key("b.example/e", 0x01, w.public_key());
  check_error(
      senim::protocol::parse_witness_policy(
          "# the board\n\nlog " + senim::tlog::format_vkey(board) + "\n" + witness + "quorum w1\n"),
      Errc::invalid_argument,
      "manifest: witness policy: line 3 names a log; the log is the set-up's board");
  // The policy's own errors, prefixed.
  check_error(senim::protocol::parse_witness_policy(witness), Errc::invalid_encoding,
              "manifest: witness policy: ");
  check_error(senim::protocol::parse_witness_policy(witness + "quorum w2\n"), Errc::not_found,
              "manifest: witness policy: policy line 2");
  // A witness key of the log's type is refused by the policy syntax.
  const std::string wrong_type = "witness w1 " + senim::tlog::format_vkey(board) + "\nquorum w1\n";
  check_error(senim::protocol::parse_witness_policy(wrong_type), Errc::invalid_argument,
              "manifest: witness policy: policy line 1");
  // check_manifest and so check_setup apply it; the config holds the
  // election's policy: the board's log first.
  check_error(setup_with([&](v1::Statement& st) {
                st.mutable_setup()->mutable_manifest()->set_witness_policy(witness);
              }),
              Errc::invalid_encoding, "manifest: witness policy");
  auto config = setup_with([&](v1::Statement& st) {
    st.mutable_setup()->mutable_manifest()->set_witness_policy(witness + "quorum w1\n");
  });
  REQUIRE(config.ok());
  REQUIRE(config->policy.logs.size() == 1);
  CHECK(config->policy.logs[0].key == config->board_vkey);
  CHECK(config->board_vkey.name == config->log_origin);
  CHECK(config->policy.quorum == "w1");
}

TEST_CASE("a checkpoint of the election, and what is not one (§11.2)", "[protocol][checkpoint]") {
  Log log;
  const auto& vkey = log.config().board_vkey;
  const std::string note = log.b.checkpoint();
  auto ok = senim::protocol::verify_board_checkpoint(note, vkey);
  REQUIRE(ok.ok());
  CHECK(ok->checkpoint.size == log.tree.size());
  CHECK(ok->checkpoint.root == log.tree.root());
  CHECK(ok->text + "\n" == note.substr(0, ok->text.size() + 1));
  // The board's vkey, as x/mod writes it: name+id+base64(0x01 ‖ key).
  CHECK(senim::tlog::format_vkey(vkey).starts_with(log.b.log_origin() + "+"));

  // Another key (the authority's) under the origin's name: no board signature.
  auto other = senim::protocol::sign_board_checkpoint(log.b.authority_key(), log.b.log_origin(),
                                                      log.tree.size(), log.tree.root());
  check_error(senim::protocol::verify_board_checkpoint(*other, vkey), Errc::note_unverified,
              "note has no signature from a known key");
  // The board's key under another origin.
  auto elsewhere = senim::protocol::sign_board_checkpoint(log.b.board_key(), "board.example/x",
                                                          log.tree.size(), log.tree.root());
  check_error(senim::protocol::verify_board_checkpoint(*elsewhere, vkey), Errc::invalid_argument,
              "the checkpoint is for origin \"board.example/x\"; the election's log is \"" +
                  log.b.log_origin() + "\"");
  // Malformed notes.
  check_error(senim::protocol::verify_board_checkpoint("", vkey), Errc::invalid_encoding, "");
  check_error(senim::protocol::verify_board_checkpoint(note.substr(0, note.size() - 1), vkey),
              Errc::invalid_encoding, "");
  // A bad board signature.
  std::string bad = note;
  char& c = bad[bad.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  check_error(senim::protocol::verify_board_checkpoint(bad, vkey), Errc::signature_invalid,
              "invalid signature for key " + senim::tlog::key_label(vkey.name, vkey.key_id));
  // split_checkpoint: the board's note alone, and the other lines.
  const SigningKey w = SigningKey::generate();
  const auto wkey = *senim::tlog::make_verifier_key("w1.example", 0x04, w.public_key());
  const auto cosigner = *senim::tlog::cosignature_v1_signer(
      wkey, [&](senim::ByteView m) { return w.sign(m); }, 1700000000);
  const auto line = *senim::tlog::sign_note_text(ok->text, cosigner);
  const std::string cosigned = note + senim::tlog::format_signature_line(line);
  auto split = senim::protocol::split_checkpoint(cosigned, vkey);
  REQUIRE(split.ok());
  CHECK(split->board_note == note);
  REQUIRE(split->others.size() == 1);
  CHECK(split->others[0] == line);
}

TEST_CASE("a receipt is a tlog-proof file of the entry, and what breaks one (§11.3)",
          "[protocol][receipt]") {
  Log log;
  const std::uint64_t n = log.tree.size();
  const std::string text = log.receipt(2, n);
  CHECK(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
  const Bytes& entry = log.b.entries()[2];
  auto checked = senim::protocol::verify_receipt(text, log.config(), &entry);
  REQUIRE(checked.ok());
  CHECK(checked->parts.file.index == 2);
  CHECK(checked->parts.leaf_hash == senim::crypto::merkle::leaf_hash(entry));
  CHECK(checked->checkpoint.checkpoint.size == n);
  CHECK(checked->witnessed.quorum_met);  // quorum none

  // Another entry than the one sent.
  check_error(senim::protocol::verify_receipt(text, log.config(), &log.b.entries()[1]),
              Errc::invalid_argument, "the receipt is for another entry than the one sent");
  // No extra line.
  auto file = *senim::tlog::parse_proof_file(text);
  file.extra.reset();
  check_error(senim::protocol::verify_receipt(senim::tlog::format_proof_file(file), log.config()),
              Errc::invalid_argument, "the receipt carries no entry");
  // An extra that is not an entry: parse_entry's error, with its rule
  // (§11.1.1: the byte 0x01 is the key of field 0, which no message has).
  file = *senim::tlog::parse_proof_file(text);
  file.extra = Bytes{1, 2, 3};
  check_error(senim::protocol::verify_receipt(senim::tlog::format_proof_file(file), log.config()),
              Errc::unknown_field, "the receipt's entry: Entry field 0 (wire type 1)");
  // The proof of another leaf: the entry's hash does not lead to the root.
  file = *senim::tlog::parse_proof_file(text);
  file.inclusion_proof = *log.tree.inclusion_proof(3, n);
  check_error(senim::protocol::verify_receipt(senim::tlog::format_proof_file(file), log.config()),
              Errc::merkle_root_mismatch, "");
  // A proof too long for its sizes.
  file = *senim::tlog::parse_proof_file(text);
  file.inclusion_proof.push_back(file.inclusion_proof.front());
  check_error(senim::protocol::verify_receipt(senim::tlog::format_proof_file(file), log.config()),
              Errc::merkle_bad_proof, "");
  // A checkpoint of another election (another board's key).
  senim::sim::ElectionBuilder stranger(small_plan());
  stranger.prepare();
  file = *senim::tlog::parse_proof_file(text);
  file.checkpoint = stranger.checkpoint();
  check_error(senim::protocol::verify_receipt(senim::tlog::format_proof_file(file), log.config()),
              Errc::note_unverified, "");
  // Not a proof file at all.
  check_error(senim::protocol::verify_receipt("hello\n", log.config()), Errc::invalid_encoding, "");
}

TEST_CASE("checking a receipt later: consistency and the leaf, from the later tree's tiles",
          "[protocol][receipt]") {
  Log log;
  const std::uint64_t n = log.tree.size();
  senim::tlog::HashReaderTileSource tiles(log.store);
  const auto later =
      senim::protocol::verify_board_checkpoint(log.b.checkpoint(), log.config().board_vkey)
          ->checkpoint;
  const auto earlier =
      senim::protocol::verify_board_checkpoint(log.b.checkpoint(3), log.config().board_vkey)
          ->checkpoint;
  CHECK(senim::protocol::verify_extends(earlier, later, tiles).ok());
  CHECK(senim::protocol::verify_extends(later, later, tiles).ok());
  CHECK(senim::protocol::verify_leaf(2, senim::crypto::merkle::leaf_hash(log.b.entries()[2]), later,
                                     tiles)
            .ok());
  // The later one is smaller: the source is behind (not evidence).
  check_error(senim::protocol::verify_extends(later, earlier, tiles), Errc::out_of_range,
              "is older than the one checked against it");
  // Same size, another root.
  auto forged = earlier;
  forged.root[0] ^= 1;
  check_error(senim::protocol::verify_extends(forged, earlier, tiles), Errc::merkle_root_mismatch,
              "two checkpoints of size 3 with different roots");
  // A smaller tree that is not a prefix of the later one.
  check_error(senim::protocol::verify_extends(forged, later, tiles), Errc::merkle_root_mismatch,
              "are not consistent");
  // Another leaf at the index; no such leaf.
  check_error(senim::protocol::verify_leaf(2, senim::crypto::merkle::leaf_hash(log.b.entries()[1]),
                                           later, tiles),
              Errc::merkle_root_mismatch, "leaf 2 of the log of size " + std::to_string(n));
  check_error(senim::protocol::verify_leaf(n, {}, later, tiles), Errc::invalid_argument,
              "leaf " + std::to_string(n) + " is not in the tree of size " + std::to_string(n));
}
