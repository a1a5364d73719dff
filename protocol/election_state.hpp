// The election as a state machine over board entries (docs/protocol.md §12).
//
// The board server runs every submitted entry through it before appending;
// trustees, the authority and voters replay the board through it, so each
// of them acts only on a state it has checked itself. (The public verifier
// does not use it: it reports on every check independently, verifier/.)
//
// Admission runs cheap checks before costly ones (§12, "Admission order"):
// the size and canonical decoding (parse_entry), then the cheap rules that
// read the state (preadmit: election id, phase, the signer's role, a listed
// credential, a ballot's binding, sequence and re-vote limit), then the
// signature, then proofs (verify). A flood of replays from an unlisted
// credential thus costs a parse and a look-up, never a proof. Checking is
// split so that a server can use both cores:
//   preadmit()  read-only, under the state's own shared lock, so that it runs
//               beside other preadmits and waits only while admit() runs
//               (not while the server stores a batch);
//   verify()    signature, decoding and every proof: stateless, safe to call
//               from many threads at once, even beside admit();
//   admit()     preadmit() again, authoritatively, then the rules that need
//               the costly results (re-votes, challenged ciphertexts) and the
//               state change; one thread at a time, in log order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/dlog.hpp"
#include "crypto/element.hpp"
#include "crypto/key_ceremony.hpp"
#include "crypto/threshold_decryption.hpp"
#include "protocol/ballot.hpp"
#include "protocol/ceremony_keys.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/tally.hpp"
#include "protocol/voting_parameters.hpp"

namespace senim::protocol {

enum class Phase {
  empty,            // waiting for the set-up
  ceremony,         // trustees deal, then announce they are ready; credentials may be posted
  ceremony_failed,  // a complaint was posted: the election must be set up again
  voting,           // open: ballots and challenges
  closed,           // waiting for the encrypted tally
  decrypting,       // tally posted: trustees post partial decryptions
  finished,         // result posted
};

std::string phase_name(Phase phase);

struct Hash32Hasher {
  std::size_t operator()(const Hash32& h) const;
};

class ElectionState {
 public:
  // Loads the bytes of an earlier leaf (to subtract a superseded ballot).
  using LeafLoader = std::function<Expected<Bytes>(std::uint64_t leaf)>;
  // The cast ballots before the entry being admitted that may hold a
  // ciphertext whose α is `alpha` (§9.5): a superset (each is loaded and
  // compared), never one missed. Without one (clients, which keep no index
  // of every cast ciphertext), a challenge is not compared with cast ballots;
  // the board and the verifier do it.
  using CastAlphaFinder = std::function<Expected<std::vector<std::uint64_t>>(const Hash32& alpha)>;

  ElectionState(LeafLoader load_leaf, CastAlphaFinder find_cast_alpha);

  struct Prechecked {
    Bytes bytes;
    ParsedEntry parsed;
    Hash32 tracking_code{};               // ballots and challenges: of the (opened) ballot
    std::optional<DecodedBallot> ballot;  // ballots: decoded and proven
    std::optional<BallotChoices> opened;  // challenges: the revealed choices
    std::vector<Hash32> alphas;           // ballots and challenges: every α (§9.5)
    // A ballot verified with ProofCheck::deferred: its proofs are still to
    // be checked (verify_pending_proofs); admit() refuses it until then.
    bool proofs_pending = false;
  };

  // When verify() checks a ballot's proofs: now, one ballot at a time, or
  // later, with other ballots' in one batch (verify_pending_proofs; the
  // board's group commit, §12.1).
  enum class ProofCheck { now, deferred };

  // Read-only; thread-safe, also beside admit() (which it waits for). The
  // answer may reflect entries admitted but not yet stored: admit() decides.
  Status preadmit(const ParsedEntry& entry) const;
  // Stateless; thread-safe.
  Expected<Prechecked> verify(ParsedEntry parsed, ByteView entry_bytes,
                              ProofCheck proofs = ProofCheck::now) const;
  // The pending proofs of these entries, in one batch (§5.6): verdicts[i] is
  // what verify() with ProofCheck::now would have answered for entries[i]
  // (success for one with nothing pending). Clears proofs_pending on each
  // entry whose proofs hold. Stateless; thread-safe.
  std::vector<Status> verify_pending_proofs(std::vector<Prechecked>& entries) const;
  // parse_entry, then verify().
  Expected<Prechecked> precheck(ByteView entry_bytes) const;
  // preadmit(), the remaining rules and the state change, for the entry that
  // will get leaf index `leaf`. On error nothing changes.
  Status admit(const Prechecked& entry, std::uint64_t leaf);
  // precheck + admit.
  Status apply(ByteView entry_bytes, std::uint64_t leaf);

