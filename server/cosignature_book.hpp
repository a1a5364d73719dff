// The witnesses' cosignatures the board holds (docs/protocol.md §11.4): for
// the sizes it was cosigned at, one line per policy witness; which is the
// largest checkpoint whose cosignatures meet the quorum; the largest size
// each witness cosigned (where its next add-checkpoint starts); and the
// cosignatures not yet stored, which the next commit's transaction takes.
// Thread-safe: the witness pushers add, the API reads, the committer takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/error.hpp"
#include "protocol/board_checkpoint.hpp"
#include "server/storage.hpp"
#include "tlog/note.hpp"
#include "tlog/policy.hpp"

namespace senim::server {

class CosignatureBook {
 public:
  // `policy` is the election's (protocol::election_policy).
  explicit CosignatureBook(tlog::Policy policy);

  const tlog::Policy& policy() const { return policy_; }

  // A cosignature that verified on `checkpoint` under a policy witness's key
  // (the pusher opened the witness's answer with that key). Kept, and queued
  // for storage. One already held for that size and witness is kept as it was.
  void add(const protocol::BoardCheckpoint& checkpoint, const tlog::VerifiedSignature& cosignature);
  // A stored cosignature, at start-up or in a restore: it must be a line of a
  // policy witness that verifies on `checkpoint`'s text. Not queued. Errors:
  // invalid_encoding (not a signature line), not_found (no policy witness
  // has that key), signature_invalid.
  Status load(const protocol::BoardCheckpoint& checkpoint, const StoredCosignature& stored);

  // `checkpoint`'s note with the lines held for its size, in the policy's
  // witness order.
  std::string cosigned_note(const protocol::BoardCheckpoint& checkpoint) const;
  // The largest checkpoint whose held cosignatures meet the quorum, with
  // them (under `quorum none`: the caller's latest checkpoint).
  std::optional<std::string> witnessed() const;
  // The largest size `witness` cosigned, 0 if none.
  std::uint64_t cosigned_size(const tlog::VerifierKey& witness) const;

  // The cosignatures added since the last call, to store.
  std::vector<StoredCosignature> take_pending();
  bool has_pending() const;
  // take_pending() failed to store them: keep them for the next attempt.
  void restore_pending(std::vector<StoredCosignature> pending);

 private:
  struct Held {
    protocol::BoardCheckpoint checkpoint;      // the note has the board's signature only
    std::map<std::size_t, std::string> lines;  // policy witness index → its line
  };
  std::optional<std::size_t> witness_index(const tlog::VerifierKey& key) const;
  // Under mutex_: records the line; recomputes the witnessed checkpoint.
  void hold(const protocol::BoardCheckpoint& checkpoint, std::size_t witness, std::string line);
  std::string note_with(const Held& held) const;

  // Sizes held beyond this are dropped, smallest first, when the quorum is
  // not met for a long time (one size a second per round of pushes).
  static constexpr std::size_t kMaxHeldSizes = 1024;

  tlog::Policy policy_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Held> held_;  // only sizes at or above the witnessed one
  std::optional<std::string> witnessed_;
  std::uint64_t witnessed_size_ = 0;
  std::vector<std::uint64_t> cosigned_sizes_;  // per policy witness
  std::vector<StoredCosignature> pending_;
};

}  // namespace senim::server
