// Fork evidence (docs/protocol.md §14.6): every kind that proves a fork,
// and every kind of fake or mistaken evidence refused with its error.
#include "protocol/fork_evidence.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>

#include "crypto/merkle.hpp"
#include "protocol/signing.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/tile_reader.hpp"

using namespace senim;
using protocol::ForkEvidence;

namespace {

constexpr const char* kOrigin = "board.example/fork-2026";

struct Board {
  protocol::SigningKey key;
  tlog::VerifierKey vkey;
  std::string vkey_text;
};

Board make_board(std::uint8_t seed_byte, const std::string& name = kOrigin) {
  auto key = protocol::SigningKey::from_seed(Bytes(32, seed_byte));
  REQUIRE(key.ok());
  auto vkey = tlog::make_verifier_key(name, tlog::kSignatureTypeEd25519, key->public_key());
  REQUIRE(vkey.ok());
  const std::string text = tlog::format_vkey(*vkey);
  return {std::move(*key), *vkey, text};
}

// A log whose entries are "<branch> <i>" from `fork_at` on, and "entry <i>" before.
tlog::MemoryHashStore make_log(std::uint64_t size, std::uint64_t fork_at,
                               const std::string& branch) {
  tlog::MemoryHashStore log;
  for (std::uint64_t i = 0; i < size; ++i) {
    const std::string e = (i < fork_at ? "entry " : branch + " ") + std::to_string(i);
    log.append_leaf_hash(crypto::merkle::leaf_hash(as_bytes(e)));
  }
  return log;
}

std::string checkpoint_note(const Board& board, std::uint64_t size, tlog::HashReader& log,
                            const std::string& origin = kOrigin) {
  auto root = tlog::tree_hash(size, log);
  REQUIRE(root.ok());
  auto text = tlog::format_checkpoint({origin, size, *root, {}});
  REQUIRE(text.ok());
  auto signer =
      tlog::ed25519_note_signer(board.vkey, [&](ByteView m) { return board.key.sign(m); });
  REQUIRE(signer.ok());
  auto note = tlog::sign_note(*text, std::span(&*signer, 1));
  REQUIRE(note.ok());
  return *note;
}

Errc verify_error(const ForkEvidence& e) {
  auto proven = protocol::verify_fork_evidence(e);
  REQUIRE_FALSE(proven.ok());
  return proven.error().code;
}

}  // namespace

TEST_CASE("fork evidence: same size, different roots", "[fork-evidence]") {
  const Board board = make_board(1);
  auto a = make_log(10, 6, "a");
  auto b = make_log(10, 6, "b");
  ForkEvidence e{board.vkey_text, checkpoint_note(board, 10, a), checkpoint_note(board, 10, b), {}};
  auto proven = protocol::verify_fork_evidence(e);
  REQUIRE(proven.ok());
  CHECK(proven->smaller.size == 10);
  CHECK(proven->smaller.root != proven->larger.root);
  CHECK(proven->explanation.find("two trees of size 10 with different roots") != std::string::npos);

  // The file round-trips byte for byte.
  const std::string text = protocol::format_fork_evidence(e);
  auto parsed = protocol::parse_fork_evidence(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == e);
  CHECK(protocol::format_fork_evidence(*parsed) == text);
}

TEST_CASE(
    "fork evidence: a proof from the larger tree that leads to its root but not to the "
    "smaller's",
    "[fork-evidence]") {
  const Board board = make_board(1);
  // m = 7 (not a power of two), m = 8 (a power of two: the path carries the
  // larger tree's own hash of its first 8 entries), forks before and at m.
  for (const auto& [m, fork_at] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {7, 3}, {8, 5}, {8, 7}, {13, 12}, {256, 100}, {300, 1}}) {
    INFO("m = " << m << ", fork at " << fork_at);
    auto small = make_log(m, fork_at, "voter");
    auto large = make_log(m + 50, fork_at, "observers");
    const std::string smaller = checkpoint_note(board, m, small);
    const std::string larger = checkpoint_note(board, m + 50, large);
    auto proof = protocol::fork_proof(m, m + 50, large);
    REQUIRE(proof.ok());
    // Given in either order, the evidence puts the smaller first.
    auto e = protocol::make_fork_evidence(board.vkey_text, larger, smaller, *proof);
    REQUIRE(e.ok());
    CHECK(e->smaller_note == smaller);
    auto proven = protocol::verify_fork_evidence(*e);
    REQUIRE(proven.ok());
    auto prefix = tlog::tree_hash(m, large);
    REQUIRE(prefix.ok());
    CHECK(proven->larger_prefix_root == *prefix);
    CHECK(proven->larger_prefix_root != proven->smaller.root);
    auto parsed = protocol::parse_fork_evidence(protocol::format_fork_evidence(*e));
    REQUIRE(parsed.ok());
    CHECK(*parsed == *e);
  }
}

