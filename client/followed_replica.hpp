// A verified replica of the board kept in a directory, for the authority and
// the trustees (`senim admin follow`, `senim trustee follow`, and `--replica`
// on close, tally, result and decrypt; docs/operator-guide.md "Replicas that
// keep up"). It is the witness's engine, not a second copy of the checks:
//
//   DIR/mirror.senim  every entry checked, in log order (a record file,
//                     docs/record.md; witness::Mirror)
//   DIR/snapshot.bin  the public verifier's engine (live mode) saved
//                     (verifier/snapshot.hpp), now and then
//   DIR/replica.json  the board-signed checkpoint the mirror's entries
//                     belong to, how many of them it holds and their root
//                     (v1::ReplicaState)
//   DIR/lock          one process at a time (flock)
//
// Opening restores the engine from the snapshot and re-checks the mirror's
// entries after it (a follower starting also hashes those before it against
// the snapshot's tree): what is new since the snapshot is checked, nothing
// else. Catching up proves the
// board's latest checkpoint consistent with the replica's (RFC 9162), then
// fetches the new entries, each proven to be that tree's leaf, and checks
// them on every core.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crypto/error.hpp"
#include "crypto/merkle_compact_range.hpp"
#include "proto/witness.pb.h"
#include "protocol/board_checkpoint.hpp"
#include "protocol/log_source.hpp"
#include "verifier/engine.hpp"
#include "verifier/record_verifier.hpp"
#include "witness/mirror.hpp"

namespace senim::client {

struct ReplicaOptions {
  std::string dir;
  std::string server;  // the board (its tiles): a URL or a mirror directory
  // A snapshot after this many entries checked since the last one (and
  // whenever catch_up is asked for one).
  std::uint64_t snapshot_entries = 50'000;
  bool quiet = false;           // no progress lines on stderr
  double progress_every = 2.0;  // seconds between progress lines of a long step
  // At open, also hash the mirror's entries before the snapshot and require
  // the snapshot's tree (docs/protocol.md §11.7): O(entries), what `follow`
  // does when it starts. Without it (a command's --replica), opening reads
  // only the entries after the snapshot.
  bool hash_mirror = false;
};

class FollowedReplica {
 public:
  // Locks DIR (waiting, with a line on stderr, while another process holds
  // it), reads its files and rebuilds the engine as described above.
  // Errors: io_error (files, the lock); invalid_encoding (replica.json or
  // the snapshot damaged, the mirror shorter than replica.json says);
  // merkle_root_mismatch (the mirror's entries after the snapshot, or with
  // hash_mirror any of them, are not those checked: changed); note_unverified, signature_invalid (a
  // checkpoint in replica.json that the board key does not sign); not_authorized (an entry of the
  // mirror fails a check).
  static Expected<std::unique_ptr<FollowedReplica>> open(const ReplicaOptions& options);
  ~FollowedReplica();
  FollowedReplica(const FollowedReplica&) = delete;
  FollowedReplica& operator=(const FollowedReplica&) = delete;

  struct CatchUp {
    std::uint64_t from = 0;  // entries before
    std::uint64_t to = 0;    // entries after
    double seconds = 0;
  };
  // Up to the board's latest checkpoint. Everything checked is committed
  // (mirror synced, then replica.json) every few thousand entries, and a
  // snapshot written when `snapshot` or when one is due. Errors: the
  // board's (io_error, not_found: try again); size_conflict (the board's
  // checkpoint is older than the replica's: a log that shrank);
  // merkle_bad_proof, merkle_root_mismatch (not consistent with what the
  // replica holds: a fork; or entries that are not the tree's);
  // not_authorized (a new entry fails a check, named). After an error the
  // object is not to be used again (open the directory again).
  Expected<CatchUp> catch_up(bool snapshot);

  // Lets other processes use DIR (a follower between rounds), and takes it
  // back. reacquire() says false if another process moved the replica on
  // meanwhile: then open it again.
  void release();
  Expected<bool> reacquire();

  // Writes the engine's state to DIR/snapshot.bin (durably replaced), after
  // a commit. Errors: io_error.
  Status snapshot();
  std::uint64_t snapshot_size() const { return snapshot_size_; }  // entries it covers

  const verifier::Engine& engine() const { return verifier_->engine(); }
  const verifier::Report& report() const { return *report_; }
  const protocol::ElectionConfig* config() const { return verifier_->config(); }
  std::uint64_t size() const { return verifier_->size(); }
  // At open: the entries the snapshot covered, and those checked again after it.
  std::uint64_t opened_from_snapshot() const { return opened_from_snapshot_; }
  std::uint64_t rechecked_at_open() const { return rechecked_; }
  const std::string& dir() const { return options_.dir; }
  // The engine's stage as the board's phase (docs/protocol.md §12).
  protocol::Phase phase() const;

 private:
  explicit FollowedReplica(ReplicaOptions options);
  std::string path(const char* name) const;
  Status lock(bool wait);
  Status load_state();
  Status rebuild_engine();
  Status check_mirror_prefix(const crypto::merkle::CompactRange& prefix) const;
  Status check_restored_setup() const;
  Status check_passed(std::uint64_t first_new) const;
  Status commit(const std::string& note);
  Expected<protocol::BoardCheckpoint> latest_checkpoint();
  void progress(const char* what, std::uint64_t done, std::uint64_t total, bool last = false);

  ReplicaOptions options_;
  int lock_fd_ = -1;
  std::unique_ptr<protocol::LogSource> board_;
  std::optional<tlog::VerifierKey> board_vkey_;
  v1::ReplicaState state_;
  std::optional<protocol::BoardCheckpoint> checkpoint_;  // state_.checkpoint, verified
  std::optional<witness::Mirror> mirror_;
  std::unique_ptr<verifier::Report> report_;
  std::unique_ptr<verifier::LogVerifier> verifier_;
  std::uint64_t snapshot_size_ = 0;
  std::uint64_t opened_from_snapshot_ = 0;
  std::uint64_t rechecked_ = 0;
  std::chrono::steady_clock::time_point step_start_;
  std::chrono::steady_clock::time_point last_progress_;
  bool progress_shown_ = false;  // in the current step
};

// Opens the replica and brings it up to the board's latest checkpoint, then
// requires its report to pass: what `--replica` does before a command acts.
Expected<std::unique_ptr<FollowedReplica>> open_current_replica(const ReplicaOptions& options);

}  // namespace senim::client
