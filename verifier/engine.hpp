// The verifier's state while it streams a record (docs/verifier-checks.md).
//
// Every check is independent: a failure is recorded and the verifier goes
// on, so that one bad message is reported by the check it breaks and not by
// every check after it. Memory grows with the number of credentials (one
// small record each), of superseded ballots and of challenged ciphertexts,
// never with ballot data.
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
#include "protocol/ceremony_keys.hpp"
#include "protocol/election_config.hpp"
#include "protocol/election_state.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "protocol/tally.hpp"
#include "protocol/voting_parameters.hpp"
#include "verifier/ballot_batch.hpp"
#include "verifier/cast_alphas.hpp"
#include "verifier/credential_table.hpp"
#include "verifier/report.hpp"
#include "verifier/snapshot.hpp"

namespace senim::verifier {

// Where the election is, judged from the messages seen so far. After a
// complaint the ceremony has failed and no message is allowed (§12).
enum class Stage { before_setup, ceremony, ceremony_failed, voting, closed, tallied, finished };

// What a set-up that check 5 refused still says unambiguously,
// so that later messages are judged by the checks they break
// (engine_ceremony.cpp; used again when a snapshot is restored).
std::optional<protocol::ElectionConfig> usable_setup(const protocol::ParsedEntry& e);

// α of challenged ciphertexts → the leaf of the challenge that opened them.
using OpenedAlphas = std::unordered_map<Hash32, std::uint64_t, protocol::Hash32Hasher>;

class Engine {
 public:
  // `live`: the log grows while it is checked (a witness): every judgment
  // that can be made at an entry is made there, keeping what that needs
  // (the α of every cast ciphertext, cast_alphas.hpp). Otherwise (a record,
  // senim-verify) what needs the whole log is judged once, at finish().
  Engine(std::string path, Report& report, bool live = false);

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

  // What the checks learnt, for a replica that acts on them (the authority's
  // tally, a trustee's decryption: client/followed_replica.hpp). Meaningful
  // only while the report has no failure.
  Stage stage() const { return stage_; }
  // Once voting closed: the encrypted tally of the counted ballots — every
  // ballot of the voting period minus those the re-vote rule superseded —
  // with the superseded ballots' count and hash (docs/protocol.md §10.1), as
  // check 13 and 14 expect it. Nullopt before the close or without a usable open.
  std::optional<v1::EncryptedTally> counted_tally() const;
  // The posted tally that checks 13 and 14 judged, once there is one.
  const protocol::DecodedTally* tally() const { return tally_ ? &*tally_ : nullptr; }
  // The partial decryptions that check 16 accepted, and whose they are.
  const std::vector<std::vector<crypto::PartialDecryption>>& partials() const { return partials_; }
  const std::vector<std::uint32_t>& partial_trustees() const { return partial_trustees_; }
  // The credentials listed in each district (the turnout's denominators);
  // empty before the open.
  std::vector<std::uint64_t> credentials_per_district() const;
  // Each trustee's public key share X_t (§6.5), once the ceremony derived them.
  const std::vector<crypto::Element>& trustee_keys() const { return trustee_keys_; }
  // The key ceremony as checked (§6.5): each trustee's first deal, who
  // announced ready, and, once every trustee dealt, the qualified dealers Q
  // (empty before), K and the base hash.
  const std::vector<std::optional<v1::TrusteeDeal>>& deals() const { return deals_raw_; }
  const std::vector<bool>& ready() const { return ready_; }
  protocol::Qualification qualification() const;
  const std::optional<crypto::Element>& joint_key() const { return joint_key_; }
  const std::optional<Hash32>& base_hash() const { return base_hash_; }

  // engine_snapshot.cpp: the engine's state, to resume from
  // (verifier/snapshot.hpp). save() is called between entries, with every
  // ballot applied; restore() on a fresh engine over the same record, the
  // credentials after the rest.
  void save(v1::EngineState& out) const;
  Status restore(const v1::EngineState& in);
  std::size_t credential_count() const { return credentials_.size(); }
  void save_credentials(const std::function<void(ByteView record)>& sink) const;
  Status restore_credential(ByteView record);
  // After the last restore_credential().
  Status finish_restoring_credentials();
  // Live engines only: the cast α fingerprints (8 bytes each, big-endian).
  std::uint64_t cast_alpha_count() const { return cast_alphas_ ? cast_alphas_->size() : 0; }
  void save_cast_alphas(const std::function<void(ByteView record)>& sink) const;
  Status restore_cast_alpha(ByteView record);

