// Runs a whole election in one process, playing every role (authority,
// trustees, voters, board), and produces its board entries and record.
// For tests (honest records to tamper with), benchmarks (large records) and
// the worked example. It signs everything with keys it made itself.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/key_ceremony.hpp"
#include "crypto/merkle.hpp"
#include "crypto/polynomial.hpp"
#include "proto/board.pb.h"
#include "protocol/ballot.hpp"
#include "protocol/election_state.hpp"
#include "protocol/signing.hpp"

namespace senim::sim {

struct ElectionPlan {
  v1::Manifest manifest;
  std::uint32_t trustees = 3;
  std::uint32_t threshold = 2;
  std::uint32_t voters = 10;
  // Run every entry through ElectionState as it is made (slow for large
  // records: it verifies every ballot proof).
  bool validate = true;
  // The board key the set-up names. Unset: the builder's own board key, which
  // also signs checkpoint(). Set (e.g. to a real server's key, for tests that
  // post the entries to it): the set-up names this key instead, and
  // checkpoint() is still signed by the builder's own key.
  std::optional<protocol::PublicKey> board_public_key;
  // The set-up's log origin (docs/protocol.md §8.2). Empty: the builder's
  // default, "senim.example/" followed by the election id.
  std::string log_origin;
  // The trustees' signing-key seeds, trustee t's at t − 1, so that the same
  // trustee can serve in two simulated elections. Empty: fresh keys. Box
  // keys are always fresh (docs/protocol.md §6.3.1).
  std::vector<Bytes> trustee_seeds;
};

// A referendum manifest: one contest, options "yes" and "no", choose exactly
// one (or, with allow_blank, at most one), labels in kk, ru and en.
v1::Manifest referendum_manifest(const std::string& election_id, bool allow_blank = false,
                                 std::uint32_t districts = 0);
// The demo's manifest: the referendum plus "choose 2 of 5".
v1::Manifest demo_manifest(const std::string& election_id, std::uint32_t districts = 0);

// Choices in the demo manifest: the referendum (0 yes, 1 no, 2 blank) and
// the council (0 or 1 for each of five candidates, at most two).
protocol::BallotChoices demo_choices(std::uint32_t referendum, std::vector<std::uint32_t> council);
// One ballot per voter 0 … voters − 1 in the referendum manifest: odd voters
// vote yes, even voters no (for many ballots at once: cast_many).
std::vector<std::pair<std::uint32_t, protocol::BallotChoices>> referendum_votes(
    std::uint32_t voters);

class ElectionBuilder {
 public:
  explicit ElectionBuilder(ElectionPlan plan);
  ~ElectionBuilder();
  ElectionBuilder(const ElectionBuilder&) = delete;
  ElectionBuilder& operator=(const ElectionBuilder&) = delete;

  // --- the election, step by step ----------------------------------------
  void setup();
  // The set-up statement setup() signs and posts: every trustee's box key
  // with its signature for this election and board (§6.3.1).
  v1::Statement setup_statement() const;
  // deal(), then finalize().
  void ceremony();
  // Every trustee deals (§8.3 step 1).
  void deal();
  // Every trustee opens and checks its shares and announces ready (§8.3 step 2).
  void finalize();
  // Trustee `accuser` complains against `dealer`, publishing its box secret
  // key (§6.4.2); the ceremony fails.
  void complain(std::uint32_t accuser, std::uint32_t dealer);
  void post_credentials();
  void open();
  // Encrypts and casts; returns the tracking code. Sequence numbers follow.
  Hash32 cast(std::uint32_t voter, const protocol::BallotChoices& choices);
  // For callers that encrypt themselves and keep the nonces (the worked
  // example): the sequence number the voter's next ballot must carry, and
  // casting such a ballot.
  std::uint32_t next_sequence(std::uint32_t voter) const { return sequence_.at(voter) + 1; }
  Hash32 cast_encrypted(std::uint32_t voter, const v1::Ballot& ballot);
  // Casts many ballots, encrypting on `threads` threads.
  void cast_many(const std::vector<std::pair<std::uint32_t, protocol::BallotChoices>>& ballots,
                 unsigned threads);
  Hash32 challenge(std::uint32_t voter, const protocol::BallotChoices& choices);
  void close();
  void post_tally();
  void decrypt(std::uint32_t trustee);
  void post_result();
  // setup … open.
  void prepare();
  // close … result, decrypting with the first `threshold` trustees (or those given).
  void finish(std::vector<std::uint32_t> decrypting = {});

