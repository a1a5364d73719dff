#include "protocol/fork_evidence.hpp"

#include <bit>
#include <filesystem>
#include <span>

#include "crypto/merkle.hpp"
#include "protocol/durable_file.hpp"
#include "tlog/base64.hpp"
#include "tlog/note.hpp"
#include "tlog/text.hpp"

namespace senim::protocol {
namespace {

constexpr std::string_view kBoardPrefix = "board ";
constexpr std::string_view kNotePrefix = "note ";
constexpr std::string_view kProofLine = "proof";
// A consistency proof has at most 63 hashes, plus the prefix for m = 2^k.
constexpr std::size_t kMaxForkProofLines = 64;

Error malformed(const std::string& why) {
  return make_error(Errc::invalid_encoding, "malformed fork evidence: " + why);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "note <length>\n" and that many bytes, off the front of `rest`.
Expected<std::string> read_note(tlog::LineReader& lines, std::string_view& rest, int which) {
  const std::string what = which == 1 ? "the first note" : "the second note";
  const std::optional<std::string_view> line = lines.next();
  if (!line || !starts_with(*line, kNotePrefix))
    return malformed("expected \"note <length>\" before " + what);
  const std::optional<std::uint64_t> length = tlog::parse_decimal(line->substr(kNotePrefix.size()));
  if (!length || *length == 0 || *length > tlog::kMaxNoteBytes)
    return malformed("the length of " + what + " is not a decimal from 1 to " +
                     std::to_string(tlog::kMaxNoteBytes));
  rest = lines.rest();
  if (rest.size() < *length)
    return malformed(what + " is shorter than its length " + std::to_string(*length));
  std::string note(rest.substr(0, *length));
  rest.remove_prefix(*length);
  if (auto parsed = tlog::parse_note(note); !parsed)
    return make_error(parsed.error().code, what + ": " + parsed.error().message);
  return note;
}

Expected<tlog::Checkpoint> open_checkpoint(const std::string& note, const tlog::VerifierKey& board,
                                           const std::string& what) {
  auto opened = tlog::open_note(note, std::span(&board, 1));
  if (!opened)
    return make_error(opened.error().code, what + ": " + opened.error().message);
  auto checkpoint = tlog::parse_checkpoint(opened->text);
  if (!checkpoint)
    return make_error(checkpoint.error().code, what + ": " + checkpoint.error().message);
  if (checkpoint->origin != board.name) {
    return make_error(Errc::invalid_argument,
                      what + " is for origin " + tlog::quote(checkpoint->origin) +
                          ", the board key names " + tlog::quote(board.name));
  }
  return checkpoint;
}

std::string str(std::uint64_t n) {
  return std::to_string(n);
}

}  // namespace

Expected<ForkEvidence> parse_fork_evidence(std::string_view text) {
  if (text.size() > kMaxForkEvidenceBytes) {
    return make_error(Errc::invalid_length, "fork evidence of " + str(text.size()) +
                                                " bytes exceeds the limit of " +
                                                str(kMaxForkEvidenceBytes));
  }
  tlog::LineReader lines(text);
  if (lines.next() != kForkEvidenceHeader)
    return malformed("the first line must be \"" + std::string(kForkEvidenceHeader) + "\"");
  const std::optional<std::string_view> board = lines.next();
  if (!board || !starts_with(*board, kBoardPrefix))
    return malformed("expected \"board <vkey>\" on line 2");
  ForkEvidence out;
  out.board_vkey = std::string(board->substr(kBoardPrefix.size()));
  std::string_view rest;
  auto smaller = read_note(lines, rest, 1);
  if (!smaller)
    return smaller.error();
  out.smaller_note = std::move(*smaller);
  tlog::LineReader after_first(rest);
  auto larger = read_note(after_first, rest, 2);
  if (!larger)
    return larger.error();
  out.larger_note = std::move(*larger);
  if (rest.empty())
    return out;
  tlog::LineReader proof_lines(rest);
  if (proof_lines.next() != kProofLine)
    return malformed("after the second note, expected \"proof\" or the end of the file");
  auto proof = tlog::read_hash_lines(proof_lines, kMaxForkProofLines, "fork proof");
  if (!proof)
    return proof.error();
  if (!proof_lines.rest().empty())
    return malformed("bytes after the proof's empty line");
  if (proof->empty())
    return malformed("an empty proof section");
  out.proof = std::move(*proof);
  return out;
}

std::string format_fork_evidence(const ForkEvidence& e) {
  std::string out = std::string(kForkEvidenceHeader) + "\n";
  out += std::string(kBoardPrefix) + e.board_vkey + "\n";
  for (const std::string* note : {&e.smaller_note, &e.larger_note})
    out += std::string(kNotePrefix) + str(note->size()) + "\n" + *note;
  if (!e.proof.empty()) {
    out += std::string(kProofLine) + "\n";
    for (const Hash32& h : e.proof)
      out += tlog::base64_encode(h) + "\n";
    out += "\n";
  }
  return out;
}

// docs/protocol.md §14.6, "Checking fork evidence".
Expected<ProvenFork> verify_fork_evidence(const ForkEvidence& e) {
  auto board = tlog::parse_vkey(e.board_vkey);
  if (!board)
    return make_error(board.error().code, "the board's vkey: " + board.error().message);
  if (board->type != tlog::kSignatureTypeEd25519)
    return make_error(Errc::invalid_argument, "the board's vkey is not an Ed25519 note key");
  ProvenFork out;
  out.board = *board;
  auto smaller = open_checkpoint(e.smaller_note, *board, "the first checkpoint");
  if (!smaller)
    return smaller.error();
  auto larger = open_checkpoint(e.larger_note, *board, "the second checkpoint");
  if (!larger)
    return larger.error();
  out.smaller = *smaller;
  out.larger = *larger;
  const std::uint64_t m = smaller->size;
  const std::uint64_t n = larger->size;
  if (m > n)
    return malformed("the first checkpoint (size " + str(m) + ") is larger than the second (" +
                     str(n) + ")");
  if (m == n) {
    if (!e.proof.empty())
      return malformed("a proof between checkpoints of equal size " + str(m));
    if (smaller->root == larger->root)
      return make_error(Errc::not_a_fork,
                        "both checkpoints are the tree of size " + str(m) + " with one root");
    out.larger_prefix_root = larger->root;
    out.explanation = "the board signed two trees of size " + str(m) + " with different roots";
    return out;
  }
  if (m == 0)
    return make_error(Errc::not_a_fork, "the empty tree is a prefix of every tree");
  if (e.proof.empty())
    return malformed("no proof between checkpoints of sizes " + str(m) + " and " + str(n));
  // For m = 2^k the path starts with the larger tree's hash of its first m
  // entries, which a consistency proof leaves out.
  const bool prefixed = std::has_single_bit(m);
  const Hash32 prefix = prefixed ? e.proof.front() : Hash32{};
  const std::span<const Hash32> proof =
      prefixed ? std::span(e.proof).subspan(1) : std::span<const Hash32>(e.proof);
  auto roots = crypto::merkle::roots_from_consistency_proof(m, n, prefix, proof);
  if (!roots)
    return roots.error();
  if (roots->new_root != larger->root) {
    return make_error(Errc::merkle_root_mismatch, "the proof leads to " + to_hex(roots->new_root) +
                                                      ", not to the root " + to_hex(larger->root) +
                                                      " of the checkpoint of size " + str(n) +
                                                      ": it says nothing about the board's log");
  }
  if (roots->old_root == smaller->root) {
    return make_error(Errc::not_a_fork, "the checkpoint of size " + str(m) +
                                            " is a prefix of the one of size " + str(n) +
                                            ": they are consistent");
  }
  out.larger_prefix_root = roots->old_root;
  out.explanation = "the board's tree of size " + str(n) + " begins with a tree of size " + str(m) +
                    " whose root is " + to_hex(roots->old_root) +
                    ", but the board also signed size " + str(m) + " with root " +
                    to_hex(smaller->root);
  return out;
}

Expected<std::vector<Hash32>> fork_proof(std::uint64_t m, std::uint64_t n,
                                         tlog::HashReader& larger) {
  auto proof = tlog::prove_consistency(m, n, larger);
  if (!proof)
    return proof.error();
  if (!std::has_single_bit(m))
    return proof;
  // m = 2^k: the perfect subtree of the first m entries is one stored hash.
  const std::uint64_t index =
      tlog::stored_hash_index(static_cast<unsigned>(std::countr_zero(m)), 0);
  auto prefix = larger.read_hashes(std::span(&index, 1));
  if (!prefix)
    return prefix.error();
  std::vector<Hash32> out{prefix->front()};
  out.insert(out.end(), proof->begin(), proof->end());
  return out;
}

Expected<ForkEvidence> make_fork_evidence(const std::string& board_vkey, const std::string& note_a,
                                          const std::string& note_b, std::vector<Hash32> proof) {
  auto a = tlog::parse_note(note_a);
  auto b = tlog::parse_note(note_b);
  if (!a)
    return a.error();
  if (!b)
    return b.error();
  auto ca = tlog::parse_checkpoint(a->text);
  auto cb = tlog::parse_checkpoint(b->text);
  if (!ca)
    return ca.error();
  if (!cb)
    return cb.error();
  ForkEvidence e;
  e.board_vkey = board_vkey;
  const bool a_first = ca->size <= cb->size;
  e.smaller_note = a_first ? note_a : note_b;
  e.larger_note = a_first ? note_b : note_a;
  e.proof = std::move(proof);
  if (auto proven = verify_fork_evidence(e); !proven)
    return proven.error();
  return e;
}

namespace {

Expected<tlog::Checkpoint> note_checkpoint(const std::string& note) {
  auto parsed = tlog::parse_note(note);
  if (!parsed)
    return parsed.error();
  return tlog::parse_checkpoint(parsed->text);
}

}  // namespace

Expected<ForkEvidence> build_fork_evidence(const std::string& board_vkey, const std::string& note_a,
                                           const std::string& note_b,
                                           tlog::TileSource* larger_tiles,
                                           const std::vector<Hash32>& given) {
  auto a = note_checkpoint(note_a);
  if (!a)
    return a.error();
  auto b = note_checkpoint(note_b);
  if (!b)
    return b.error();
  const tlog::Checkpoint& smaller = a->size <= b->size ? *a : *b;
  const tlog::Checkpoint& larger = a->size <= b->size ? *b : *a;
  if (smaller.size == larger.size || smaller.size == 0)
    return make_fork_evidence(board_vkey, note_a, note_b, {});
  Expected<ForkEvidence> from_given = make_error(Errc::invalid_argument, "no proof was given");
  if (!given.empty())
    from_given = make_fork_evidence(board_vkey, note_a, note_b, given);
  if (from_given || larger_tiles == nullptr)
    return from_given;
  tlog::TileHashReader tree(larger.size, larger.root, *larger_tiles);
  auto proof = fork_proof(smaller.size, larger.size, tree);
  if (!proof) {
    return make_error(proof.error().code, "no proof between sizes " + str(smaller.size) + " and " +
                                              str(larger.size) + " could be read from the tiles " +
                                              "of the larger tree: " + proof.error().message);
  }
  return make_fork_evidence(board_vkey, note_a, note_b, std::move(*proof));
}

CheckpointComparison compare_checkpoints(const std::string& board_vkey, const std::string& note_a,
                                         const std::string& note_b,
                                         tlog::TileSource* larger_tiles) {
  CheckpointComparison out;
  auto evidence = build_fork_evidence(board_vkey, note_a, note_b, larger_tiles);
  if (evidence) {
    out.outcome = CheckpointComparison::Outcome::fork;
    out.evidence = std::move(*evidence);
  } else if (evidence.error().code == Errc::not_a_fork) {
    out.outcome = CheckpointComparison::Outcome::consistent;
  } else {
    out.message = evidence.error().message;
    out.code = evidence.error().code;
  }
  return out;
}

std::string fork_evidence_name(const ForkEvidence& evidence) {
  auto m = note_checkpoint(evidence.smaller_note);
  auto n = note_checkpoint(evidence.larger_note);
  return "fork-" + (m ? str(m->size) : std::string("x")) + "-" +
         (n ? str(n->size) : std::string("x")) + ".evidence";
}

Expected<std::string> keep_fork_evidence(const ForkEvidence& evidence, const std::string& dir,
                                         const std::string& prefix) {
  const std::filesystem::path file =
      std::filesystem::path(dir) / (prefix + fork_evidence_name(evidence));
  return keep_file_durably(file.string(), as_bytes(format_fork_evidence(evidence)));
}

}  // namespace senim::protocol