TEST_CASE("fork evidence refuses what does not prove a fork", "[fork-evidence]") {
  const Board board = make_board(1);
  auto honest = make_log(40, 40, "");
  auto forked = make_log(40, 20, "x");
  const std::string small = checkpoint_note(board, 25, forked);
  const std::string large = checkpoint_note(board, 40, honest);
  auto proof = protocol::fork_proof(25, 40, honest);
  REQUIRE(proof.ok());
  const ForkEvidence good{board.vkey_text, small, large, *proof};
  REQUIRE(protocol::verify_fork_evidence(good).ok());

  SECTION("consistent checkpoints") {
    const std::string honest_small = checkpoint_note(board, 25, honest);
    ForkEvidence e{board.vkey_text, honest_small, large, *proof};
    CHECK(verify_error(e) == Errc::not_a_fork);
    CHECK(protocol::make_fork_evidence(board.vkey_text, honest_small, large, *proof).error().code ==
          Errc::not_a_fork);
  }
  SECTION("the same checkpoint twice") {
    ForkEvidence e{board.vkey_text, large, large, {}};
    CHECK(verify_error(e) == Errc::not_a_fork);
  }
  SECTION("an empty smaller tree") {
    ForkEvidence e{board.vkey_text, checkpoint_note(board, 0, honest), large, *proof};
    CHECK(verify_error(e) == Errc::not_a_fork);
  }
  SECTION("a note not signed by the board key") {
    const Board other = make_board(2);
    ForkEvidence e{board.vkey_text, checkpoint_note(other, 25, forked), large, *proof};
    CHECK(verify_error(e) == Errc::note_unverified);
  }
  SECTION("a board signature that does not verify") {
    std::string tampered = small;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    ForkEvidence e{board.vkey_text, tampered, large, *proof};
    CHECK(verify_error(e) == Errc::signature_invalid);
  }
  SECTION("a proof that does not lead to the larger root") {
    ForkEvidence e = good;
    e.proof.back()[0] ^= 1;
    CHECK(verify_error(e) == Errc::merkle_root_mismatch);
    // A proof from the smaller branch's own tiles cannot convict it either.
    auto wrong = protocol::fork_proof(25, 40, forked);
    REQUIRE(wrong.ok());
    e.proof = *wrong;
    CHECK(verify_error(e) == Errc::merkle_root_mismatch);
  }
  SECTION("a proof of the wrong length") {
    ForkEvidence e = good;
    e.proof.pop_back();
    CHECK(verify_error(e) == Errc::merkle_bad_proof);
  }
  SECTION("no proof between different sizes, or one between equal sizes") {
    ForkEvidence e = good;
    e.proof.clear();
    CHECK(verify_error(e) == Errc::invalid_encoding);
    ForkEvidence same{board.vkey_text, large, checkpoint_note(board, 40, forked), *proof};
    CHECK(verify_error(same) == Errc::invalid_encoding);
  }
  SECTION("the larger checkpoint first") {
    ForkEvidence e{board.vkey_text, large, small, *proof};
    CHECK(verify_error(e) == Errc::invalid_encoding);
  }
  SECTION("a checkpoint for another origin than the board key's name") {
    const Board renamed = make_board(1, "elsewhere.example/fork-2026");
    ForkEvidence e{renamed.vkey_text,
                   checkpoint_note(renamed, 25, forked, "elsewhere.example/fork-2026"),
                   checkpoint_note(renamed, 40, honest, kOrigin), *proof};
    CHECK(verify_error(e) == Errc::invalid_argument);
  }
  SECTION("a board vkey that is a witness's (type 0x04)") {
    auto cosigner =
        tlog::make_verifier_key(kOrigin, tlog::kSignatureTypeCosignatureV1, board.key.public_key());
    REQUIRE(cosigner.ok());
    ForkEvidence e = good;
    e.board_vkey = tlog::format_vkey(*cosigner);
    CHECK(verify_error(e) == Errc::invalid_argument);
  }
}

