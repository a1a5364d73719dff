// A start from a restart snapshot (board_snapshot.hpp; docs/api.md,
// "Start-up and recovery"): the state the board had verified at one of its
// checkpoints, and only the leaves after it replayed as a full start replays
// them. What is checked again before anything is served:
// - the snapshot's hash (read_board_snapshot): a damaged file is refused;
// - the log of the snapshot's size, built from the stored leaf hashes, has
//   the snapshot's root, and its checkpoint note is this board's signature
//   on that size and root: the snapshot is of this log and no other;
// - every leaf that is not a ballot or a challenge (the set-up, the
//   ceremony, the credential lists, the open, the close, the tally, the
//   partial decryptions, the result) is read, its hash compared with the
//   log's and admitted again through the state machine, so the
//   configuration, the keys and the tally's check are never taken from the
//   file; the ballots' and challenges' effect is restored right after the
//   open (ElectionState::restore_voting_state);
// - the leaves after the snapshot are replayed as a full start replays them
//   (hashes, columns, every rule and proof), and the log is checked against
//   board.head and every stored checkpoint (Board::check_stored).
// Not checked again (`senim-server --reverify` checks all of it): the bytes
// of the ballots and challenges before the snapshot against their stored
// hashes, their stored columns and proofs, and the comparison of the
// look-up indexes with every leaf (step 4 of a full start: an index-only
// scan of every index, about 0.5 s per 100,000 leaves, which alone would
// exceed a restart's budget at a million). They were checked when admitted,
// by this server, before the snapshot was written; a disk that damages them
// later is what --reverify is for.
#include "server/board.hpp"

namespace senim::server {

Status Board::resume(const BoardSnapshot& snapshot, std::uint64_t leaf_count, unsigned threads) {
  const std::uint64_t size = snapshot.checkpoint.size;
  if (size > leaf_count) {
    return make_error(Errc::merkle_bad_proof, "it is of size " + std::to_string(size) +
                                                  ", but the log has only " +
                                                  std::to_string(leaf_count) + " leaves");
  }
  auto hashes = storage_->leaf_hashes(size);
  if (!hashes)
    return hashes.error();
  for (const Hash32& h : *hashes)
    log_.append_leaf_hash(h);
  if (log_.root() != snapshot.checkpoint.root) {
    return make_error(Errc::merkle_root_mismatch,
                      "it is of root " + to_hex(snapshot.checkpoint.root) + " at size " +
                          std::to_string(size) + ", but the stored leaves give root " +
                          to_hex(log_.root()) + ": it is not a snapshot of this log");
  }
  if (auto s = readmit_other_leaves(snapshot); !s)
    return s;
  // The set-up is admitted: the checkpoint can be checked under its origin.
  auto signed_head = check_checkpoint(snapshot.checkpoint.note);
  if (!signed_head)
    return make_error(signed_head.error().code, "its checkpoint: " + signed_head.error().message);
  if (signed_head->checkpoint.size != size || signed_head->checkpoint.root != log_.root())
    return make_error(Errc::merkle_root_mismatch, "its checkpoint is not of its size and root");
  // The chain's next delta follows this file: the leaves after it are changes.
  state_.keep_voting_changes();
  other_leaves_taken_ = other_leaves_.size();
  if (auto s = replay_stored(size, leaf_count, threads); !s)
    return s;
  start_report_ = {size, leaf_count - size, ""};
  return Status::success();
}

Status Board::readmit_other_leaves(const BoardSnapshot& snapshot) {
  const std::uint64_t size = snapshot.checkpoint.size;
  stored_size_ = size;
  bool restored = false;
  std::optional<std::uint64_t> previous;
  for (const std::uint64_t leaf : snapshot.other_leaves) {
    const std::string which = "leaf " + std::to_string(leaf);
    if (leaf >= size || (previous && leaf <= *previous))
      return make_error(Errc::invalid_encoding, "it lists " + which + " out of order");
    previous = leaf;
    auto bytes = storage_->leaf(leaf);
    if (!bytes)
      return bytes.error();
    if (crypto::merkle::leaf_hash(*bytes) != *log_.subtree_hash(0, leaf)) {
      return make_error(Errc::merkle_root_mismatch,
                        which + ": the stored bytes do not have the stored leaf hash");
    }
    auto entry = state_.precheck(*bytes);
    if (!entry)
      return refused_leaf(leaf, entry.error());
    const v1::Statement& st = entry->parsed.statement;
    if (st.has_ballot() || st.has_challenge())
      return make_error(Errc::invalid_encoding, "it lists " + which + ", a ballot or challenge");
    if (auto s = admit(*entry, leaf); !s)
      return refused_leaf(leaf, s.error());
    if (st.has_open() && snapshot.voting) {
      if (auto s = state_.restore_voting_state(*snapshot.voting); !s)
        return s;
      restored = true;
    }
  }
  // (running_tally(): whether voting opened, without voting_state()'s copy
  // of every voter.)
  if (snapshot.voting.has_value() != restored || (state_.running_tally() != nullptr) != restored)
    return make_error(Errc::invalid_encoding, "its voting state does not match its open");
  return Status::success();
}

}  // namespace senim::server
