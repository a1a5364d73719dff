#include "server/board_snapshot_chain.hpp"

#include <array>
#include <filesystem>

#include "proto/server.pb.h"
#include "protocol/snapshot_file.hpp"

namespace senim::server {
namespace {

namespace fs = std::filesystem;
using Voter = protocol::ElectionState::VotingState::Voter;

constexpr protocol::SnapshotKind kDeltaKind{kBoardSnapshotDeltaMagic, kBoardSnapshotDeltaVersion};

Error malformed(const std::string& path, const std::string& what) {
  return make_error(Errc::invalid_encoding, "snapshot " + path + ": " + what);
}

std::string to_string(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The latest state of each credential in `voters` (admission order); first
// if its first ballot is among them.
std::vector<ChainChanges::Voter> latest_per_credential(
    const std::vector<protocol::ElectionState::VotingChanges::Voter>& voters) {
  std::unordered_map<Hash32, std::size_t, protocol::Hash32Hasher> at;
  std::vector<ChainChanges::Voter> out;
  for (const auto& v : voters) {
    auto [it, fresh] = at.emplace(v.state.key, out.size());
    if (fresh) {
      out.push_back({v.state, v.first});
    } else {
      out[it->second].state = v.state;
      out[it->second].first = out[it->second].first || v.first;
    }
  }
  return out;
}

std::uint64_t file_bytes(const std::string& path) {
  std::error_code ignored;
  const auto n = fs::file_size(path, ignored);
  return ignored ? 0 : n;
}

// Every delta after a base, 1, 2, … while they exist: after a new base
// they are of an earlier chain.
void remove_deltas(const std::string& base) {
  for (std::uint32_t k = 1;; ++k) {
    std::error_code ignored;
    if (!fs::remove(snapshot_delta_path(base, k), ignored))
      return;
  }
}

// Checks one delta's fields against the state before it (`at`) and applies
// them to `out` and `chain.since_base` (voters: to since_base only).
Status apply_delta(const std::string& path, const v1::BoardSnapshotDelta& m, ChainedSnapshot& out) {
  BoardSnapshot& at = out.snapshot;
  ChainChanges& since = out.chain.since_base;
  if (m.tree_size() <= at.checkpoint.size) {
    return malformed(path, "of size " + std::to_string(m.tree_size()) + " after a file of size " +
                               std::to_string(at.checkpoint.size));
  }
  StoredCheckpoint checkpoint{m.tree_size(), {}, m.checkpoint()};
  if (!copy_exact(m.root(), checkpoint.root))
    return malformed(path, "its root is not 32 bytes");
  std::uint64_t next = at.checkpoint.size;
  for (const std::uint64_t leaf : m.other_leaves()) {
    if (leaf < next || leaf >= m.tree_size())
      return malformed(path, "it lists leaf " + std::to_string(leaf) + " out of order");
    next = leaf + 1;
  }
  if (at.voting && !m.voting())
    return malformed(path, "no voting state after a file with one");
  if (!m.voting() && (m.voters() != 0 || m.challenged() != 0 || m.superseded_size() != 0))
    return malformed(path, "voter records, but voting never opened");
  at.checkpoint = std::move(checkpoint);
  at.other_leaves.insert(at.other_leaves.end(), m.other_leaves().begin(), m.other_leaves().end());
  since.other_leaves.insert(since.other_leaves.end(), m.other_leaves().begin(),
                            m.other_leaves().end());
  if (m.voting()) {
    if (!at.voting)
      at.voting.emplace();
    at.voting->running = m.running();
    at.voting->ballots_cast = m.ballots_cast();
    at.voting->superseded.insert(at.voting->superseded.end(), m.superseded().begin(),
                                 m.superseded().end());
    since.superseded.insert(since.superseded.end(), m.superseded().begin(), m.superseded().end());
  }
  since.new_voters += m.new_voters();
  return Status::success();
}

// The chain's changed voters onto the base's list: each one found replaced,
// the others (first ballots since the base) appended.
Status merge_voters(const std::string& base, ChainedSnapshot& out) {
  ChainChanges& since = out.chain.since_base;
  if (since.voters.empty())
    return Status::success();
  if (!out.snapshot.voting)
    return malformed(base, "its deltas have voter records, but voting never opened");
  std::uint64_t found = 0;
  for (Voter& v : out.snapshot.voting->voters) {
    if (auto it = since.voters.find(v.key); it != since.voters.end()) {
      v = it->second.state;
      it->second.first = false;
      ++found;
    }
  }
  if (since.voters.size() - found != since.new_voters) {
    return malformed(base, "its deltas name " + std::to_string(since.voters.size() - found) +
                               " voters not in it, but say " + std::to_string(since.new_voters));
  }
  for (const auto& [key, v] : since.voters) {
    if (v.first)
      out.snapshot.voting->voters.push_back(v.state);
  }
  return Status::success();
}

}  // namespace

std::string snapshot_delta_path(const std::string& base, std::uint32_t k) {
  return base + "." + std::to_string(k);
}

void BoardSnapshotDelta::append(BoardSnapshotDelta later) {
  checkpoint = std::move(later.checkpoint);
  other_leaves.insert(other_leaves.end(), later.other_leaves.begin(), later.other_leaves.end());
  if (!later.voting)
    return;
  if (!voting) {
    voting = std::move(later.voting);
    return;
  }
  auto& v = *voting;
  v.voters.insert(v.voters.end(), later.voting->voters.begin(), later.voting->voters.end());
  v.superseded.insert(v.superseded.end(), later.voting->superseded.begin(),
                      later.voting->superseded.end());
  v.challenged.insert(v.challenged.end(), later.voting->challenged.begin(),
                      later.voting->challenged.end());
  v.running = std::move(later.voting->running);
  v.ballots_cast = later.voting->ballots_cast;
}

Status append_board_snapshot_delta(const std::string& base, const BoardSnapshotDelta& delta,
                                   SnapshotChain& chain) {
  v1::BoardSnapshotDelta m;
  m.set_version(kBoardSnapshotDeltaVersion);
  m.set_previous(to_string(chain.last));
  m.set_tree_size(delta.checkpoint.size);
  m.set_root(to_string(delta.checkpoint.root));
  m.set_checkpoint(delta.checkpoint.note);
  m.mutable_other_leaves()->Add(delta.other_leaves.begin(), delta.other_leaves.end());
  std::vector<ChainChanges::Voter> voters;
  const auto* voting = delta.voting ? &*delta.voting : nullptr;
  m.set_voting(voting != nullptr);
  std::uint64_t first = 0;
  if (voting != nullptr) {
    voters = latest_per_credential(voting->voters);
    for (const auto& v : voters)
      first += v.first ? 1 : 0;
    *m.mutable_running() = voting->running;
    m.set_ballots_cast(voting->ballots_cast);
    m.mutable_superseded()->Add(voting->superseded.begin(), voting->superseded.end());
    m.set_voters(voters.size());
    m.set_new_voters(first);
    m.set_challenged(voting->challenged.size());
  }
  const std::array<protocol::SnapshotTable, 2> tables{{
      {"voter records", kVoterRecordBytes, m.voters(),
       [&](const std::function<void(ByteView)>& sink) {
         for (const auto& v : voters)
           sink(voter_record(v.state));
       }},
      {"challenged-ciphertext records", kChallengedRecordBytes, m.challenged(),
       [&](const std::function<void(ByteView)>& sink) {
         if (voting == nullptr)
           return;
         for (const auto& [alpha, leaf] : voting->challenged)
           sink(challenged_record(alpha, leaf));
       }},
  }};
  const std::string path = snapshot_delta_path(base, chain.deltas + 1);
  Hash32 digest{};
  if (auto s = protocol::write_snapshot_file(path, kDeltaKind, m, tables, &digest); !s)
    return s;
  chain.last = digest;
  ++chain.deltas;
  chain.delta_bytes += file_bytes(path);
  ChainChanges& since = chain.since_base;
  for (const auto& v : voters) {
    auto [it, fresh] = since.voters.emplace(v.state.key, v);
    if (!fresh) {
      it->second.state = v.state;
      it->second.first = it->second.first || v.first;
    }
  }
  since.new_voters += first;
  since.other_leaves.insert(since.other_leaves.end(), delta.other_leaves.begin(),
                            delta.other_leaves.end());
  if (voting != nullptr) {
    since.superseded.insert(since.superseded.end(), voting->superseded.begin(),
                            voting->superseded.end());
    since.challenged.insert(since.challenged.end(), voting->challenged.begin(),
                            voting->challenged.end());
  }
  return Status::success();
}

Expected<ChainedSnapshot> read_board_snapshot_chain(const std::string& base) {
  ChainedSnapshot out;
  auto snapshot = read_board_snapshot(base, &out.chain.last);
  if (!snapshot)
    return snapshot.error();
  out.snapshot = std::move(*snapshot);
  out.chain.base_bytes = file_bytes(base);
  ChainChanges& since = out.chain.since_base;
  for (std::uint32_t k = 1;; ++k) {
    const std::string path = snapshot_delta_path(base, k);
    if (!fs::exists(path))
      break;
    v1::BoardSnapshotDelta m;
    auto file = protocol::SnapshotFileReader::open(path, kDeltaKind, m);
    if (!file)
      return file.error();
    // Left over from a chain since compacted into a new base: ignored.
    if (m.previous() != to_string(out.chain.last))
      break;
    if (auto s = apply_delta(path, m, out); !s)
      return s.error();
    auto s = file->read_records("voter records", kVoterRecordBytes, m.voters(), [&](ByteView r) {
      const Voter v = parse_voter_record(r);
      since.voters.insert_or_assign(v.key, ChainChanges::Voter{v, true});
      return Status::success();
    });
    if (s) {
      s = file->read_records("challenged-ciphertext records", kChallengedRecordBytes,
                             m.challenged(), [&](ByteView r) {
                               const auto c = parse_challenged_record(r);
                               out.snapshot.voting->challenged.push_back(c);
                               since.challenged.push_back(c);
                               return Status::success();
                             });
    }
    if (s)
      s = file->finish();
    if (!s)
      return s.error();
    out.chain.last = file->digest();
    out.chain.deltas = k;
    out.chain.delta_bytes += file_bytes(path);
  }
  if (auto s = merge_voters(base, out); !s)
    return s.error();
  return out;
}

Status start_board_snapshot_chain(const std::string& base, const BoardSnapshot& snapshot,
                                  SnapshotChain& chain) {
  SnapshotChain fresh;
  if (auto s = write_board_snapshot(base, snapshot, &fresh.last); !s)
    return s;
  remove_deltas(base);
  fresh.base_bytes = file_bytes(base);
  chain = std::move(fresh);
  return Status::success();
}

Status compact_board_snapshot(const std::string& base, const BoardSnapshotDelta& latest,
                              SnapshotChain& chain) {
  v1::BoardSnapshot old;
  auto file = protocol::SnapshotFileReader::open(base, kBoardSnapshotKind, old);
  if (!file)
    return file.error();
  const ChainChanges& since = chain.since_base;
  v1::BoardSnapshot state = old;
  state.set_tree_size(latest.checkpoint.size);
  state.set_root(to_string(latest.checkpoint.root));
  state.set_checkpoint(latest.checkpoint.note);
  state.mutable_other_leaves()->Add(since.other_leaves.begin(), since.other_leaves.end());
  if (latest.voting) {
    state.set_voting(true);
    *state.mutable_running() = latest.voting->running;
    state.set_ballots_cast(latest.voting->ballots_cast);
    state.mutable_superseded()->Add(since.superseded.begin(), since.superseded.end());
    state.set_voters(old.voters() + since.new_voters);
    state.set_challenged(old.challenged() + since.challenged.size());
  }
  // The old base's records stream through, the changed ones replaced; a
  // failure to read them stops the table short, and the new file is not used.
  Status read = Status::success();
  const std::array<protocol::SnapshotTable, 2> tables{{
      {"voter records", kVoterRecordBytes, state.voters(),
       [&](const std::function<void(ByteView)>& sink) {
         read =
             file->read_records("voter records", kVoterRecordBytes, old.voters(), [&](ByteView r) {
               auto it = since.voters.find(parse_voter_record(r).key);
               if (it == since.voters.end())
                 sink(r);
               else
                 sink(voter_record(it->second.state));
               return Status::success();
             });
         for (const auto& [key, v] : since.voters) {
           if (v.first && read)
             sink(voter_record(v.state));
         }
       }},
      {"challenged-ciphertext records", kChallengedRecordBytes, state.challenged(),
       [&](const std::function<void(ByteView)>& sink) {
         if (read) {
           read = file->read_records("challenged-ciphertext records", kChallengedRecordBytes,
                                     old.challenged(), [&](ByteView r) {
                                       sink(r);
                                       return Status::success();
                                     });
         }
         for (const auto& [alpha, leaf] : since.challenged) {
           if (read)
             sink(challenged_record(alpha, leaf));
         }
       }},
  }};
  SnapshotChain compacted;
  auto s = protocol::write_snapshot_file(base, kBoardSnapshotKind, state, tables, &compacted.last,
                                         [&]() { return read ? file->finish() : read; });
  if (!s)
    return read ? s : read;
  remove_deltas(base);
  compacted.base_bytes = file_bytes(base);
  chain = std::move(compacted);
  return Status::success();
}

}  // namespace senim::server