TEST_CASE("fork evidence files are parsed strictly", "[fork-evidence]") {
  const Board board = make_board(1);
  auto a = make_log(10, 6, "a");
  auto b = make_log(12, 6, "b");
  auto proof = protocol::fork_proof(10, 12, b);
  REQUIRE(proof.ok());
  ForkEvidence e{board.vkey_text, checkpoint_note(board, 10, a), checkpoint_note(board, 12, b),
                 *proof};
  const std::string good = protocol::format_fork_evidence(e);
  REQUIRE(protocol::parse_fork_evidence(good).ok());
  auto error_of = [](const std::string& text) {
    auto parsed = protocol::parse_fork_evidence(text);
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().code;
  };
  const std::size_t note_line = good.find("\nnote ") + 1;
  const std::size_t note_end = good.find('\n', note_line);
  const std::string length = good.substr(note_line + 5, note_end - note_line - 5);
  CHECK(error_of("senim fork evidence v2\n" + good.substr(good.find('\n') + 1)) ==
        Errc::invalid_encoding);
  CHECK(error_of(good.substr(0, good.size() - 1)) ==
        Errc::invalid_encoding);                          // no final empty line
  CHECK(error_of(good + "x") == Errc::invalid_encoding);  // after the end
  CHECK(error_of(good.substr(0, note_line) + "note 0" + length + good.substr(note_end)) ==
        Errc::invalid_encoding);  // a leading zero
  CHECK(error_of(good.substr(0, note_line) + "note " + std::to_string(std::stoul(length) + 1) +
                 good.substr(note_end)) == Errc::invalid_encoding);  // the wrong length
  CHECK(error_of(good.substr(0, good.find("\nboard ") + 1) + "witness x\n" +
                 good.substr(good.find('\n', good.find("\nboard ") + 1) + 1)) ==
        Errc::invalid_encoding);
  const std::string big(protocol::kMaxForkEvidenceBytes + 1, 'a');
  CHECK(error_of(big) == Errc::invalid_length);
  // 65 proof lines.
  std::string many = good.substr(0, good.find("proof\n") + 6);
  for (int i = 0; i < 65; ++i)
    many += "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  CHECK(error_of(many + "\n") == Errc::invalid_length);
}

TEST_CASE(
    "build_fork_evidence: from a given proof, else from the larger tree's tiles — at a power of "
    "two only the tiles can show the fork",
    "[fork-evidence]") {
  const Board board = make_board(1);
  for (const std::uint64_t m : {std::uint64_t{12}, std::uint64_t{16}}) {
    INFO("m = " << m);
    auto small = make_log(m, 5, "voter");
    auto large = make_log(m + 9, 5, "observers");
    const std::string smaller = checkpoint_note(board, m, small);
    const std::string larger = checkpoint_note(board, m + 9, large);
    // What a forked board sends a witness: the consistency proof of its own
    // tree, which at m = 2^k leaves out its hash of the first m entries.
    auto sent = tlog::prove_consistency(m, m + 9, large);
    REQUIRE(sent.ok());
    auto from_request =
        protocol::build_fork_evidence(board.vkey_text, smaller, larger, nullptr, *sent);
    if (m == 16) {
      // Its first hash taken for the prefix, the rest is one hash short.
      REQUIRE_FALSE(from_request.ok());
      CHECK(from_request.error().code == Errc::merkle_bad_proof);
    } else {
      REQUIRE(from_request.ok());
      CHECK(protocol::verify_fork_evidence(*from_request).ok());
    }
    // The larger tree's tiles always make it, whatever was given.
    tlog::HashReaderTileSource tiles(large);
    auto from_tiles =
        protocol::build_fork_evidence(board.vkey_text, larger, smaller, &tiles, *sent);
    REQUIRE(from_tiles.ok());
    CHECK(from_tiles->smaller_note == smaller);
    CHECK(protocol::verify_fork_evidence(*from_tiles).ok());
    // Tiles of the smaller branch, grown to the larger size, are not the
    // larger tree's: nothing is made.
    auto grown = make_log(m + 9, 5, "voter");
    tlog::HashReaderTileSource wrong(grown);
    auto from_wrong = protocol::build_fork_evidence(board.vkey_text, smaller, larger, &wrong);
    REQUIRE_FALSE(from_wrong.ok());
    CHECK(from_wrong.error().code == Errc::merkle_root_mismatch);
    CHECK(from_wrong.error().message.find(
              "no proof between sizes " + std::to_string(m) + " and " + std::to_string(m + 9) +
              " could be read from the tiles of the larger tree") != std::string::npos);
  }
}

