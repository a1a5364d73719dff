// senim-verify's engine: runs every numbered check (docs/verifier-checks.md)
// over an election log and returns the report. Links crypto, proto and the
// read side of the protocol library only.
//
// One code path for everyone who checks a log: verify_record() streams a
// record file through a LogVerifier; a witness (senim witness) feeds the same
// LogVerifier the board's entries as they arrive, saves its state now and
// then (save_snapshot) and resumes from it after a restart (restore_snapshot)
// instead of re-checking the whole board.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/election_config.hpp"
#include "verifier/report.hpp"

namespace senim::verifier {

class Engine;  // verifier/engine.hpp

inline constexpr std::size_t kDefaultBallotsPerBatch = 4096;

struct Options {
  unsigned threads = 0;  // 0: one per core
  // Ballots whose proofs one worker checks together (docs/protocol.md §5.6).
  // Larger batches make the multi-scalar multiplication cheaper per term;
  // memory grows with it (about 5 KB per referendum ballot in flight, and up
  // to 2 batches per worker in flight). 4,096 measured best
  // (docs/performance.md).
  std::size_t ballots_per_batch = kDefaultBallotsPerBatch;
  // Called about every 2 s with (entries so far, bytes read, file size).
  std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)> progress;
};

Report verify_record(const std::string& path, const Options& options = {});

// How the log is judged. `record`: it is complete when finish() is called,
// and what needs all of it is judged once, then (senim-verify). `live`: it
// grows while it is checked (a witness, docs/protocol.md §14.3), and every
// judgment that can be made at an entry is made there, so that after
// settle() the report covers everything the entries so far can break; for
// check 15 that keeps 8 bytes per cast ciphertext (verifier/cast_alphas.hpp).
enum class Mode { record, live };

// The checks over a log fed in order, one frame at a time. `record_path` is
// a record file (docs/record.md) holding every entry fed so far, at the
// offsets given: the engine reads ballots back from it (superseded ones at
// the tally; for check 15, cast ones). Ballots are checked on `threads`
// workers in batches; until settle() the report may lag behind the entries
// fed.
class LogVerifier {
 public:
  LogVerifier(std::string record_path, Report& report, unsigned threads, Mode mode = Mode::record);
  ~LogVerifier();
  LogVerifier(const LogVerifier&) = delete;
  LogVerifier& operator=(const LogVerifier&) = delete;

  // The next entry (its exact bytes) and the offset of its frame in the record.
  void add_entry(Bytes payload, std::uint64_t offset);
  // Ballots whose proofs one worker checks together (Options::ballots_per_batch).
  void set_ballots_per_batch(std::size_t ballots);
  // A checkpoint frame (a signed note, docs/record.md) covering exactly the
  // entries fed so far (checks 1–3). False if it is not a checkpoint at all
  // (then it covers nothing).
  bool add_checkpoint(const Bytes& payload);
  // Applies every ballot still being checked: afterwards the report covers
  // every entry fed.
  void settle();
  // The log has ended: the judgments that need all of it.
  void finish();

  std::uint64_t size() const;  // entries fed
  Hash32 root() const;         // their Merkle root (docs/protocol.md §7.2)
  // The election the set-up defines (its board vkey, log origin and witness
  // policy), if there is a usable set-up.
  const protocol::ElectionConfig* config() const;
  // What the checks learnt so far (read it after settle()): what a replica
  // acts on (client/followed_replica.hpp).
  const Engine& engine() const;

  // Writes the state, settled first, to `path` (verifier/snapshot.hpp), with
  // `record_bytes`, the length of the record file that holds the entries fed.
  Status save_snapshot(const std::string& path, std::uint64_t record_bytes);
  // A verifier over `record_path` in the state a snapshot saved; returns it
  // and, through `record_bytes`, where the next frame of the record starts.
  // Errors: io_error, invalid_encoding (a damaged or foreign snapshot, or
  // one of the other mode).
  static Expected<std::unique_ptr<LogVerifier>> restore_snapshot(const std::string& path,
                                                                 std::string record_path,
                                                                 Report& report, unsigned threads,
                                                                 std::uint64_t& record_bytes,
                                                                 Mode mode = Mode::record);

  class Impl;

 private:
  explicit LogVerifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace senim::verifier