 private:
  // engine_ceremony.cpp
  void on_setup(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_deal(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_ready(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_complaint(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_credentials(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_open(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void seal_credentials();
  void compute_keys(std::uint64_t leaf);
  // engine_tally.cpp
  void on_close(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_tally(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_partial(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void on_result(std::uint64_t leaf, const protocol::ParsedEntry& e);
  void check_revote_rule(std::uint64_t leaf, const v1::EncryptedTally& tally);
  // engine_voting.cpp: check 15's rule that no cast ballot holds a ciphertext
  // a challenge opened (§9.5). At finish() for a record: one second pass.
  // Live: at each cast ballot, and at each challenge (cast_alphas_ names the
  // candidates, the record confirms them).
  void check_cast_not_opened(std::uint64_t leaf, const v1::Ballot& ballot);
  void check_opened_not_cast(std::uint64_t leaf, const std::vector<Hash32>& opened);
  // Reports every cast ballot before `end_leaf` that holds an α of `opened`.
  void report_cast_ballots_holding(const OpenedAlphas& opened, std::uint64_t end_leaf);
  void check_aggregate(std::uint64_t leaf);
  struct LoadedBallot {
    std::uint32_t district;
    std::vector<crypto::Ciphertext> tally_vector;
  };
  // The ballot at `leaf` if apply_ballot() added it to the sums.
  std::optional<LoadedBallot> counted_ballot(std::uint64_t leaf, const Bytes& payload) const;
  // Σ of the ballots we superseded, read back from the record by offset.
  protocol::TallyAccumulator sum_superseded() const;
  protocol::TallyAccumulator counted_sums() const;
  std::vector<std::uint64_t> superseded_leaves() const;  // in the order superseded

  // Check 6 helpers: record a failure and say whether the message may be used.
  bool expect_stage(std::uint64_t leaf, const protocol::ParsedEntry& e,
                    std::initializer_list<Stage> allowed);
  bool expect_authority(std::uint64_t leaf, const protocol::ParsedEntry& e);
  std::optional<std::uint32_t> expect_trustee(std::uint64_t leaf, const protocol::ParsedEntry& e,
                                              std::uint32_t claimed);

  // (Ordered for packing, as clang-analyzer's padding check asks.)
  std::optional<crypto::Element> joint_key_;
  Report& report_;
  std::unique_ptr<protocol::TallyAccumulator> all_ballots_;  // every counted-eligible ballot
  std::uint64_t open_leaf_ = 0;
  std::uint64_t close_leaf_ = UINT64_MAX;  // the voting period is (open_leaf_, close_leaf_)
  std::shared_ptr<const protocol::VotingParameters> params_;
  std::vector<std::optional<v1::TrusteeDeal>> deals_raw_;
  // Each trustee's first deal judged by CheckDeal: its commitment (the dealer
  // is in Q) or why it is left out (docs/protocol.md §6.5).
  std::vector<std::optional<Expected<crypto::DealerCommitment>>> deals_;
  std::vector<crypto::Element> trustee_keys_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> superseded_;  // (leaf, offset), ours
  std::vector<crypto::Ciphertext> tally_flat_;
  std::vector<std::vector<crypto::PartialDecryption>> partials_;
  std::vector<std::uint32_t> partial_trustees_;
  std::string path_;
  std::string election_id_;
  std::vector<bool> ready_;
  bool credentials_sealed() const;  // once voting opened (seal_credentials())
  CredentialTable credentials_;     // sealed (sorted) when voting opens
  // α of every ciphertext a valid challenge opened → its leaf (§9.5).
  OpenedAlphas challenged_alphas_;
  std::unique_ptr<CastAlphaIndex> cast_alphas_;  // live engines only
  std::optional<protocol::DecodedTally> tally_;
  std::optional<protocol::ElectionConfig> config_;
  Stage stage_ = Stage::before_setup;
  bool ceremony_complete_ = false;
  bool result_seen_ = false;
  std::optional<Hash32> base_hash_;
};

}  // namespace senim::verifier
