// The restart snapshot as a chain (docs/api.md, "The restart snapshot"): a
// base, board.snapshot (board_snapshot.hpp), then deltas board.snapshot.1,
// board.snapshot.2, … each holding only what changed since the file before
// it, which it names by that file's trailing SHA-256. A delta is copied from
// the board in time proportional to what changed (ElectionState::
// take_voting_changes), not to the electorate; now and then the chain is
// compacted into a new base, off the board's lock, by streaming the old
// base's records and replacing the changed ones.
//
//   delta = "SENIMSRD" ‖ u32_be(1) ‖ u64_be(n) ‖ BoardSnapshotDelta (n bytes,
//           proto/server.proto) ‖ voter records (44 bytes, as the base's:
//           each credential that cast since the previous file, once, its
//           latest state) ‖ challenged-ciphertext records (40 bytes) ‖
//           SHA-256 of everything before
//
// Every file is written as the base is (PATH.tmp, fsync, rename, fsync of
// the directory). A delta that does not name the file before it (left over
// from a chain since compacted) ends the chain and is ignored; a delta that
// is damaged (its hash, its fields) makes the whole snapshot refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/board_snapshot.hpp"

namespace senim::server {

inline constexpr std::string_view kBoardSnapshotDeltaMagic = "SENIMSRD";
inline constexpr std::uint32_t kBoardSnapshotDeltaVersion = 1;

// board.snapshot.K: the chain's K-th delta (K ≥ 1) after the base at `base`.
std::string snapshot_delta_path(const std::string& base, std::uint32_t k);

// What changed since the previous file of the chain, at a later checkpoint
// (Board::snapshot_delta).
struct BoardSnapshotDelta {
  StoredCheckpoint checkpoint;
  std::vector<std::uint64_t> other_leaves;                       // new ones, ascending
  std::optional<protocol::ElectionState::VotingChanges> voting;  // once voting opened
  // Appends `later` (the changes after these): a delta that could not be
  // written is merged into the next.
  void append(BoardSnapshotDelta later);
};

// What a chain's deltas add to its base: each changed credential once (its
// latest state; `first` if it was not a voter in the base), and the lists
// appended since the base.
struct ChainChanges {
  struct Voter {
    protocol::ElectionState::VotingState::Voter state;
    bool first = false;
  };
  std::unordered_map<Hash32, Voter, protocol::Hash32Hasher> voters;
  std::vector<std::uint64_t> other_leaves;
  std::vector<std::uint64_t> superseded;
  std::vector<std::pair<Hash32, std::uint64_t>> challenged;
  std::uint64_t new_voters = 0;
};

// Where a chain stands: its last file's hash (what the next delta names),
// its deltas and their bytes, and the base's bytes (when to compact).
struct SnapshotChain {
  Hash32 last{};
  std::uint32_t deltas = 0;
  std::uint64_t base_bytes = 0;
  std::uint64_t delta_bytes = 0;
  ChainChanges since_base;
};

// Writes delta number chain.deltas + 1 after `chain`'s last file, and
// advances `chain` (its hash, counts, and since_base) on success.
Status append_board_snapshot_delta(const std::string& base, const BoardSnapshotDelta& delta,
                                   SnapshotChain& chain);
// The base and its deltas, merged: the state at the chain's last file, as
// read_board_snapshot gives a base. Errors: read_board_snapshot's, and
// invalid_encoding naming the delta (damaged, or fields that do not follow
// from the file before it).
struct ChainedSnapshot {
  BoardSnapshot snapshot;
  SnapshotChain chain;
};
Expected<ChainedSnapshot> read_board_snapshot_chain(const std::string& base);
// A new base of the chain's state, made by streaming the old base's records
// with the changes applied (no copy of the board, no lock), then the deltas
// removed; `latest` is the chain's last file's checkpoint and totals.
// `chain` is then a chain of no delta. On error nothing of the chain changed.
Status compact_board_snapshot(const std::string& base, const BoardSnapshotDelta& latest,
                              SnapshotChain& chain);
// After a new base (a full snapshot) at `base`: its chain, and every delta of
// an earlier chain removed.
Status start_board_snapshot_chain(const std::string& base, const BoardSnapshot& snapshot,
                                  SnapshotChain& chain);

}  // namespace senim::server
