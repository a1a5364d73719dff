// The board: the election state, the Merkle log and the latest checkpoint,
// kept in step with storage (docs/protocol.md §7, §11, §12).
//
// Concurrency. precheck() is the first half of intake and runs on many
// threads at once: the state's cheap rules under the state's own shared lock
// (held exclusively only while an entry is admitted, never across a disk
// write), then the signature and the decoding with no lock at all
// (docs/protocol.md §12.1). commit() is the committer's alone: it checks the
// proofs of the batch's ballots together, with one MSM (§5.6; bisected on
// failure, so that only a bad ballot is refused), then under the
// exclusive lock it admits the batch in order, stores it with one new
// checkpoint in one durable transaction, and only then publishes it. Reads
// take the shared lock, so they only ever see what is durably stored and
// covered by a checkpoint. The witnesses' cosignatures (cosignature_book.hpp)
// have their own lock, so the witness pushers never wait for a commit.
//
// A failed storage transaction is fatal: admit() has already changed the
// in-memory state and there is no undo, so the board refuses every later
// commit and the server exits; a restart rebuilds the state from storage,
// where the failed batch never landed (see docs/api.md, "Durability").
//
// The board never signs a checkpoint inconsistent with one it has released:
// each new checkpoint is recorded in board.head (head_record.hpp) after its
// batch is stored and before it is published, and at start the log must
// reach the recorded checkpoint with the same root (board_recovery.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "protocol/board_checkpoint.hpp"
#include "protocol/election_state.hpp"
#include "protocol/record.hpp"
#include "protocol/signing.hpp"
#include "protocol/tracking_code.hpp"
#include "server/board_snapshot.hpp"
#include "server/board_snapshot_chain.hpp"
#include "server/cosignature_book.hpp"
#include "server/head_record.hpp"
#include "server/storage.hpp"
#include "tlog/tiles.hpp"

namespace senim::server {

class Board {
 public:
  using Prechecked = protocol::ElectionState::Prechecked;

  // Rebuilds the board from `storage` (board_recovery.cpp): every leaf's hash
  // and look-up columns recomputed from its bytes and compared, every entry
  // replayed through ElectionState (prechecks on `threads` threads), the
  // storage's look-ups compared with the leaves, the log checked against
  // `record` (it must reach the recorded checkpoint, with its root), every
  // stored checkpoint checked against the rebuilt log, every stored
  // cosignature against the witness policy. Refuses (an error naming the
  // leaf, index or checkpoint, and saying what an operator can do) if
  // anything disagrees. Brings `record` up to the checkpoint it will serve.
  //
  // With `snapshot` (a restart snapshot's path, board_snapshot.hpp) that is
  // present, whole and of this log, the state is restored from it instead
  // and only the leaves after it are replayed (board_resume.cpp); a snapshot
  // that is not is set aside, and start_report() says why.
  static Expected<std::unique_ptr<Board>> open(std::unique_ptr<Storage> storage,
                                               protocol::SigningKey key, HeadRecord record,
                                               std::string public_url, unsigned threads,
                                               const std::string& snapshot = {});
  // How open() rebuilt the board (GET /metrics; a snapshot set aside is
  // also logged): the size of the snapshot restored (0: none), the leaves
  // re-verified, and why a snapshot that was present was not used ("": it
  // was, or there was none).
  struct StartReport {
    std::uint64_t snapshot_size = 0;
    std::uint64_t reverified = 0;
    std::string snapshot_set_aside;
  };
  const StartReport& start_report() const { return start_report_; }
  // The verified state at the latest checkpoint, for a restart snapshot
  // (copied under the shared lock: a commit waits for the copy, not for the
  // file). Nothing before the set-up's first checkpoint.
  std::optional<BoardSnapshot> snapshot() const;
  // The same as the base of a new snapshot chain (board_snapshot_chain.hpp):
  // from now on the state's changes are kept for snapshot_delta().
  std::optional<BoardSnapshot> snapshot_base();
  // What changed since snapshot_base() or the last snapshot_delta(), at the
  // latest checkpoint: copied under the shared lock in time proportional to
  // the changes (a commit waits for that copy only).
  std::optional<BoardSnapshotDelta> snapshot_delta();
  // After open() from a snapshot chain: where that chain stands (the
  // changes since are kept, so the next delta follows it); nullopt after a
  // full start, or once taken.
  std::optional<SnapshotChain> take_resumed_chain();