  // --- what a client reads ----------------------------------------------
  Phase phase() const { return phase_; }
  const ElectionConfig* config() const { return config_ ? &*config_ : nullptr; }
  std::shared_ptr<const VotingParameters> parameters() const;
  const std::vector<std::optional<crypto::DealerCommitment>>& deals() const { return deals_; }
  const std::optional<crypto::Element>& joint_key() const { return joint_key_; }
  // Q and the dealers left out of it (§6.5), once every trustee has dealt.
  const Qualification& qualification() const { return qualification_; }
  // Has trustee t (1-based) announced it is ready?
  bool trustee_ready(std::uint32_t t) const {
    return t >= 1 && t <= ready_.size() && ready_[t - 1];
  }
  const std::vector<crypto::Element>& trustee_public_keys() const { return trustee_keys_; }
  std::optional<Hash32> base_hash() const { return base_hash_; }
  std::uint64_t credential_count() const { return credentials_.size(); }
  std::uint64_t ballots_cast() const { return ballots_cast_; }
  // The highest sequence number a credential has used (0: none).
  std::optional<std::uint32_t> last_sequence(const PublicKey& credential) const;
  std::optional<std::size_t> district_of(const PublicKey& credential) const;
  // The encrypted tally of the ballots counted so far, and the superseded leaves.
  const TallyAccumulator* running_tally() const { return running_.get(); }
  const std::vector<std::uint64_t>& superseded() const { return superseded_; }
  const std::optional<DecodedTally>& tally() const { return tally_; }
  const std::vector<std::vector<crypto::PartialDecryption>>& partials() const { return partials_; }
  const std::vector<std::uint32_t>& partial_trustees() const { return partial_trustees_; }
  const std::optional<v1::Result>& result() const { return result_; }
  // Per district (shape order): credentials listed, and those that cast a
  // ballot (re-votes counted once). Kept as entries are admitted, so a
  // reader never walks the credential list (docs/api.md, "GET /v1/turnout").
  struct DistrictTurnout {
    std::uint64_t credentials = 0;
    std::uint64_t voted = 0;
  };
  const std::vector<DistrictTurnout>& turnout() const { return turnout_; }
  // Each change of phase and the leaf whose admission made it, in log order
  // (the set-up's leaf first): the election's timeline.
  struct PhaseChange {
    Phase phase = Phase::empty;
    std::uint64_t leaf = 0;
  };
  const std::vector<PhaseChange>& timeline() const { return timeline_; }

  // --- a restart snapshot (election_state_snapshot.cpp) ------------------
  // What the ballots and challenges admitted so far changed, and nothing
  // else: the board server saves it with the leaves of every other entry
  // (server/board_snapshot.hpp) and, at restart, admits those entries again
  // and restores this right after the open, so that only the ballots are
  // not checked again (docs/api.md, "Start-up and recovery").
  struct VotingState {
    struct Voter {
      PublicKey key{};
      std::uint32_t last_sequence = 0;
      std::uint64_t last_ballot = 0;  // leaf
    };
    std::vector<Voter> voters;   // every credential that cast a ballot
    v1::EncryptedTally running;  // TallyAccumulator::to_message (no superseded fields)
    std::uint64_t ballots_cast = 0;
    std::vector<std::uint64_t> superseded;
    std::vector<std::pair<Hash32, std::uint64_t>> challenged;  // α → the challenge's leaf
  };
  // Once voting has opened (nullopt before).
  std::optional<VotingState> voting_state() const;
  // Right after the open was admitted (phase voting, no ballot or challenge
  // yet): the state `saved` describes. Errors: wrong_phase; invalid_argument
  // (a voter not on the credential list or named twice, counts that do not
  // add up, a running tally that does not decode); after an error the state
  // is unusable and must be discarded.
  Status restore_voting_state(const VotingState& saved);
  // What ballots and challenges changed since the last take: a restart
  // snapshot's delta (server/board_snapshot.hpp), copied in time
  // proportional to the changes, not to the electorate.
  struct VotingChanges {
    struct Voter {
      VotingState::Voter state;
      bool first = false;  // the credential's first ballot
    };
    std::vector<Voter> voters;  // in admission order (a re-voting credential recurs)
    std::vector<std::uint64_t> superseded;
    std::vector<std::pair<Hash32, std::uint64_t>> challenged;
    v1::EncryptedTally running;  // the whole running sum (one ciphertext per option and district)
    std::uint64_t ballots_cast = 0;
  };
  // From now on, every admitted ballot and challenge is also kept as a
  // change until take_voting_changes (off by default: nothing else drains it).
  void keep_voting_changes();
  // The changes since keep_voting_changes or the last take, which restarts
  // them; nullopt unless kept and voting opened.
  std::optional<VotingChanges> take_voting_changes();

