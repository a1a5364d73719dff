#include "server/board.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "protocol/entry.hpp"
#include "protocol/receipt.hpp"

namespace senim::server {

LeafRecord Board::describe(Prechecked&& entry, std::uint64_t index) {
  LeafRecord leaf;
  leaf.index = index;
  leaf.leaf_hash = crypto::merkle::leaf_hash(entry.bytes);
  leaf.kind = protocol::body_id(entry.parsed.statement);
  if (entry.parsed.statement.has_ballot() || entry.parsed.statement.has_challenge()) {
    leaf.tracking_code = entry.tracking_code;
  }
  if (entry.parsed.statement.has_ballot())
    leaf.alphas = std::move(entry.alphas);
  if (entry.parsed.statement.has_credentials()) {
    for (const v1::Credential& c : entry.parsed.statement.credentials().credentials())
      leaf.credential_keys.push_back(to_hash32(c.key()));  // 32 bytes: admit checked
  }
  const std::string& signer = entry.parsed.entry.signer();  // 32 bytes: parse_entry checked
  std::copy_n(signer.begin(), std::min(signer.size(), leaf.signer.size()), leaf.signer.begin());
  leaf.bytes = std::move(entry.bytes);
  return leaf;
}

Board::Board(std::unique_ptr<Storage> storage, protocol::SigningKey key, std::string public_url)
    : state_([this](std::uint64_t leaf) { return load_leaf(leaf); },
             [this](const Hash32& alpha) { return find_cast_alpha(alpha); }),
      storage_(std::move(storage)),
      public_url_(std::move(public_url)),
      key_(std::move(key)) {}

Expected<Board::Prechecked> Board::precheck(protocol::ParsedEntry parsed,
                                            ByteView entry_bytes) const {
  // No board lock: the state's own (ElectionState::preadmit) lets this run
  // while the committer waits for the disk.
  if (auto s = state_.preadmit(parsed); !s)
    return s.error();
  // A ballot's proofs wait for its group commit, which checks them with the
  // other ballots' in one batch (§12.1, commit).
  return state_.verify(std::move(parsed), entry_bytes,
                       protocol::ElectionState::ProofCheck::deferred);
}

Expected<Bytes> Board::load_leaf(std::uint64_t leaf) const {
  if (leaf >= next_leaf_) {
    return make_error(
        Errc::invalid_argument,
        "leaf " + std::to_string(leaf) + " is not before leaf " + std::to_string(next_leaf_));
  }
  if (leaf >= stored_size_)
    return batch_.at(leaf - stored_size_).bytes;
  return storage_->leaf(leaf);
}

Expected<std::vector<std::uint64_t>> Board::find_cast_alpha(const Hash32& alpha) const {
  auto found = storage_->find_alpha(alpha, std::min(next_leaf_, stored_size_));
  if (!found)
    return found.error();
  for (const LeafRecord& leaf : batch_) {
    if (std::find(leaf.alphas.begin(), leaf.alphas.end(), alpha) != leaf.alphas.end())
      found->push_back(leaf.index);
  }
  return found;
}

Status Board::admit(const Prechecked& entry, std::uint64_t leaf) {
  next_leaf_ = leaf;
  const bool before_open =
      state_.phase() == protocol::Phase::empty || state_.phase() == protocol::Phase::ceremony;
  if (auto s = state_.admit(entry, leaf); !s)
    return s;
  // docs/protocol.md §11.6: what every voter's view holds besides its list.
  if (before_open && !entry.parsed.statement.has_credentials())
    setup_leaves_.push_back(leaf);
  if (entry.parsed.statement.has_open())
    open_leaf_ = leaf;
  if (entry.parsed.statement.has_ready())
    ++trustees_ready_;
  if (!entry.parsed.statement.has_ballot() && !entry.parsed.statement.has_challenge())
    other_leaves_.push_back(leaf);
  return Status::success();
}

std::optional<BoardSnapshot> Board::snapshot() const {
  const std::shared_lock lock(mutex_);
  // A failed board's state is ahead of its storage: never saved.
  if (!checkpoint_ || failed_)
    return std::nullopt;
  return BoardSnapshot{*checkpoint_, other_leaves_, state_.voting_state()};
}

std::optional<BoardSnapshot> Board::snapshot_base() {
  const std::lock_guard marks(snapshot_mutex_);
  const std::shared_lock lock(mutex_);
  if (!checkpoint_ || failed_)
    return std::nullopt;
  state_.keep_voting_changes();
  (void)state_.take_voting_changes();  // in the base: changes start again here
  other_leaves_taken_ = other_leaves_.size();
  return BoardSnapshot{*checkpoint_, other_leaves_, state_.voting_state()};
}

std::optional<BoardSnapshotDelta> Board::snapshot_delta() {
  const std::lock_guard marks(snapshot_mutex_);
  const std::shared_lock lock(mutex_);
  if (!checkpoint_ || failed_)
    return std::nullopt;
  BoardSnapshotDelta delta{
      *checkpoint_,
      {other_leaves_.begin() + static_cast<std::ptrdiff_t>(other_leaves_taken_),
       other_leaves_.end()},
      state_.take_voting_changes()};
  other_leaves_taken_ = other_leaves_.size();
  return delta;
}

std::optional<SnapshotChain> Board::take_resumed_chain() {
  const std::lock_guard marks(snapshot_mutex_);
  return std::exchange(resumed_chain_, std::nullopt);
}

Expected<StoredCheckpoint> Board::sign_checkpoint() const {
  const protocol::ElectionConfig* config = state_.config();
  if (config == nullptr) {
    return make_error(Errc::invalid_argument,
                      "no checkpoint before the set-up: the set-up names the log's origin");
  }
  // §11.2: the log's size and root under the set-up's origin.
  StoredCheckpoint checkpoint{log_.size(), log_.root(), {}};
  auto note =
      protocol::sign_board_checkpoint(key_, config->log_origin, checkpoint.size, checkpoint.root);
  if (!note)
    return note.error();
  checkpoint.note = std::move(*note);
  return checkpoint;
}

protocol::BoardCheckpoint Board::published(const StoredCheckpoint& checkpoint) {
  // The note was made by sign_checkpoint or checked by check_checkpoint, so
  // its text is everything before the blank line.
  const std::string& note = checkpoint.note;
  const std::size_t blank = note.rfind("\n\n");
  protocol::BoardCheckpoint out;
  out.note = note;
  out.text = note.substr(0, blank + 1);
  out.checkpoint.size = checkpoint.size;
  out.checkpoint.root = checkpoint.root;
  out.checkpoint.origin = note.substr(0, note.find('\n'));
  return out;
}

Expected<v1::Receipt> Board::receipt(const LeafRecord& leaf) const {
  // §11.3: the entry, its inclusion proof in the latest checkpoint's tree,
  // and that checkpoint as the board signed it.
  const StoredCheckpoint& checkpoint = *checkpoint_;
  auto path = log_.inclusion_proof(leaf.index, checkpoint.size);
  if (!path)
    return path.error();
  Bytes entry = leaf.bytes;
  if (entry.empty()) {
    auto stored = storage_->leaf(leaf.index);
    if (!stored)
      return stored.error();
    entry = std::move(*stored);
  }
  auto proof = protocol::make_receipt(entry, leaf.index, *path, checkpoint.note);
  if (!proof)
    return proof.error();
  v1::Receipt r;
  r.set_leaf_index(leaf.index);
  if (leaf.tracking_code)
    r.set_tracking_code(to_string(*leaf.tracking_code));
  r.set_tlog_proof(std::move(*proof));
  return r;
}

std::optional<LeafRecord> Board::find_on_board(ByteView entry_bytes) const {
  const Hash32 hash = crypto::merkle::leaf_hash(entry_bytes);
  for (const LeafRecord& leaf : batch_) {
    if (leaf.leaf_hash == hash)
      return leaf;
  }
  auto hit = storage_->find_leaf_hash(hash);
  // A storage error, or an index that is wrong, leaves the entry's own
  // refusal as the answer.
  if (!hit || !*hit || (*hit)->index >= stored_size_ || !log_has((*hit)->index, hash))
    return std::nullopt;
  (*hit)->leaf_hash = hash;
  return **hit;
}

bool Board::log_has(std::uint64_t index, const Hash32& leaf_hash) const {
  // The index was checked against the leaves at start; the log, which holds
  // every leaf hash, confirms each answer: O(log n) hashes.
  auto path = log_.inclusion_proof(index, log_.size());
  return path &&
         crypto::merkle::verify_inclusion(index, log_.size(), leaf_hash, *path, log_.root()).ok();
}

Status Board::record_checkpoint(const StoredCheckpoint& checkpoint) {
  return record_->write(RecordedHead{checkpoint.size, checkpoint.root,
                                     Bytes(checkpoint.note.begin(), checkpoint.note.end())});
}

void Board::publish(const StoredCheckpoint& checkpoint) {
  if (checkpoint_sizes_.empty() || checkpoint_sizes_.back() < checkpoint.size)
    checkpoint_sizes_.push_back(checkpoint.size);
  checkpoint_ = checkpoint;
}

void Board::make_cosignature_book() {
  if (cosignatures_ || state_.config() == nullptr)
    return;
  cosignatures_ = std::make_unique<CosignatureBook>(state_.config()->policy);
}

void Board::set_checkpoint_listener(std::function<void()> listener) {
  const std::unique_lock lock(mutex_);
  on_checkpoint_ = std::move(listener);
}

Expected<std::vector<Expected<v1::Receipt>>> Board::commit(std::vector<Prechecked> entries) {
  // Step 0: the ballots' proofs, all in one batch (§12.1, §5.6), before the
  // lock: they need no state. A ballot whose proofs fail gets the answer the
  // one-by-one check gives, and is never admitted.
  const std::vector<Status> proofs = state_.verify_pending_proofs(entries);
  const std::unique_lock lock(mutex_);
  if (failed_) {
    return make_error(Errc::io_error, "the board failed to store an earlier batch");
  }
  // Step 1: the stateful rules, in order (§12). A refused entry changes
  // nothing. The rules never admit the same entry twice, so an entry already
  // on the board (a retry whose first answer was lost) is refused by them,
  // and then answered with its leaf's receipt instead (§11.3).
  stored_size_ = log_.size();
  batch_.clear();
  std::vector<Expected<v1::Receipt>> outcomes;
  std::vector<std::size_t> admitted_at;                      // outcome slot of batch_[i]
  std::vector<std::pair<std::size_t, LeafRecord>> on_board;  // outcome slot, its leaf
  outcomes.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Prechecked& entry = entries[i];
    if (!proofs[i]) {
      outcomes.emplace_back(proofs[i].error());
      continue;
    }
    const std::uint64_t leaf = stored_size_ + batch_.size();
    if (auto s = admit(entry, leaf); !s) {
      if (auto found = find_on_board(entry.bytes)) {
        found->bytes = entry.bytes;  // the same bytes: the same leaf hash
        on_board.emplace_back(outcomes.size(), std::move(*found));
      }
      outcomes.emplace_back(s.error());
      continue;
    }
    admitted_at.push_back(outcomes.size());
    outcomes.emplace_back(v1::Receipt{});
    batch_.push_back(describe(std::move(entry), leaf));
  }
  if (!batch_.empty()) {
    // Step 2: the log and one checkpoint over the whole batch (§7, §11.2).
    for (const LeafRecord& leaf : batch_)
      log_.append_leaf_hash(leaf.leaf_hash);
    make_cosignature_book();
    auto checkpoint = sign_checkpoint();
    // Step 3: durable (with the cosignatures that came meanwhile), then
    // recorded as released, then published; or fatal.
    std::vector<StoredCosignature> cosignatures;
    if (cosignatures_)
      cosignatures = cosignatures_->take_pending();
    Status stored = checkpoint ? storage_->append(batch_, *checkpoint, cosignatures)
                               : Status(checkpoint.error());
    if (stored)
      stored = record_checkpoint(*checkpoint);
    if (!stored) {
      failed_ = true;
      batch_.clear();
      return stored.error();
    }
    publish(*checkpoint);
    last_commit_ = std::chrono::steady_clock::now().time_since_epoch().count();
    if (on_checkpoint_)
      on_checkpoint_();
  }
  // Step 4: receipts, now that every one of them is true.
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    outcomes[admitted_at[i]] = receipt(batch_[i]);
  }
  for (const auto& [slot, leaf] : on_board)
    outcomes[slot] = receipt(leaf);
  batch_.clear();
  return outcomes;
}