  // Writes the entries and checkpoints of an election record
  // (protocol/record.hpp) into `empty` storage (board_restore.cpp): every
  // entry checked as admit() would, every checkpoint verified under `key`
  // and against the log (with the cosignatures on it that verify for a
  // policy witness), and the log checked against `released` (the board's
  // board.head) when given. Nothing is recorded in board.head. The last
  // checkpoint of the record, or why not.
  static Expected<StoredCheckpoint> import_record(std::unique_ptr<Storage> empty,
                                                  protocol::SigningKey key,
                                                  protocol::RecordReader& record,
                                                  const RecordedHead* released, unsigned threads);
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  const protocol::PublicKey& board_key() const { return key_.public_key(); }
  const std::string& public_url() const { return public_url_; }
  Storage& storage() { return *storage_; }

  // --- intake ---------------------------------------------------------------
  // §12.1 admission order, after parse_entry: the state's cheap rules
  // (ElectionState::preadmit), then the signature and the decoding; a
  // ballot's proofs are left to commit(), batched. Thread-safe, also beside
  // commit(); commit() re-checks it all.
  Expected<Prechecked> precheck(protocol::ParsedEntry parsed, ByteView entry_bytes) const;
  // Admits `entries` in order; stores the admitted ones, one checkpoint over
  // them and the cosignatures received since the last batch durably; returns
  // one outcome per entry: a receipt, or why its proofs or admit() refused
  // it (that entry changed nothing). An error for the whole call means storage failed:
  // nothing was answered with success, and the board is dead. An entry whose
  // exact bytes are already on the board gets that leaf's receipt again,
  // against the current checkpoint (docs/api.md, "Writes").
  Expected<std::vector<Expected<v1::Receipt>>> commit(std::vector<Prechecked> entries);
  // The receipt of the leaf whose bytes are `entry_bytes`, against the
  // current checkpoint, if it is on the board and published: an answer that
  // was lost is sent again. One look-up by leaf hash; no signature or proof
  // is checked (the entry passed them when it was admitted).
  // With `after_commit`, first waits for a commit in progress: for an entry
  // that the state's cheap rules refused because its first copy was being
  // admitted (a retry racing its original), whose receipt that commit makes.
  Expected<std::optional<v1::Receipt>> existing_receipt(ByteView entry_bytes,
                                                        bool after_commit = false) const;
  // Called, under the board's lock, after each new checkpoint is published
  // (the witness pushers' wake-up: it must be quick and never block).
  void set_checkpoint_listener(std::function<void()> listener);

