// senim's witness (docs/protocol.md §14): a tlog-witness (§13.6) for one
// board that, before it cosigns a checkpoint, reads the new entries from the
// board's tiles, checks that they are the checkpoint's tree and runs the
// public verifier's checks on them — the same engine as senim-verify, fed
// incrementally, resumed from a snapshot after a restart. It cosigns only a
// checkpoint whose every entry passes.
//
// Requests are handled one at a time (the caller serialises them), which
// makes the spec's check of the old size and the store of the new
// checkpoint one atomic step. Every answer that changes the state is given
// only after the state is durable.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "crypto/error.hpp"
#include "proto/witness.pb.h"
#include "protocol/log_source.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"
#include "tlog/witness_protocol.hpp"
#include "verifier/record_verifier.hpp"
#include "witness/mirror.hpp"

namespace senim::witness {

struct WitnessConfig {
  std::string data_dir;
  std::string log_vkey;       // the board's vkey (type 0x01; its name is the origin)
  tlog::VerifierKey witness;  // the witness's own key (type 0x04)
  tlog::Ed25519SignFn sign;   // signs with the witness's secret key
  std::unique_ptr<protocol::LogSource> board;  // its tiles (net::open_log_source)
  unsigned threads = 1;                        // the engine's workers
  // A snapshot of the engine after this many new entries, or this long
  // since the last one (whichever comes first, at a cosignature).
  std::uint64_t snapshot_entries = 100'000;
  std::chrono::seconds snapshot_interval{300};
  // A checkpoint with more new entries than this is checked in the
  // background: the request is answered 503 with Retry-After at once, and
  // the board's next push finds them checked (docs/protocol.md §14.2).
  std::uint64_t background_after = 20'000;
  // POSIX seconds, for cosignature timestamps (tests set it).
  std::function<std::uint64_t()> clock;
  // Progress and events, one line each (serve prints them).
  std::function<void(const std::string&)> log;
};

// An HTTP answer, without the HTTP.
struct Answer {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  unsigned retry_after = 0;  // seconds, for 503
};

// What open() found and did, for the operator.
struct OpenReport {
  std::uint64_t cosigned_size = 0;
  std::uint64_t snapshot_size = 0;  // entries the snapshot covered (0: none usable)
  std::uint64_t rechecked = 0;      // mirror entries checked again after it
  double seconds = 0;
  std::string snapshot_note;  // why a snapshot was not used, if it was not
};

class Witness {
 public:
  // Locks DIR (one witness per directory), reads its state, restores the
  // engine from the latest snapshot and re-checks the mirror's entries after
  // it. Errors: io_error (files, another witness on DIR), invalid_argument
  // (a key or log other than the directory's), invalid_encoding (damaged
  // files).
  static Expected<std::unique_ptr<Witness>> open(WitnessConfig config,
                                                 OpenReport* report = nullptr);
  ~Witness();

  // POST <prefix>/add-checkpoint.
  Answer add_checkpoint(std::string_view body);
  // GET <prefix>/<origin hash>/checkpoint. Thread-safe, never waits for
  // add_checkpoint.
  Answer monitoring_checkpoint(std::string_view origin_hash) const;

  const std::string& origin() const { return log_key_.name; }
  std::uint64_t cosigned_size() const;

 private:
  explicit Witness(WitnessConfig config);
  Status load();
  Status rebuild_engine(OpenReport* report);

  // The steps of add_checkpoint (witness.cpp, witness_checks.cpp).
  Answer refuse(unsigned status, const Error& why, const std::string& note);
  Answer on_inconsistent(const tlog::AddCheckpointRequest& request,
                         const tlog::AddCheckpointOutcome& outcome);
  // Fetches, proves and checks entries size() … checkpoint.size − 1.
  Status check_new_entries(const tlog::Checkpoint& checkpoint, const std::string& note);
  Status check_setup_names_board();
  Answer cosign(const tlog::AddCheckpointOutcome& outcome);
  void maybe_snapshot();
  // The background catch-up (witness_catch_up.cpp): an answer while it runs,
  // nothing once it is over (its outcome taken in).
  std::optional<Answer> while_catching_up();
  Answer start_catch_up(const tlog::Checkpoint& checkpoint, const std::string& note);
  unsigned retry_after_estimate() const;
  struct CatchUp;
  void report_catch_up(const CatchUp& job);
  // Entries checked beyond the cosigned size belong to `checkpoint`'s tree,
  // or are dropped (mirror and engine put back to the cosigned size). An
  // answer if the board cannot be read to tell.
  std::optional<Answer> keep_checked_if_extended_by(const tlog::Checkpoint& checkpoint);

  // Evidence and the refusal log (witness_evidence.cpp).
  void log_refusal(unsigned status, std::uint64_t size, const std::string& why);
  std::string keep_evidence(const std::string& name, const std::string& contents);
  void keep_fork_evidence(const std::string& ours, const std::string& theirs,
                          const tlog::AddCheckpointRequest& request);
  void keep_entry_evidence(const tlog::Checkpoint& checkpoint, const std::string& note,
                           std::uint64_t leaf, const std::string& why);  // witness_checks.cpp

  std::string path(const char* name) const;

  WitnessConfig config_;
  tlog::VerifierKey log_key_;
  int lock_fd_ = -1;
  v1::WitnessState state_;
  std::optional<tlog::Checkpoint> latest_;  // the cosigned checkpoint, parsed
  std::optional<Mirror> mirror_;
  std::unique_ptr<verifier::Report> report_;
  std::unique_ptr<verifier::LogVerifier> engine_;
  std::uint64_t snapshot_size_ = 0;
  std::chrono::steady_clock::time_point last_snapshot_;

  // The background catch-up: one at a time; while it runs only it touches
  // the engine, the mirror and the state (add_checkpoint answers 503).
  struct CatchUp {
    std::thread thread;
    std::atomic<bool> done{false};
    Status outcome;
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    std::chrono::steady_clock::time_point started;
  };
  std::unique_ptr<CatchUp> catch_up_;
  std::atomic<std::uint64_t> checked_{0};  // entries the engine holds (read while catching up)
  std::atomic<bool> stopping_{false};      // the destructor: a catch-up stops at its next chunk
  std::optional<tlog::Checkpoint>
      checked_tree_;  // the tree of the entries checked, if beyond the cosigned

  mutable std::mutex published_mutex_;  // guards published_ (read by monitoring)
  std::string published_;               // the cosigned note, as served
};

}  // namespace senim::witness