 private:
  struct CredentialState {
    std::uint32_t district = 0;
    std::uint32_t last_sequence = 0;
    std::optional<std::uint64_t> last_ballot;  // leaf
  };

  // The cheap rules of each kind (preadmit), then what admit adds.
  Status preadmit_locked(const ParsedEntry& e) const;
  Status preadmit_ballot(const ParsedEntry& e) const;
  Status preadmit_trustee_message(const ParsedEntry& e) const;
  Status admit_body(const Prechecked& e, std::uint64_t leaf);
  Status admit_setup(const Prechecked& e);
  Status admit_deal(const Prechecked& e);
  Status admit_ready(const Prechecked& e);
  Status admit_complaint(const Prechecked& e);
  Status admit_credentials(const Prechecked& e);
  Status admit_open(const Prechecked& e);
  Status admit_ballot(const Prechecked& e, std::uint64_t leaf);
  Status admit_challenge(const Prechecked& e, std::uint64_t leaf);
  Status admit_tally(const Prechecked& e);
  Status admit_partial(const Prechecked& e);
  Status admit_result(const Prechecked& e);
  // §9.5: does the cast ballot at `leaf` hold a ciphertext with this α?
  Expected<bool> cast_ballot_holds(std::uint64_t leaf, const Hash32& alpha) const;

  Status require_phase(const ParsedEntry& e, std::initializer_list<Phase> allowed) const;
  Status require_authority(const ParsedEntry& e) const;
  // The authority's messages: this phase, and signed by the authority.
  Status require_authority_in(const ParsedEntry& e, Phase phase) const;
  Expected<std::uint32_t> require_trustee(const ParsedEntry& e, std::uint32_t claimed) const;
  void compute_keys();

  // (Ordered for packing, as clang-analyzer's padding check asks.)
  std::optional<crypto::Element> joint_key_;
  std::unique_ptr<TallyAccumulator> running_;
  std::uint64_t ballots_cast_ = 0;
  std::shared_ptr<const VotingParameters> parameters_;
  std::vector<std::optional<crypto::DealerCommitment>> deals_;
  std::vector<crypto::Element> trustee_keys_;
  Qualification qualification_;
  std::vector<std::uint64_t> superseded_;
  std::vector<crypto::Ciphertext> tally_flat_;
  std::vector<std::vector<crypto::PartialDecryption>> partials_;
  std::vector<std::uint32_t> partial_trustees_;
  LeafLoader load_leaf_;
  CastAlphaFinder find_cast_alpha_;
  std::vector<bool> ready_;
  std::vector<DistrictTurnout> turnout_;
  std::vector<PhaseChange> timeline_;
  mutable std::mutex parameters_mutex_;  // precheck reads parameters_ from other threads
  std::unordered_map<Hash32, CredentialState, Hash32Hasher> credentials_;
  mutable std::shared_mutex mutex_;  // preadmit() shared, admit() exclusive
  // α of every ciphertext a challenge opened → that challenge's leaf (§9.5).
  std::unordered_map<Hash32, std::uint64_t, Hash32Hasher> challenged_alphas_;
  std::optional<DecodedTally> tally_;
  std::optional<v1::Result> result_;
  std::optional<ElectionConfig> config_;
  std::optional<VotingChanges> changes_;  // kept since the last take (keep_voting_changes)
  Phase phase_ = Phase::empty;
  std::optional<Hash32> base_hash_;
};

}  // namespace senim::protocol
