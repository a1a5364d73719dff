// The tamper catalogue's starting point (docs/verifier-checks.md): one small
// honest election, and the tools of a malicious board that holds every key
// in it. It can re-sign any statement as its author, make new ballots and
// challenges, recompute the tally, the partial decryptions and the result
// over whatever the log now holds, and sign a fresh checkpoint over it all.
//
// Each tamper case changes the honest record precisely, recomputes what a
// board hiding its tampering would recompute, and asserts that senim-verify
// fails exactly the one check the change breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/polynomial.hpp"
#include "crypto/scalar.hpp"
#include "proto/board.pb.h"
#include "protocol/ballot.hpp"
#include "protocol/record.hpp"
#include "protocol/tally.hpp"
#include "protocol/voting_parameters.hpp"
#include "sim/election_builder.hpp"
#include "verifier/checks.hpp"
#include "verifier/report.hpp"

namespace senim::tamper {

// Leaf indices of the honest election (the fixture checks them as it builds).
// Districts: voters 0, 2, 4 are in "region-1", voters 1, 3, 5 in "region-2".
namespace leaf {
inline constexpr std::uint64_t kSetup = 0;
inline constexpr std::uint64_t kDeal1 = 1;   // trustee t's deal is kDeal1 + t − 1
inline constexpr std::uint64_t kReady1 = 4;  // trustee t's ready is kReady1 + t − 1
inline constexpr std::uint64_t kCredentials = 7;
inline constexpr std::uint64_t kOpen = 8;
inline constexpr std::uint64_t kBallotV0 = 9;  // voter 0's first ballot
inline constexpr std::uint64_t kBallotV1 = 10;
inline constexpr std::uint64_t kChallengeV2 = 11;  // voter 2 challenges a ballot, then casts
inline constexpr std::uint64_t kBallotV2 = 12;
inline constexpr std::uint64_t kBallotV3 = 13;
inline constexpr std::uint64_t kRevoteV0 = 14;  // voter 0 votes again: leaf 9 is superseded
inline constexpr std::uint64_t kBallotV4 = 15;
inline constexpr std::uint64_t kClose = 16;
inline constexpr std::uint64_t kTally = 17;
inline constexpr std::uint64_t kPartial1 = 18;  // trustee t's partial is kPartial1 + t − 1
inline constexpr std::uint64_t kResult = 21;
inline constexpr std::uint64_t kCount = 22;
}  // namespace leaf

inline constexpr std::uint32_t kTrustees = 3;
inline constexpr std::uint32_t kThreshold = 2;
inline constexpr std::uint32_t kVoters = 6;  // voter 5 never votes
inline constexpr std::uint32_t kIdleVoter = 5;

// How the board recomputes everything after the close.
struct Retally {
  // The counted and superseded ballots (leaves). On entry: the re-vote rule
  // over the log as it stands; a board that cheats changes them.
  std::function<void(std::vector<std::uint64_t>& counted, std::vector<std::uint64_t>& superseded)>
      choose;
  // Last changes to the sums (e.g. a ballot no longer in the log).
  std::function<void(protocol::TallyAccumulator&)> adjust;
  // The tally message before it is signed (e.g. a changed aggregate).
  std::function<void(v1::EncryptedTally&)> edit_tally;
  // Who posts a partial decryption, in this order.
  std::vector<std::uint32_t> trustees{1, 2, 3};
};

// One frame of a hand-made record.
struct RecordFrame {
  protocol::FrameKind kind = protocol::FrameKind::entry;
  Bytes payload;
};

class TamperFixture {
 public:
  TamperFixture();

  sim::ElectionBuilder b;

  // --- reading and re-signing entries --------------------------------------
  v1::Statement statement(std::uint64_t leaf) const;
  // Replaces entry `leaf` by `st`, signed by whoever signed the entry before.
  void restate(std::uint64_t leaf, const v1::Statement& st);
  // restate(leaf, mutate(statement(leaf))).
  void edit(std::uint64_t leaf, const std::function<void(v1::Statement&)>& mutate);
  void insert(std::uint64_t leaf, Bytes entry) { b.insert_entry(leaf, std::move(entry)); }
  void append(Bytes entry) { b.insert_entry(b.entries().size(), std::move(entry)); }
  // Leaf of the first entry after `from` with this body.
  std::uint64_t find(v1::Statement::BodyCase body, std::uint64_t from = 0) const;

