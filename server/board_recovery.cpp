// Startup and recovery: the board is rebuilt from storage alone, checking
// everything on the way, so that after any stop (kill -9 included) the server
// serves exactly the log it had signed, or refuses to start and says why and
// what an operator can do (docs/api.md, "Start-up and recovery").
#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "server/board.hpp"
#include "server/board_files.hpp"

namespace senim::server {
namespace {

// The stored look-up columns of a leaf must be the ones its bytes give.
Status compare_columns(const LeafRecord& stored, const LeafRecord& computed) {
  std::string column;
  if (stored.leaf_hash != computed.leaf_hash) {
    column = "leaf hash";
  } else if (stored.kind != computed.kind) {
    column = "kind \"" + stored.kind + "\" (its entry is a " + computed.kind + ")";
  } else if (stored.tracking_code != computed.tracking_code) {
    column = "tracking code";
  } else if (stored.signer != computed.signer) {
    column = "signer";
  } else {
    return Status::success();
  }
  return make_error(Errc::merkle_root_mismatch, "leaf " + std::to_string(stored.index) +
                                                    ": the stored " + column +
                                                    " is not the one its stored bytes give");
}

void add_lookups(LookupDigests& digests, const LeafRecord& leaf) {
  digests.by_leaf_hash.add(leaf.leaf_hash, leaf.index);
  if (leaf.tracking_code)
    digests.by_tracking_code.add(*leaf.tracking_code, leaf.index);
  // ballot_alphas keys on α's first 8 bytes, once per (key, leaf): a ballot
  // may repeat an α (or two α's share 8 bytes), and the table keeps one row.
  std::vector<ByteView> keys;
  for (const Hash32& alpha : leaf.alphas)
    keys.push_back(ByteView(alpha).first(8));
  std::sort(keys.begin(), keys.end(), [](ByteView a, ByteView b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  });
  keys.erase(
      std::unique(keys.begin(), keys.end(),
                  [](ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin()); }),
      keys.end());
  for (ByteView key : keys)
    digests.by_alpha.add(key, leaf.index);
  for (const protocol::PublicKey& key : leaf.credential_keys)
    digests.by_credential.add(key, leaf.index);
}

}  // namespace

Expected<std::unique_ptr<Board>> Board::open(std::unique_ptr<Storage> storage,
                                             protocol::SigningKey key, HeadRecord record,
                                             std::string public_url, unsigned threads,
                                             const std::string& snapshot) {
  auto count = storage->leaf_count();
  if (!count)
    return count.error();
  std::string set_aside;
  if (!snapshot.empty() && std::filesystem::exists(snapshot)) {
    // A snapshot that does not check out is set aside, never trusted in
    // part: the start begins again from nothing (docs/api.md, "The restart
    // snapshot").
    std::unique_ptr<Board> board(
        new Board(std::move(storage), std::move(key), std::move(public_url)));
    board->record_.emplace(std::move(record));
    Status resumed = Status::success();
    {
      const std::unique_lock lock(board->mutex_);
      auto saved = read_board_snapshot_chain(snapshot);
      if (!saved)
        resumed = saved.error();
      else if (resumed = board->resume(saved->snapshot, *count, threads); resumed)
        resumed = board->check_stored(*count, saved->snapshot.checkpoint.size);
      if (resumed)
        board->resumed_chain_ = std::move(saved->chain);
    }
    if (resumed)
      return board;
    set_aside = resumed.error().message;
    storage = std::move(board->storage_);
    key = std::move(board->key_);
    record = std::move(*board->record_);
    public_url = std::move(board->public_url_);
  }
  std::unique_ptr<Board> board(
      new Board(std::move(storage), std::move(key), std::move(public_url)));
  board->record_.emplace(std::move(record));
  const std::unique_lock lock(board->mutex_);
  // Step 1 (docs/api.md, "Start-up and recovery"): SQLite's check of every
  // page, if a start meant for a snapshot left it for now.
  if (auto s = board->storage_->check_pages(); !s)
    return s.error();
  // Every leaf replays, with the columns its bytes give (§7.1, §12).
  if (auto s = board->replay_stored(0, *count, threads); !s)
    return s.error();
  if (auto s = board->check_stored(*count, 0); !s)
    return s.error();
  board->start_report_ = {0, *count, std::move(set_aside)};
  return board;
}

