// senim-verify's fork evidence (docs/protocol.md §14.6; docs/verifier-checks.md,
// "Fork evidence"): the checkpoints a record holds, and any the user gives
// (`--checkpoint FILE`: a checkpoint note, or a receipt whose checkpoint is
// taken), compared with the tree the record's own entries make. Two signed
// by the board that cannot both be true are written as evidence files by
// protocol::build_fork_evidence, the builder `senim check` and the witness
// use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/error.hpp"
#include "protocol/fork_evidence.hpp"

namespace senim::verifier {

struct GivenCheckpoint {
  std::string path;  // for messages
  std::string note;  // the checkpoint note (a receipt's, taken from it)
};
// Reads `path`: a checkpoint note, or a tlog-proof file (a receipt) whose
// checkpoint is taken. Errors: io_error; tlog::parse_proof_file's,
// tlog::parse_note's.
Expected<GivenCheckpoint> read_given_checkpoint(const std::string& path);

struct RecordEvidence {
  // The record's anchor: its largest checkpoint of the board whose root is
  // the tree of the record's first `anchor_size` entries (0: none).
  std::uint64_t anchor_size = 0;
  std::vector<protocol::ForkEvidence> forks;
  // For each given checkpoint, in order: what was found, for people.
  std::vector<std::string> given_said;
  bool given_unconfirmed = false;  // a given checkpoint the record cannot judge
};

// docs/verifier-checks.md, "Fork evidence": every checkpoint of the record
// signed by the key of its set-up (entry 0) and every given one is compared
// with the anchor (equal size: the roots; smaller: a consistency proof from
// the record's entries, protocol::compare_checkpoints); two of equal size
// with different roots are a fork even without an anchor. Errors: the
// record cannot be read, or it has no set-up to name the board key.
Expected<RecordEvidence> find_record_forks(const std::string& record_path,
                                           const std::vector<GivenCheckpoint>& given);

}  // namespace senim::verifier