  // --- new statements, signed -------------------------------------------------
  protocol::EncryptedBallot encrypt(const protocol::PublicKey& credential, std::uint32_t sequence,
                                    const protocol::BallotChoices& choices) const;
  // A ballot entry of `voter`, or of any key signing under its own credential.
  Bytes ballot(std::uint32_t voter, std::uint32_t sequence,
               const protocol::BallotChoices& choices) const;
  Bytes ballot(const protocol::CredentialKey& key, std::uint32_t sequence,
               const protocol::BallotChoices& choices) const;
  // A challenge entry of `voter` (or of any key) opening a fresh ballot.
  Bytes challenge(std::uint32_t voter, std::uint32_t sequence,
                  const protocol::BallotChoices& choices) const;
  Bytes challenge(const protocol::CredentialKey& key, std::uint32_t sequence,
                  const protocol::BallotChoices& choices) const;

  // --- what follows from the log -----------------------------------------------
  // Removes the tally, partial decryptions and result, and posts new ones at
  // the end of the log, computed as `how` says.
  void retally(const Retally& how = {});
  // How the trustees deal in rebuild_under(): a dealer may spoil its deal.
  struct Redeal {
    // Trustee t's polynomial; unset, a random one of degree k − 1.
    std::function<crypto::SecretPolynomial(std::uint32_t t)> polynomial;
    // Changes trustee t's deal before it is signed and posted.
    std::function<void(std::uint32_t t, v1::TrusteeDeal&)> edit;
  };
  // Re-runs the election under another set-up statement (same shape): every
  // trustee deals new polynomials under the new ceremony context (as `redeal`
  // says), the keys follow from the qualified dealers (docs/protocol.md §6.5),
  // every trustee's x_t sums the shares of those dealers only, the open,
  // ballots and challenges are made again with the same choices, then
  // retally(). For a set-up or a deal that breaks a rule but that everyone
  // played along with.
  void rebuild_under(const v1::Statement& setup, const Redeal& redeal = {});

  const protocol::VotingParameters& parameters() const { return *keys_.params; }

  // --- the record --------------------------------------------------------------
  // Writes the builder's record (fresh head over every entry) and verifies it.
  verifier::Report verify() const;
  // The honest layout of the current entries: every entry, then a head over all.
  std::vector<RecordFrame> frames() const;
  // A checkpoint note over the first `size` entries, signed by `key` (the
  // board's by default) under the key name `origin` (the set-up's by default).
  std::string checkpoint(std::uint64_t size, const protocol::SigningKey* key = nullptr,
                         const std::string& origin = {}) const;

 private:
  struct Cast {
    std::uint64_t leaf;
    std::uint32_t voter;
    std::uint32_t sequence;
    protocol::BallotChoices choices;
    bool challenged;
  };
  // What the tally and its decryption are computed under.
  struct Keys {
    std::shared_ptr<const protocol::VotingParameters> params;
    std::vector<crypto::Element> trustee_public_keys;
    std::vector<crypto::Scalar> shares;  // trustee t's x_t at t − 1
  };

  std::vector<Cast> casts_;
  Keys keys_;
};

// --- records and reports -----------------------------------------------------

// A fresh path in the temporary directory (unique per process and call).
std::string temp_record_path(const std::string& name);
void write_frames(const std::string& path, const std::vector<RecordFrame>& frames);
RecordFrame checkpoint_frame(const std::string& note);
verifier::Report verify_file(const std::string& path);

// The ids of the failed checks, in check order; only(c) is {c's id}.
std::vector<std::string> failed(const verifier::Report& report);
std::vector<std::string> only(verifier::Check check);
// The first failure of `check` as the text report starts it: "entry 17: …"
// or "record: …"; "passed" if the check passed.
std::string first_failure(const verifier::Report& report, verifier::Check check);
// The prefix first_failure() has for a failure at this leaf: "entry 17: ".
std::string at(std::uint64_t leaf);

// Entry bytes with one byte of the signature flipped.
// `entry` with bit 0 of signature byte `at` flipped: byte 17 is in an
// Ed25519 R or a credential signature's R (most flips make R no encoding at
// all), byte 40 in its s (still canonical: the equation fails).
Bytes flip_signature_byte(const Bytes& entry, std::size_t at = 17);
// `entry` with its signature replaced by `signature`.
Bytes with_signature(const Bytes& entry, const std::string& signature);

}  // namespace senim::tamper