TEST_CASE("compare_checkpoints: consistent, a fork, or unproven", "[fork-evidence]") {
  const Board board = make_board(1);
  auto honest = make_log(30, 30, "");
  auto forked = make_log(30, 10, "x");
  tlog::HashReaderTileSource tiles(honest);
  const std::string large = checkpoint_note(board, 30, honest);
  using Outcome = protocol::CheckpointComparison::Outcome;
  auto c = protocol::compare_checkpoints(board.vkey_text, checkpoint_note(board, 20, honest), large,
                                         &tiles);
  CHECK(c.outcome == Outcome::consistent);
  CHECK_FALSE(c.evidence.has_value());
  CHECK(protocol::compare_checkpoints(board.vkey_text, large, large, nullptr).outcome ==
        Outcome::consistent);
  c = protocol::compare_checkpoints(board.vkey_text, checkpoint_note(board, 20, forked), large,
                                    &tiles);
  CHECK(c.outcome == Outcome::fork);
  REQUIRE(c.evidence.has_value());
  CHECK(protocol::fork_evidence_name(*c.evidence) == "fork-20-30.evidence");
  // Equal sizes need no tiles.
  c = protocol::compare_checkpoints(board.vkey_text, checkpoint_note(board, 30, forked), large,
                                    nullptr);
  CHECK(c.outcome == Outcome::fork);
  // Different sizes without the larger tree: unproven, with the reason.
  c = protocol::compare_checkpoints(board.vkey_text, checkpoint_note(board, 20, forked), large,
                                    nullptr);
  CHECK(c.outcome == Outcome::unproven);
  CHECK(c.message == "no proof was given");
}

TEST_CASE("keep_fork_evidence writes a new file, never over another, and not twice",
          "[fork-evidence]") {
  const Board board = make_board(1);
  auto honest = make_log(30, 30, "");
  auto forked = make_log(30, 10, "x");
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("senim-fork-keep-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto a = protocol::build_fork_evidence(board.vkey_text, checkpoint_note(board, 30, honest),
                                         checkpoint_note(board, 30, forked), nullptr);
  REQUIRE(a.ok());
  auto first = protocol::keep_fork_evidence(*a, dir, "ballot.tlog-proof.");
  REQUIRE(first.ok());
  CHECK(*first == dir + "/ballot.tlog-proof.fork-30-30.evidence");
  // The same evidence again: the same file.
  CHECK(*protocol::keep_fork_evidence(*a, dir, "ballot.tlog-proof.") == *first);
  // Other evidence of the same sizes: a new name.
  auto third = make_log(30, 3, "y");
  auto b = protocol::build_fork_evidence(board.vkey_text, checkpoint_note(board, 30, forked),
                                         checkpoint_note(board, 30, third), nullptr);
  REQUIRE(b.ok());
  CHECK(*protocol::keep_fork_evidence(*b, dir, "ballot.tlog-proof.") == *first + ".2");
  std::ifstream in(*first);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == protocol::format_fork_evidence(*a));
  std::filesystem::remove_all(dir);
}
