#include "server/board_snapshot.hpp"

#include <array>

#include "proto/server.pb.h"
#include "protocol/snapshot_file.hpp"

namespace senim::server {
namespace {

Error malformed(const std::string& path, const std::string& what) {
  return make_error(Errc::invalid_encoding, "snapshot " + path + ": " + what);
}

std::string to_string(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void put_be(std::uint8_t* p, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8)
    p[i] = static_cast<std::uint8_t>(v);
}

std::uint64_t get_be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | p[i];
  return v;
}

}  // namespace

VoterRecord voter_record(const protocol::ElectionState::VotingState::Voter& voter) {
  VoterRecord r{};
  std::copy(voter.key.begin(), voter.key.end(), r.begin());
  put_be(r.data() + 32, voter.last_sequence, 4);
  put_be(r.data() + 36, voter.last_ballot, 8);
  return r;
}

protocol::ElectionState::VotingState::Voter parse_voter_record(ByteView record) {
  protocol::ElectionState::VotingState::Voter v;
  std::copy_n(record.begin(), 32, v.key.begin());
  v.last_sequence = static_cast<std::uint32_t>(get_be(record.data() + 32, 4));
  v.last_ballot = get_be(record.data() + 36, 8);
  return v;
}

ChallengedRecord challenged_record(const Hash32& alpha, std::uint64_t leaf) {
  ChallengedRecord r{};
  std::copy(alpha.begin(), alpha.end(), r.begin());
  put_be(r.data() + 32, leaf, 8);
  return r;
}

std::pair<Hash32, std::uint64_t> parse_challenged_record(ByteView record) {
  Hash32 alpha{};
  std::copy_n(record.begin(), 32, alpha.begin());
  return {alpha, get_be(record.data() + 32, 8)};
}

Status write_board_snapshot(const std::string& path, const BoardSnapshot& snapshot,
                            Hash32* digest) {
  v1::BoardSnapshot state;
  state.set_version(kBoardSnapshotVersion);
  state.set_tree_size(snapshot.checkpoint.size);
  state.set_root(to_string(snapshot.checkpoint.root));
  state.set_checkpoint(snapshot.checkpoint.note);
  state.mutable_other_leaves()->Add(snapshot.other_leaves.begin(), snapshot.other_leaves.end());
  const auto* voting = snapshot.voting ? &*snapshot.voting : nullptr;
  state.set_voting(voting != nullptr);
  if (voting != nullptr) {
    *state.mutable_running() = voting->running;
    state.set_ballots_cast(voting->ballots_cast);
    state.mutable_superseded()->Add(voting->superseded.begin(), voting->superseded.end());
    state.set_voters(voting->voters.size());
    state.set_challenged(voting->challenged.size());
  }
  const std::array<protocol::SnapshotTable, 2> tables{{
      {"voter records", kVoterRecordBytes, state.voters(),
       [&](const std::function<void(ByteView)>& sink) {
         if (voting == nullptr)
           return;
         for (const auto& v : voting->voters)
           sink(voter_record(v));
       }},
      {"challenged-ciphertext records", kChallengedRecordBytes, state.challenged(),
       [&](const std::function<void(ByteView)>& sink) {
         if (voting == nullptr)
           return;
         for (const auto& [alpha, leaf] : voting->challenged)
           sink(challenged_record(alpha, leaf));
       }},
  }};
  return protocol::write_snapshot_file(path, kBoardSnapshotKind, state, tables, digest);
}

Expected<BoardSnapshot> read_board_snapshot(const std::string& path, Hash32* digest) {
  v1::BoardSnapshot state;
  auto file = protocol::SnapshotFileReader::open(path, kBoardSnapshotKind, state);
  if (!file)
    return file.error();
  BoardSnapshot out;
  out.checkpoint.size = state.tree_size();
  out.checkpoint.note = state.checkpoint();
  if (!copy_exact(state.root(), out.checkpoint.root))
    return malformed(path, "its root is not 32 bytes");
  out.other_leaves.assign(state.other_leaves().begin(), state.other_leaves().end());
  protocol::ElectionState::VotingState voting;
  if (auto s = file->read_records("voter records", kVoterRecordBytes, state.voters(),
                                  [&](ByteView r) {
                                    voting.voters.push_back(parse_voter_record(r));
                                    return Status::success();
                                  });
      !s) {
    return s.error();
  }
  if (auto s = file->read_records("challenged-ciphertext records", kChallengedRecordBytes,
                                  state.challenged(),
                                  [&](ByteView r) {
                                    voting.challenged.push_back(parse_challenged_record(r));
                                    return Status::success();
                                  });
      !s) {
    return s.error();
  }
  if (auto s = file->finish(); !s)
    return s.error();
  if (digest != nullptr)
    *digest = file->digest();
  if (state.voting()) {
    voting.running = state.running();
    voting.ballots_cast = state.ballots_cast();
    voting.superseded.assign(state.superseded().begin(), state.superseded().end());
    out.voting = std::move(voting);
  } else if (state.voters() != 0 || state.challenged() != 0) {
    return malformed(path, "voter records, but voting never opened");
  }
  return out;
}

}  // namespace senim::server
