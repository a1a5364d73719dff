// The board server's restart snapshot (docs/api.md, "Start-up and
// recovery"): the state the board verified, at one checkpoint it signed, so
// that a restart re-checks only the leaves after it (board_resume.cpp). In the
// file format of every senim snapshot (protocol/snapshot_file.hpp):
//
//   file = "SENIMSRV" ‖ u32_be(1) ‖ u64_be(n) ‖ BoardSnapshot (n bytes,
//          proto/server.proto) ‖ voter records (44 bytes each:
//          key ‖ u32_be(last sequence) ‖ u64_be(last ballot's leaf), as many
//          as BoardSnapshot.voters) ‖ challenged-ciphertext records (40 bytes
//          each: α ‖ u64_be(the challenge's leaf), BoardSnapshot.challenged of
//          them) ‖ SHA-256 of everything before
//
// The snapshot is trusted as much as the disk it is on: its hash detects
// damage, its checkpoint binds it to the log (the board's signature, and the
// root the stored leaf hashes give), and every entry but the ballots and
// challenges is admitted again. `senim-server --reverify` trusts none of it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/election_state.hpp"
#include "protocol/snapshot_file.hpp"
#include "server/storage.hpp"

namespace senim::server {

inline constexpr std::string_view kBoardSnapshotMagic = "SENIMSRV";
// Bump when anything the snapshot holds changes meaning: an older one is
// then refused (and the start re-checks every leaf).
inline constexpr std::uint32_t kBoardSnapshotVersion = 1;
inline constexpr std::size_t kVoterRecordBytes = 32 + 4 + 8;
inline constexpr std::size_t kChallengedRecordBytes = 32 + 8;
// In the data directory.
inline constexpr std::string_view kBoardSnapshotFile = "board.snapshot";
inline constexpr protocol::SnapshotKind kBoardSnapshotKind{kBoardSnapshotMagic,
                                                           kBoardSnapshotVersion};

// The tables' records (the base's and its deltas', board_snapshot_chain.hpp).
using VoterRecord = std::array<std::uint8_t, kVoterRecordBytes>;
using ChallengedRecord = std::array<std::uint8_t, kChallengedRecordBytes>;
VoterRecord voter_record(const protocol::ElectionState::VotingState::Voter& voter);
protocol::ElectionState::VotingState::Voter parse_voter_record(ByteView record);
ChallengedRecord challenged_record(const Hash32& alpha, std::uint64_t leaf);
std::pair<Hash32, std::uint64_t> parse_challenged_record(ByteView record);

// A board's verified state at `checkpoint` (Board::snapshot).
struct BoardSnapshot {
  StoredCheckpoint checkpoint;  // size, root and the board's signed note
  // Every leaf before checkpoint.size that is not a ballot or a challenge.
  std::vector<std::uint64_t> other_leaves;
  std::optional<protocol::ElectionState::VotingState> voting;  // once voting opened
};

// Durably (PATH.tmp, fsync, rename, fsync of the directory); with `digest`,
// the file's trailing SHA-256 there.
Status write_board_snapshot(const std::string& path, const BoardSnapshot& snapshot,
                            Hash32* digest = nullptr);
// Errors: io_error (cannot open), invalid_encoding (not a board snapshot,
// another version, truncated, damaged: its hash, malformed fields). With
// `digest`, the file's trailing SHA-256 there.
Expected<BoardSnapshot> read_board_snapshot(const std::string& path, Hash32* digest = nullptr);

}  // namespace senim::server