Status Board::check_stored(std::uint64_t leaf_count, std::uint64_t snapshot_size) {
  // Step 2: the log reaches the largest head this board released, with its
  // root: otherwise receipts were lost or the log is another one.
  const RecordedHead& released = record_->latest();
  if (auto s = check_released(released, record_->path()); !s) {
    const std::string dir = std::filesystem::path(record_->path()).parent_path().string();
    return make_error(s.error().code,
                      s.error().message + ". " + restore_advice(dir, released.tree_size));
  }
  // Step 3: every checkpoint this board ever stored matches the rebuilt
  // log, and every cosignature the policy.
  if (auto h = check_checkpoints(leaf_count, snapshot_size); !h)
    return h;
  if (auto c = load_cosignatures(); !c)
    return c;
  // Step 4: the checkpoint it will serve is recorded before anyone sees it
  // (a crash between a batch's commit and its record leaves one beyond).
  if (checkpoint_ && checkpoint_->size > released.tree_size) {
    if (auto s = record_checkpoint(*checkpoint_); !s)
      return s;
  }
  return Status::success();
}

Status Board::replay_stored(std::uint64_t begin, std::uint64_t end, unsigned threads) {
  std::vector<LeafRecord> stored;
  LookupDigests digests;
  auto replay_chunk = [&]() -> Status {
    if (stored.empty())
      return Status::success();
    std::vector<Bytes> chunk;
    chunk.reserve(stored.size());
    for (LeafRecord& leaf : stored)
      chunk.push_back(std::move(leaf.bytes));
    if (auto r = replay(stored.front().index, std::move(chunk), threads); !r)
      return r;
    for (std::size_t i = 0; i < stored.size(); ++i) {
      if (auto s = compare_columns(stored[i], batch_[i]); !s)
        return s;
      add_lookups(digests, batch_[i]);  // the columns agree; the α's come from the bytes
    }
    stored.clear();
    batch_.clear();
    return Status::success();
  };
  auto s = storage_->scan_leaves(begin, end, [&](LeafRecord leaf) -> Status {
    // The leaf hash first: a leaf whose bytes changed is named as such.
    if (crypto::merkle::leaf_hash(leaf.bytes) != leaf.leaf_hash) {
      return make_error(Errc::merkle_root_mismatch,
                        "leaf " + std::to_string(leaf.index) +
                            ": the stored leaf hash is not the hash of the stored bytes");
    }
    stored.push_back(std::move(leaf));
    return stored.size() < kReplayChunk ? Status::success() : replay_chunk();
  });
  if (!s)
    return s;
  if (auto r = replay_chunk(); !r)
    return r;
  // The indexes the board decides by hold exactly the leaves' pairs.
  return begin == 0 ? storage_->check_lookups(digests) : Status::success();
}

Error Board::refused_leaf(std::uint64_t leaf, const Error& e) {
  return make_error(e.code, "leaf " + std::to_string(leaf) + " does not replay: " +
                                std::string(errc_name(e.code)) + ": " + e.message);
}

