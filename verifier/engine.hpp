// The verifier's state while it streams a record (docs/verifier-checks.md).
//
// Every check is independent: a failure is recorded and the verifier goes
// on, so that one bad message is reported by the check it breaks and not by
// every check after it. Memory grows with the number of credentials (one
// small record each) and of superseded ballots, never with ballot data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/key_ceremony.hpp"
#include "crypto/merkle_compact_range.hpp"
#include "crypto/threshold_decryption.hpp"
#include "proto/verifier.pb.h"
#include "protocol/election_config.hpp"
#include "protocol/election_state.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "protocol/tally.hpp"
#include "protocol/voting_parameters.hpp"
#include "verifier/ballot_batch.hpp"
#include "verifier/report.hpp"
#include "verifier/snapshot.hpp"

namespace senim::verifier {

// Where the election is, judged from the messages seen so far. After a
// complaint the ceremony has failed and no message is allowed (§12).
enum class Stage { before_setup, ceremony, ceremony_failed, voting, closed, tallied, finished };

struct CredentialRecord {
  std::uint32_t district = 0;
  bool voted = false;  // has it cast a ballot (so last_sequence means something)?
  std::uint32_t last_sequence = 0;
  std::optional<std::uint64_t> last_leaf;  // its last ballot in the voting period
  std::uint64_t last_offset = 0;
  Hash32 last_code{};
};

// What a set-up or deal that check 5 or 7 refused still says unambiguously,
// so that later messages are judged by the checks they break
// (engine_ceremony.cpp; used again when a snapshot is restored).
std::optional<protocol::ElectionConfig> usable_setup(const protocol::ParsedEntry& e);
std::optional<crypto::DealerCommitment> usable_commitment(const protocol::ElectionConfig& config,
                                                          std::uint32_t dealer,
                                                          const v1::TrusteeDeal& deal);

class Engine {
 public:
  Engine(std::string path, Report& report);

  // One entry, in log order. Ballots and challenges of the voting period go
  // through the worker pool instead: see ballot_task() / apply_ballot().
  void on_entry(std::uint64_t leaf, std::uint64_t offset, const protocol::ParsedEntry& e);
  // May ballots and challenges be checked in parallel now? (After a valid open.)
  std::shared_ptr<const protocol::VotingParameters> parameters() const { return params_; }
  bool in_voting() const { return stage_ == Stage::voting; }
  // Applies a worker's outcome for the ballot or challenge at `leaf`, in log order.
  void apply_ballot(const BallotTask& task, const BallotOutcome& outcome);
  // After the last frame.
  void finish();

  const std::string& election_id() const { return election_id_; }
  const protocol::ElectionConfig* config() const { return config_ ? &*config_ : nullptr; }

  // engine_snapshot.cpp: the engine's state, to resume from
  // (verifier/snapshot.hpp). save() is called between entries, with every
  // ballot applied; restore() on a fresh engine over the same record, the
  // credentials after the rest.
  void save(v1::EngineState& out) const;
  Status restore(const v1::EngineState& in);
  std::size_t credential_count() const { return credentials_.size(); }
  void save_credentials(const std::function<void(ByteView record)>& sink) const;
  Status restore_credential(ByteView record);

 private:
  // engine_ceremony.cpp
  void on_setup(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_deal(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_ready(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_complaint(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_credentials(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_open(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void compute_keys(std::uint64_t leaf);
  // engine_tally.cpp
  void on_close(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_tally(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_partial(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_result(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void check_revote_rule(std::uint64_t leaf, const std::vector<std::uint64_t>& published);
  void check_aggregate(std::uint64_t leaf, const std::vector<std::uint64_t>& published);
  struct LoadedBallot {
    std::uint32_t district;
    std::vector<crypto::Ciphertext> tally_vector;
  };
  // The ballot at `leaf` if apply_ballot() added it to the sums.
  std::optional<LoadedBallot> counted_ballot(std::uint64_t leaf, const Bytes& payload) const;
  // Σ of those ballots among `leaves` (sorted), read back from the record.
  protocol::TallyAccumulator sum_ballots(const std::vector<std::uint64_t>& leaves) const;

  // Check 6 helpers: record a failure and say whether the message may be used.
  bool expect_stage(std::uint64_t leaf, const protocol::ParsedEntry& e,
                    std::initializer_list<Stage> allowed);
  bool expect_authority(std::uint64_t leaf, const protocol::ParsedEntry& e);
  std::optional<std::uint32_t> expect_trustee(std::uint64_t leaf, const protocol::ParsedEntry& e,
                                              std::uint32_t claimed);

  std::string path_;
  Report& report_;
  Stage stage_ = Stage::before_setup;
  std::string election_id_;
  std::optional<protocol::ElectionConfig> config_;
  std::vector<std::optional<v1::TrusteeDeal>> deals_raw_;
  std::vector<std::optional<crypto::DealerCommitment>> deals_;
  std::vector<bool> ready_;
  std::optional<crypto::Element> joint_key_;
  std::vector<crypto::Element> trustee_keys_;
  std::optional<Hash32> base_hash_;
  bool ceremony_complete_ = false;
  std::shared_ptr<const protocol::VotingParameters> params_;

  std::unordered_map<Hash32, CredentialRecord, protocol::Hash32Hasher> credentials_;
  std::unique_ptr<protocol::TallyAccumulator> all_ballots_;  // every counted-eligible ballot
  std::vector<std::pair<std::uint64_t, std::uint64_t>> superseded_;  // (leaf, offset), ours
  std::unordered_set<Hash32, protocol::Hash32Hasher> challenged_;

  std::optional<protocol::DecodedTally> tally_;
  std::vector<crypto::Ciphertext> tally_flat_;
  std::vector<std::vector<crypto::PartialDecryption>> partials_;
  std::vector<std::uint32_t> partial_trustees_;
  bool result_seen_ = false;
  std::uint64_t open_leaf_ = 0;
  std::uint64_t close_leaf_ = UINT64_MAX;  // the voting period is (open_leaf_, close_leaf_)
};

}  // namespace senim::verifier