  // --- witnesses (docs/protocol.md §11.4) -----------------------------------
  // The election's policy, once the set-up is on the board.
  std::optional<tlog::Policy> policy() const;
  // A cosignature verified on `checkpoint`: served at once, stored with the
  // next commit (or by store_pending_cosignatures).
  void add_cosignature(const protocol::BoardCheckpoint& checkpoint,
                       const tlog::VerifiedSignature& cosignature);
  // The largest size `witness` cosigned (0 if none): where a push starts.
  std::uint64_t cosigned_size(const tlog::VerifierKey& witness) const;
  // Stores the cosignatures no commit has stored, if no commit ran for
  // `quiet` (so that it never delays one). Errors: storage's (they are kept
  // for the next attempt).
  Status store_pending_cosignatures(std::chrono::steady_clock::duration quiet);
  // --- reads (shared lock) --------------------------------------------------
  v1::BoardInfo info() const;
  std::uint64_t size() const;
  // The latest checkpoint, with the board's signature only (what the
  // witnesses are sent), or with the cosignatures held for its size (what
  // GET /checkpoint serves); and the latest that meets the quorum (§11.4).
  std::optional<protocol::BoardCheckpoint> latest_checkpoint() const;
  std::optional<std::string> cosigned_checkpoint() const;
  std::optional<std::string> witnessed_checkpoint() const;
  // docs/protocol.md §11.5: a hash tile of the latest checkpoint's tree, or a
  // partial one of a size the board signed a checkpoint for; an entry bundle
  // likewise: check_entry_bundle says whether it may be served, and its
  // entries are then read from storage as it is sent (api_tiles.cpp).
  // Errors: not_found (beyond the log, or a partial tile no checkpoint
  // implies), storage's.
  Expected<Bytes> tile(const tlog::Tile& tile) const;
  Status check_entry_bundle(const tlog::Tile& tile) const;
  Expected<v1::InclusionProof> inclusion_proof(std::uint64_t index, std::uint64_t tree_size) const;
  Expected<v1::ConsistencyProof> consistency_proof(std::uint64_t old_size,
                                                   std::uint64_t new_size) const;
  Expected<v1::BallotStatus> ballot_status(const Hash32& tracking_code) const;
  // --- readable answers (board_views.cpp; docs/api.md, "Readable answers") --
  // The full code a person's code names (a short code resolved through the
  // tracking-code index). Errors: not_found, invalid_argument if a short
  // code names two ballots (then the full code is needed), storage's.
  Expected<Hash32> resolve_tracking_code(const protocol::TrackingCodeQuery& query) const;
  // Errors: not_found before the set-up.
  Expected<v1::ElectionView> election_view() const;
  v1::Turnout turnout() const;
  // Errors: not_found before the result.
  Expected<v1::ResultView> result_view() const;
  // The choices a challenge opened, checked again by the protocol's own
  // check (docs/protocol.md §9.5). Errors: not_found, storage's.
  Expected<v1::ChallengeView> challenge_view(const Hash32& tracking_code) const;
  // Leaves [start, start + count) that exist, decoded.
  Expected<v1::ReadableEntries> readable_entries(std::uint64_t start, std::uint64_t count) const;
  v1::CredentialStatus credential_status(const protocol::PublicKey& credential) const;
  // docs/protocol.md §11.6 (board_voter_view.cpp): the set-up's entries, the
  // credential's list and the open, proven against the latest checkpoint
  // that meets the quorum (else the latest). Errors: wrong_phase (no open
  // in the latest checkpoint), not_found (an unlisted credential), storage's.
  Expected<v1::VoterView> voter_view(const protocol::PublicKey& credential) const;
  // Entries [start, start + count) that exist, at most limits::kMaxEntryPageBytes
  // of them (but at least one).
  Expected<v1::EntryList> entries(std::uint64_t start, std::uint64_t count) const;

 private:
  Board(std::unique_ptr<Storage> storage, protocol::SigningKey key, std::string public_url);

  // The look-up columns of a leaf, from its checked entry (never from storage).
  static LeafRecord describe(Prechecked&& entry, std::uint64_t index);

