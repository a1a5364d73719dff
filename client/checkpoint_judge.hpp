// `senim check`'s judgment of every checkpoint signed by the board that it
// meets — the receipt's, the ones kept beside it by earlier checks, each
// witness's own, the board's witnessed checkpoint — against the source's
// latest (docs/protocol.md §11.3 "Checking it later", §14.6). Two that
// cannot both be true are a fork: the evidence file is written
// (protocol::build_fork_evidence, the builder the witness and senim-verify
// use too) and the voter is told, loudly, where it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/board_checkpoint.hpp"
#include "protocol/election_config.hpp"
#include "protocol/log_source.hpp"

namespace senim::client {

// Where fork evidence goes: DIR/PREFIX + "fork-M-N.evidence".
struct EvidencePlace {
  std::string dir;
  std::string prefix;
};
// `--evidence-out DIR` if given (created if missing); else beside the
// receipt, named after it (RECEIPT.fork-M-N.evidence).
EvidencePlace evidence_place(const std::string& evidence_out, const std::string& receipt);

class CheckpointJudge {
 public:
  enum class Verdict {
    consistent,  // one tree is a prefix of the other
    fork,        // they cannot both be true; evidence written
    unproven,    // the source's tiles could not show either (said loudly)
    ahead,       // larger than the source's latest, whose tiles do not reach it
    unreadable,  // the source's tiles could not be read (said): try again
  };
  CheckpointJudge(const protocol::ElectionConfig& config, protocol::LogSource& source,
                  protocol::BoardCheckpoint latest, EvidencePlace place);
  // `note` is a checkpoint of the election, already verified (§11.2); `what`
  // names it for people ("your receipt"). A fork and an unproven answer are
  // printed on stderr as THE BOARD IS NOT CONSISTENT WITH … .
  Verdict judge(const std::string& note, const std::string& what);
  // Evidence files written so far.
  const std::vector<std::string>& evidence_files() const { return written_; }

 private:
  const protocol::ElectionConfig& config_;
  protocol::LogSource& source_;
  protocol::BoardCheckpoint latest_;
  EvidencePlace place_;
  std::vector<std::string> written_;
};

// What a witness of the election's policy cosigned, read from its
// monitoring endpoint (tlog-witness "Monitor Retrieval Mechanism": GET
// <url>/<hex(SHA-256(origin))>/checkpoint; for a senim witness the URL the
// policy gives is also its monitoring prefix, §14.2).
struct WitnessView {
  std::string name;
  std::string url;
  std::optional<protocol::BoardCheckpoint> checkpoint;  // board-verified, with its cosignature
  std::string trouble;  // why there is none: unreachable, nothing cosigned yet, a bad note
};
// Every policy witness with a URL, asked once each, all at once (10 s at most).
std::vector<WitnessView> ask_witnesses(const protocol::ElectionConfig& config);

// The witnesses' views of one checkpoint merged into one note: the board's
// signature and each witness's cosignature (tlog-witness: a client "can move
// the valid signatures to its own view of the checkpoint"). One per distinct
// checkpoint, largest first.
struct MergedView {
  std::string note;
  std::uint64_t size = 0;
  std::vector<std::string> witnesses;  // whose views these are
};
std::vector<MergedView> merged_witness_views(const std::vector<WitnessView>& views);

}  // namespace senim::client