  // --- what it made --------------------------------------------------------
  const std::vector<Bytes>& entries() const { return entries_; }
  // Replace entry i (for tamper tests); the state machine is not re-run.
  void replace_entry(std::size_t i, Bytes bytes);
  void erase_entry(std::size_t i);
  void insert_entry(std::size_t i, Bytes bytes);
  // The set-up's log origin.
  std::string log_origin() const;
  // A checkpoint note over the first `size` entries (all of them by
  // default), signed by the builder's board key (docs/protocol.md §11.2).
  std::string checkpoint(std::optional<std::uint64_t> size = std::nullopt) const;
  // The record: every entry, then one checkpoint over all of them.
  Status write_record(const std::string& path) const;

  const protocol::ElectionState& state() const { return *state_; }
  const ElectionPlan& plan() const { return plan_; }
  const protocol::SigningKey& authority_key() const { return *authority_; }
  const protocol::SigningKey& board_key() const { return *board_; }
  const protocol::SigningKey& trustee_key(std::uint32_t t) const {
    return *trustees_[t - 1].signing;
  }
  // A voter's credential, made from its seed on each call: the builder keeps
  // seeds, not keys, because a key lives in guarded memory (three mappings
  // each), and a process cannot hold 100,000 of those.
  protocol::CredentialKey voter_key(std::uint32_t v) const;
  const protocol::PublicKey& voter_public_key(std::uint32_t v) const { return voter_public_.at(v); }
  std::uint32_t district_of(std::uint32_t voter) const;
  // Signs `statement` with `key` and returns the entry bytes.
  static Bytes sign(const protocol::SigningKey& key, const v1::Statement& statement);
  static Bytes sign(const protocol::CredentialKey& key, const v1::Statement& statement);
  // Signs statement bytes again as `signer`, one of the election's
  // principals (authority, board, trustee or voter), with its key's scheme.
  // For tests that edit a signed entry; std::invalid_argument for a stranger.
  Bytes sign_as(const std::string& signer, const std::string& statement_bytes) const;
  v1::Statement statement() const;  // an empty statement for this election
  // Parses entry i.
  protocol::ParsedEntry parsed(std::size_t i) const;
  // Leaf index of the first entry with this body, if any.
  std::optional<std::size_t> find(v1::Statement::BodyCase body) const;
  // The trustee's final secret share (for tamper tests of partial decryptions).
  const crypto::Scalar& trustee_share(std::uint32_t t) const { return *trustees_[t - 1].share; }
  // The trustee's ceremony box keys (for tamper tests of complaints, which reveal the secret).
  const crypto::BoxKeyPair& trustee_box(std::uint32_t t) const { return trustees_[t - 1].box; }

 private:
  struct Trustee {
    std::unique_ptr<protocol::SigningKey> signing;
    crypto::BoxKeyPair box;
    std::unique_ptr<crypto::SecretPolynomial> polynomial;
    std::optional<crypto::Scalar> share;
  };

  void append(Bytes entry);

  ElectionPlan plan_;
  std::unique_ptr<protocol::SigningKey> authority_;
  std::unique_ptr<protocol::SigningKey> board_;
  std::vector<Trustee> trustees_;
  std::vector<Bytes> voter_seeds_;
  std::vector<protocol::PublicKey> voter_public_;
  std::vector<std::uint32_t> sequence_;
  std::vector<Bytes> entries_;
  std::multimap<Hash32, std::uint64_t> cast_alphas_;  // α of each cast ciphertext → leaf
  void index_cast(const Bytes& entry, std::uint64_t leaf);
  std::unique_ptr<protocol::ElectionState> state_;
};

// An earlier, failed ceremony of `b`'s election: the same manifest and
// trustees on another board (its own board key), where trustee `accuser`
// complained against `dealer` after every trustee dealt, publishing its box
// secret key. For tests of a revealed box key named again (docs/protocol.md
// §6.3.1): its set-up (entry 0) holds the exposed key with its signature.
std::unique_ptr<ElectionBuilder> failed_earlier_ceremony(const ElectionBuilder& b,
                                                         std::uint32_t accuser,
                                                         std::uint32_t dealer);

}  // namespace senim::sim