Expected<std::optional<v1::Receipt>> Board::existing_receipt(ByteView entry_bytes,
                                                             bool after_commit) const {
  const Hash32 hash = crypto::merkle::leaf_hash(entry_bytes);
  if (after_commit) {
    const std::shared_lock wait(mutex_);  // until a commit in progress has published
  }
  auto hit = storage_->find_leaf_hash(hash);
  if (!hit)
    return hit.error();
  // A new entry (the usual case) is answered without the lock, which
  // commit() holds while it stores a batch: intake keeps checking entries
  // during the commit's fsync.
  if (!*hit)
    return std::optional<v1::Receipt>{};
  const std::shared_lock lock(mutex_);
  // Storage may already hold a batch whose checkpoint is not yet published;
  // its answer comes from commit().
  if (!checkpoint_ || (*hit)->index >= checkpoint_->size)
    return std::optional<v1::Receipt>{};
  LeafRecord& leaf = **hit;
  leaf.leaf_hash = hash;
  if (!log_has(leaf.index, hash)) {
    return make_error(Errc::io_error, "the leaf-hash index names leaf " +
                                          std::to_string(leaf.index) +
                                          ", which is not this entry: the database is damaged");
  }
  leaf.bytes.assign(entry_bytes.begin(), entry_bytes.end());
  auto r = receipt(leaf);
  if (!r)
    return r.error();
  return std::optional<v1::Receipt>(std::move(*r));
}

}  // namespace senim::server