std::vector<std::optional<Expected<Board::Prechecked>>> Board::precheck_chunk(
    const std::vector<Bytes>& chunk, unsigned threads) const {
  // Each worker verifies a contiguous slice, its ballots' proofs in one
  // batch (§12.1, §5.6: the group commit's engine, verify_pending_proofs),
  // whose verdict for each ballot is the one-by-one check's.
  std::vector<std::optional<Expected<Prechecked>>> pre(chunk.size());
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::size_t>(threads, chunk.size()));
  const std::size_t per = (chunk.size() + workers - 1) / workers;
  auto check_slice = [&](std::size_t begin, std::size_t end) {
    std::vector<Prechecked> verified;
    std::vector<std::size_t> at;
    for (std::size_t i = begin; i < end; ++i) {
      auto parsed = protocol::parse_entry(chunk[i]);
      auto checked = parsed ? state_.verify(std::move(*parsed), chunk[i],
                                            protocol::ElectionState::ProofCheck::deferred)
                            : Expected<Prechecked>(parsed.error());
      if (!checked) {
        pre[i] = checked.error();
        continue;
      }
      verified.push_back(std::move(*checked));
      at.push_back(i);
    }
    const std::vector<Status> proofs = state_.verify_pending_proofs(verified);
    for (std::size_t k = 0; k < verified.size(); ++k) {
      if (proofs[k])
        pre[at[k]] = std::move(verified[k]);
      else
        pre[at[k]] = proofs[k].error();
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w)
    pool.emplace_back(check_slice, w * per, std::min(chunk.size(), (w + 1) * per));
  check_slice(0, std::min(chunk.size(), per));
  for (std::thread& t : pool)
    t.join();
  return pre;
}

Status Board::replay(std::uint64_t first_leaf, std::vector<Bytes> chunk, unsigned threads) {
  // Prechecks in parallel: the proofs are the expensive part, and they need
  // no state but the voting parameters.
  std::vector<std::optional<Expected<Prechecked>>> pre = precheck_chunk(chunk, threads);
  // Earlier leaves are in storage; this chunk's are in batch_ as they are
  // admitted, where the re-vote and challenge rules look them up.
  stored_size_ = first_leaf;
  batch_.clear();
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    const std::uint64_t leaf = first_leaf + i;
    // A ballot prechecked before this chunk's Open was admitted had no
    // parameters yet: check it again now that the state has moved on.
    if (!pre[i]->ok())
      pre[i] = state_.precheck(chunk[i]);
    if (!pre[i]->ok())
      return refused_leaf(leaf, pre[i]->error());
    if (auto s = admit(**pre[i], leaf); !s)
      return refused_leaf(leaf, s.error());
    batch_.push_back(describe(std::move(**pre[i]), leaf));
    log_.append_leaf_hash(batch_.back().leaf_hash);
  }
  return Status::success();
}

Status Board::check_released(const RecordedHead& released, const std::string& where) const {
  const std::string signed_size = std::to_string(released.tree_size);
  if (log_.size() < released.tree_size) {
    return make_error(Errc::merkle_bad_proof,
                      "the log has " + std::to_string(log_.size()) +
                          " entries, but this board signed and released a checkpoint of size " +
                          signed_size + " (recorded in " + where + ")");
  }
  const Hash32 root = *log_.root_at(released.tree_size);
  if (root != released.root) {
    return make_error(Errc::merkle_root_mismatch,
                      "the log's root at size " + signed_size + " is " + to_hex(root) +
                          ", but this board signed root " + to_hex(released.root) +
                          " for that size (recorded in " + where +
                          "): the log is not the one this board signed");
  }
  if (released.tree_size == 0)
    return Status::success();
  // The record's own checkpoint is this board's, for that size and root.
  const std::string note(released.signed_head.begin(), released.signed_head.end());
  auto checkpoint = check_checkpoint(note);
  if (!checkpoint)
    return make_error(checkpoint.error().code,
                      where + ": the recorded checkpoint: " + checkpoint.error().message);
  if (checkpoint->checkpoint.size != released.tree_size ||
      checkpoint->checkpoint.root != released.root) {
    return make_error(Errc::merkle_root_mismatch,
                      where + ": the recorded checkpoint is not for the recorded size and root");
  }
  return Status::success();
}