  // ElectionState's look-ups: the batch being admitted first, then storage;
  // never a leaf at or after the one being admitted.
  Expected<Bytes> load_leaf(std::uint64_t leaf) const;
  Expected<std::vector<std::uint64_t>> find_cast_alpha(const Hash32& alpha) const;
  // admit() and the server's own counters; `leaf` is the index it will get.
  Status admit(const Prechecked& entry, std::uint64_t leaf);
  // §11.2: a checkpoint of the log as it is now. Errors: invalid_argument
  // before the set-up (no origin).
  Expected<StoredCheckpoint> sign_checkpoint() const;
  // The checkpoint's parts for the API (its note verified when it was made).
  static protocol::BoardCheckpoint published(const StoredCheckpoint& checkpoint);
  Expected<v1::Receipt> receipt(const LeafRecord& leaf) const;
  // A leaf of the batch or of storage whose bytes are `entry_bytes`.
  std::optional<LeafRecord> find_on_board(ByteView entry_bytes) const;
  // Leaf `index` of the log has this leaf hash.
  bool log_has(std::uint64_t index, const Hash32& leaf_hash) const;
  // board.head := `checkpoint`, before anyone can see it.
  Status record_checkpoint(const StoredCheckpoint& checkpoint);
  // The checkpoint is published: reads and receipts see it from now on.
  void publish(const StoredCheckpoint& checkpoint);
  // The cosignature book, made when the set-up is admitted.
  void make_cosignature_book();
  // Is a partial tile of level L, index n, width w implied by a checkpoint
  // the board signed? (Under the shared lock.)
  Status check_tile(const tlog::Tile& tile, const std::string& path) const;
  // board_recovery.cpp
  // Prechecks `chunk` (the entries of leaves first_leaf, …; earlier leaves
  // are in storage) in parallel, admits them in order and appends them to
  // the log; batch_ := each leaf's record, computed from its entry.
  Status replay(std::uint64_t first_leaf, std::vector<Bytes> chunk, unsigned threads);
  // replay's prechecks: the signature and decoding of each entry, and each
  // worker's slice of ballots' proofs in one batch (§12.1); the error of an
  // entry that fails. Uses no state but the voting parameters.
  std::vector<std::optional<Expected<Prechecked>>> precheck_chunk(const std::vector<Bytes>& chunk,
                                                                  unsigned threads) const;
  // Replays stored leaves [begin, end) (the earlier ones already are); from
  // 0, then compares the storage's look-ups with the leaves' (a start from a
  // snapshot leaves that to --reverify: board_resume.cpp).
  Status replay_stored(std::uint64_t begin, std::uint64_t end, unsigned threads);
  // The rest of open(), after the leaves are replayed; after a snapshot of
  // `snapshot_size` (0: none), the signatures of the stored checkpoints it
  // covers are not checked again, but for the latest.
  Status check_stored(std::uint64_t leaf_count, std::uint64_t snapshot_size);
  // board_resume.cpp: the state of `snapshot`, then leaves [its size,
  // leaf_count) replayed. Errors name what does not match; the board is
  // then unusable (open() starts again with a fresh one).
  Status resume(const BoardSnapshot& snapshot, std::uint64_t leaf_count, unsigned threads);
  Status readmit_other_leaves(const BoardSnapshot& snapshot);
  // "leaf N does not replay: <errc>: <message>".
  static Error refused_leaf(std::uint64_t leaf, const Error& e);
  // The log reaches `released` with its root (`where` names the record).
  Status check_released(const RecordedHead& released, const std::string& where) const;
  // A checkpoint of this election (§11.2) with the log's root at its size.
  Expected<protocol::BoardCheckpoint> check_checkpoint(const std::string& note) const;
  Status check_checkpoints(std::uint64_t leaf_count, std::uint64_t snapshot_size);
  // board_restore.cpp: one checkpoint frame of a record, at `at`.
  Expected<StoredCheckpoint> import_checkpoint(const std::string& note, const std::string& at);
  Status load_cosignatures();

  // Leaves replayed per round: prechecked in parallel, then admitted in order.
  static constexpr std::size_t kReplayChunk = 512;

  // (Ordered for packing, as clang-analyzer's padding check asks.)
  protocol::ElectionState state_;
  std::unique_ptr<Storage> storage_;
  // Only while commit() or replay runs (under the exclusive lock).
  std::uint64_t stored_size_ = 0;  // leaves in storage
  std::uint64_t next_leaf_ = 0;    // the leaf being admitted
  crypto::merkle::MerkleLog log_;
  std::vector<LeafRecord> batch_;  // admitted, not yet stored (commit only)
  std::string public_url_;
  protocol::SigningKey key_;
  std::optional<HeadRecord> record_;  // absent only while import_record() runs
  mutable std::shared_mutex mutex_;   // guards state_, log_ and everything below
  // The latest checkpoint; it covers exactly log_ outside commit().
  std::optional<StoredCheckpoint> checkpoint_;
  std::vector<std::uint64_t> checkpoint_sizes_;  // every size signed, ascending (partial tiles)
  std::unique_ptr<CosignatureBook> cosignatures_;
  std::function<void()> on_checkpoint_;
  std::atomic<std::chrono::steady_clock::rep> last_commit_{0};
  std::uint32_t trustees_ready_ = 0;  // ElectionState keeps this private
  // §11.6: the leaves before the open that are not credential lists, and
  // the open, in log order (at most 2 + 3·255 of them), and the open's leaf.
  std::vector<std::uint64_t> setup_leaves_;
  std::optional<std::uint64_t> open_leaf_;
  // Every leaf that is not a ballot or a challenge (for the restart snapshot).
  std::vector<std::uint64_t> other_leaves_;
  std::size_t other_leaves_taken_ = 0;  // in a snapshot already (snapshot_delta)
  std::mutex snapshot_mutex_;           // other_leaves_taken_ and the state's kept changes
  std::optional<SnapshotChain> resumed_chain_;
  StartReport start_report_;
  bool failed_ = false;
};

}  // namespace senim::server
