// What a senim witness checks beyond a tree witness (docs/protocol.md §14.3):
// the new entries, fetched from the board's tiles, are the checkpoint's tree
// and pass every check of the public verifier.
#include <algorithm>

#include "protocol/log_source.hpp"
#include "tlog/proof_file.hpp"
#include "tlog/tile_reader.hpp"
#include "witness/witness.hpp"
#include "witness/witness_state.hpp"

namespace senim::witness {
namespace {

// Entries fetched, proven and fed to the engine per round: 16 bundles.
constexpr std::uint64_t kChunkEntries = std::uint64_t{16} * tlog::kFullTileWidth;

std::string str(std::uint64_t n) {
  return std::to_string(n);
}

// The entries [begin, end) of the tree `checkpoint` names, each proven to be
// that tree's leaf by the shared reader (protocol::CheckpointedLog).
Expected<std::vector<Bytes>> fetch_proven_entries(protocol::LogSource& board,
                                                  const tlog::Checkpoint& checkpoint,
                                                  std::uint64_t begin, std::uint64_t end) {
  return protocol::CheckpointedLog(board, checkpoint).entries(begin, end);
}

}  // namespace

// docs/protocol.md §14.3: the log this witness was configured with (--log)
// is the one the set-up names: its origin (§8.2) and its board key.
Status Witness::check_setup_names_board() {
  const protocol::ElectionConfig* config = engine_->config();
  if (config == nullptr)
    return Status::success();  // no usable set-up is check 5's to report
  if (config->log_origin != log_key_.name) {
    return make_error(Errc::unknown_log, "the set-up names the log origin \"" + config->log_origin +
                                             "\", but this witness watches the log \"" +
                                             log_key_.name + "\" (its --log vkey's name)");
  }
  if (config->board == log_key_.public_key)
    return Status::success();
  return make_error(Errc::not_authorized,
                    "the set-up names the board key " + to_hex(config->board) +
                        ", but the log's checkpoints are signed by " + to_hex(log_key_.public_key));
}

// Errors: io_error, not_found (the board could not be read, or does not
// serve the tiles yet: try again later);
// merkle_root_mismatch, invalid_length, invalid_encoding (the board's
// tiles or bundles are not the checkpoint's tree); not_authorized (an entry
// fails a check: from now on the witness refuses the log from that entry).
// On any error the engine and mirror are put back as they were.
Status Witness::check_new_entries(const tlog::Checkpoint& checkpoint, const std::string& note) {
  const std::uint64_t committed = mirror_->bytes();
  const std::uint64_t checked = engine_->size();
  // Back to what the witness cosigned: the engine is rebuilt from the
  // mirror, which must then hold exactly the cosigned entries (§14.4).
  auto undo = [&](Error why) -> Status {
    if (engine_->size() == checked && mirror_->bytes() == committed)
      return why;  // nothing fed yet (the board could not be read at all): nothing to undo
    checked_tree_.reset();
    if (auto s = mirror_->truncate(state_.mirror_bytes()); !s)
      return s;
    if (auto s = rebuild_engine(nullptr); !s)
      return s;
    checked_ = engine_->size();
    return why;
  };
  for (std::uint64_t begin = engine_->size(); begin < checkpoint.size;) {
    if (stopping_)
      return undo(make_error(Errc::io_error, "the witness is stopping"));
    const std::uint64_t end =
        std::min(checkpoint.size, (begin / kChunkEntries + 1) * kChunkEntries);
    auto entries = fetch_proven_entries(*config_.board, checkpoint, begin, end);
    if (!entries)
      return undo(entries.error());
    for (Bytes& entry : *entries) {
      auto offset = mirror_->append(entry);
      if (!offset)
        return undo(offset.error());
      engine_->add_entry(std::move(entry), *offset);
    }
    begin = end;
    checked_ = begin;
  }
  engine_->settle();
  if (engine_->root() != checkpoint.root) {  // the tiles were proven against it: a bug
    return undo(make_error(Errc::merkle_root_mismatch,
                           "the entries checked do not hash to the checkpoint's root"));
  }
  Status board = check_setup_names_board();
  if (board && report_->passed()) {
    checked_tree_ = checkpoint;
    return Status::success();
  }

  // An entry fails: find the first, keep the evidence, refuse from it on.
  std::uint64_t leaf = 0;
  std::string why;
  if (!board) {
    why = board.error().message;
  } else if (auto first = report_->first_failed_entry()) {
    leaf = first->first;
    const verifier::CheckInfo& info = verifier::info(first->second);
    why = "check " + str(verifier::number(first->second)) + " (" + std::string(info.id) +
          "): " + report_->result(first->second).first_message;
  } else {
    leaf = state_.size();
    for (const verifier::CheckInfo& c : verifier::kChecks) {
      if (!report_->result(c.check).passed()) {
        why = "check " + str(verifier::number(c.check)) + " (" + std::string(c.id) +
              "): " + report_->result(c.check).first_message;
        break;
      }
    }
  }
  // Entries before the state's size passed when they were cosigned: a
  // failure reported at one of them now (check 15 reports a cast ballot when
  // a later challenge opens it) is caused by a new entry, so the witness
  // refuses from the first new one, and still cosigns what it cosigned.
  const std::uint64_t from = std::max(leaf, state_.size());
  const std::string message = leaf < from ? "senim witness: an entry from " + str(from) +
                                                " on makes entry " + str(leaf) +
                                                " of this log fail the election's checks: " + why
                                          : "senim witness: entry " + str(leaf) +
                                                " of this log fails the election's checks: " + why;
  v1::WitnessState next = state_;
  next.set_refusing(true);
  next.set_refused_from(from);
  next.set_refusal(why);
  if (auto s = write_state(path("state.json"), next); !s)
    return undo(s.error());
  state_ = std::move(next);
  keep_entry_evidence(checkpoint, note, leaf, why);
  return undo(make_error(board ? Errc::not_authorized : board.error().code, message));
}

// evidence/entry-N.tlog-proof: the failing entry with its inclusion proof
// in the board-signed checkpoint, so that anyone can confirm the board
// published it at that index (tlog-proof, docs/protocol.md §13.8); and
// evidence/entry-N.txt: which check it fails and why.
void Witness::keep_entry_evidence(const tlog::Checkpoint& checkpoint, const std::string& note,
                                  std::uint64_t leaf, const std::string& why) {
  std::string said = "entry " + str(leaf) + " fails the election's checks: " + why + "\n" +
                     "checked after entries 0 to " + str(leaf == 0 ? 0 : leaf - 1) +
                     " of the log " + log_key_.name + ", as they are in this witness's mirror;\n" +
                     "the board published it in its checkpoint of size " + str(checkpoint.size) +
                     ".\n";
  if (leaf < checkpoint.size) {
    auto entry = fetch_proven_entries(*config_.board, checkpoint, leaf, leaf + 1);
    auto proof =
        tlog::inclusion_proof_from_tiles(leaf, checkpoint.size, checkpoint.root, *config_.board);
    if (entry && proof) {
      tlog::ProofFile file;
      file.extra = entry->front();
      file.index = leaf;
      file.inclusion_proof = std::move(*proof);
      file.checkpoint = note;
      const std::string kept =
          keep_evidence("entry-" + str(leaf) + ".tlog-proof", tlog::format_proof_file(file));
      said += "The entry and its inclusion proof: " + kept + "\n";
    } else {
      said += "(the entry could not be fetched again for a proof file: " +
              (entry ? proof.error().message : entry.error().message) + ")\n";
    }
  }
  keep_evidence("entry-" + str(leaf) + ".txt", said);
  config_.log("refusing the log from entry " + str(leaf) + ": " + why);
}

}  // namespace senim::witness