Expected<protocol::BoardCheckpoint> Board::check_checkpoint(const std::string& note) const {
  const protocol::ElectionConfig* config = state_.config();
  if (config == nullptr) {
    return make_error(Errc::invalid_argument,
                      "a checkpoint, but no set-up on the board names the log's origin");
  }
  auto checkpoint = protocol::verify_board_checkpoint(note, config->board_vkey);
  if (!checkpoint)
    return checkpoint.error();
  const std::uint64_t size = checkpoint->checkpoint.size;
  const std::string which = "checkpoint of size " + std::to_string(size);
  auto root = log_.root_at(size);
  if (!root) {
    return make_error(Errc::merkle_bad_proof,
                      which + " exceeds the " + std::to_string(log_.size()) + " leaves");
  }
  if (*root != checkpoint->checkpoint.root) {
    return make_error(Errc::merkle_root_mismatch, which + " has root " +
                                                      to_hex(checkpoint->checkpoint.root) +
                                                      ", the leaves give " + to_hex(*root));
  }
  return checkpoint;
}

Status Board::check_checkpoints(std::uint64_t leaf_count, std::uint64_t snapshot_size) {
  auto check = [&](const StoredCheckpoint& stored) -> Status {
    const std::string which = "stored checkpoint of size " + std::to_string(stored.size);
    auto c = check_checkpoint(stored.note);
    if (!c)
      return make_error(c.error().code, which + ": " + c.error().message);
    if (c->checkpoint.size != stored.size || c->checkpoint.root != stored.root) {
      return make_error(Errc::merkle_root_mismatch,
                        which + ": its size and root columns are not its note's");
    }
    return Status::success();
  };
  auto s = storage_->scan_checkpoints([&](const StoredCheckpoint& stored) -> Status {
    // A start from a snapshot checks the signatures of the checkpoints after
    // it, and of the latest (below): one per group commit before it would
    // cost as much as the start itself (docs/api.md, "The restart snapshot").
    if (stored.size > snapshot_size) {
      if (auto c = check(stored); !c)
        return c;
    }
    publish(stored);
    return Status::success();
  });
  if (!s)
    return s;
  if (checkpoint_ && checkpoint_->size <= snapshot_size) {
    if (auto c = check(*checkpoint_); !c)
      return c;
  }
  make_cosignature_book();
  if (leaf_count == (checkpoint_ ? checkpoint_->size : 0))
    return Status::success();
  // Leaves with no checkpoint over them: storage written by something other
  // than commit(), which stores each batch with its checkpoint. They are
  // part of the log now, so sign and store a checkpoint over them first.
  auto checkpoint = sign_checkpoint();
  if (!checkpoint)
    return checkpoint.error();
  if (auto a = storage_->append({}, *checkpoint, {}); !a)
    return a;
  publish(*checkpoint);
  return Status::success();
}

Status Board::load_cosignatures() {
  if (!cosignatures_)
    return Status::success();
  // Rows come by size; the checkpoints of those sizes are looked up once each.
  std::optional<protocol::BoardCheckpoint> current;
  std::map<std::uint64_t, std::string> notes;
  auto s = storage_->scan_checkpoints([&](StoredCheckpoint stored) {
    notes.emplace(stored.size, std::move(stored.note));
    return Status::success();
  });
  if (!s)
    return s;
  return storage_->scan_cosignatures([&](const StoredCosignature& row) -> Status {
    if (!current || current->checkpoint.size != row.size) {
      auto note = notes.find(row.size);
      if (note == notes.end()) {
        return make_error(Errc::not_found, "a stored cosignature of " + row.key_name +
                                               " is for size " + std::to_string(row.size) +
                                               ", which has no stored checkpoint");
      }
      auto checked = protocol::verify_board_checkpoint(note->second, state_.config()->board_vkey);
      if (!checked)
        return checked.error();  // checked by check_checkpoints: not reached
      current = std::move(*checked);
    }
    if (auto l = cosignatures_->load(*current, row); !l)
      return make_error(l.error().code, "stored " + l.error().message);
    return Status::success();
  });
}

}  // namespace senim::server
