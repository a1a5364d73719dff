// Ballots: making them (the voter's device) and checking them (server,
// trustees, verifier). docs/protocol.md §9.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "crypto/batch_verifier.hpp"
#include "crypto/element.hpp"
#include "crypto/elgamal.hpp"
#include "crypto/range_proof.hpp"
#include "crypto/scalar.hpp"
#include "crypto/secret_memory.hpp"
#include "proto/ballot.pb.h"
#include "protocol/signing.hpp"
#include "protocol/voting_parameters.hpp"

namespace senim::protocol {

// One contest's choices: 0 or 1 per option, in manifest order. A secret
// (§2.3): its memory is wiped when freed, copies and growth included.
using ChoiceRow = crypto::SecretVector<std::uint32_t>;

// What the voter chose: per contest (manifest order), 0 or 1 per option.
struct BallotChoices {
  std::vector<ChoiceRow> contests;
};

// invalid_argument naming the contest if the choices break the manifest's rules.
Status check_choices(const ElectionShape& shape, const BallotChoices& choices);

// §9.2: the context every proof of a ballot binds: base_hash ‖ credential (64 bytes).
Bytes ballot_proof_context(const Hash32& base_hash, ByteView credential);

// --- Making a ballot (voter side) ---------------------------------------

struct ContestSecrets {
  ChoiceRow choices;
  std::vector<crypto::Scalar> nonces;
  std::uint32_t blank = 0;
  crypto::Scalar blank_nonce;
};

struct EncryptedBallot {
  v1::Ballot ballot;
  std::vector<ContestSecrets> secrets;  // kept only until cast or challenge
};

// §9.2 steps 1–4. Fails only if `choices` break the manifest's rules.
Expected<EncryptedBallot> encrypt_ballot(const VotingParameters& params,
                                         const PublicKey& credential, std::uint32_t sequence,
                                         const BallotChoices& choices);
// The same with the ElGamal nonces `next_nonce` gives, in the order §9.2
// draws them (per contest: each option's r_i, then r_b); the proofs' own
// randomness stays fresh. Re-encrypts a revealed ballot for another
// credential, as an attacker could (tests of §9.5's rule).
using NonceSource = std::function<crypto::Scalar()>;
Expected<EncryptedBallot> encrypt_ballot_with(const VotingParameters& params,
                                              const PublicKey& credential, std::uint32_t sequence,
                                              const BallotChoices& choices,
                                              const NonceSource& next_nonce);

// §9.5: the Benaloh opening of a ballot the voter chose to challenge.
v1::ChallengedBallot reveal_ballot(const EncryptedBallot& ballot,
                                   const std::string& statement_bytes);

// --- Checking a ballot (read side) ---------------------------------------

struct DecodedCiphertext {
  crypto::Element alpha;
  crypto::Element beta;
  crypto::Ciphertext value() const { return {alpha.point, beta.point}; }
};

struct DecodedContest {
  std::vector<DecodedCiphertext> selections;
  std::vector<crypto::RangeProof> selection_proofs;
  std::optional<DecodedCiphertext> blank;
  std::optional<crypto::RangeProof> blank_proof;
  crypto::RangeProof count_proof;
};

struct DecodedBallot {
  std::vector<DecodedContest> contests;
};

// §9.3 step 1: counts, lengths and encodings, and no α the identity.
// invalid_length / invalid_encoding / identity_element naming the contest and option.
Expected<DecodedBallot> decode_ballot(const ElectionShape& shape, const v1::Ballot& ballot);

// §9.3 step 2: the ballot names this election's base hash and its signer,
// and a sequence number of at least 1.
Status check_ballot_binding(const VotingParameters& params, const v1::Ballot& ballot,
                            ByteView signer);

// §9.6: a credential whose last ballot carried `last` (0: none yet) may cast
// a ballot numbered `sequence` iff last < sequence ≤ max_ballots. duplicate
// (not above the last: a replay) or out_of_range (beyond the limit).
Status check_sequence(std::uint32_t last, std::uint32_t sequence, std::uint32_t max_ballots);

// §9.5: the α (first 32 bytes) of every 64-byte ciphertext of the ballot, in
// tally order (per contest, options then blank). The bytes are compared, not
// decoded: encodings are canonical (§2.1), so equal bytes are equal points.
std::vector<Hash32> ciphertext_alphas(const v1::Ballot& ballot);

// §9.3 step 3, one proof at a time; the error names the contest and proof.
Status verify_ballot_proofs(const VotingParameters& params, ByteView credential,
                            const DecodedBallot& ballot);
// The same, with the equations deferred to `batch` (K registered at key_base).
Status batch_ballot_proofs(crypto::BatchVerifier& batch, std::size_t key_base,
                           const VotingParameters& params, ByteView credential,
                           const DecodedBallot& ballot);

// The ballot's ciphertexts in tally order (§10.1): per contest, options then blank.
std::vector<crypto::Ciphertext> tally_vector(const DecodedBallot& ballot);

// What a valid challenge opens.
struct OpenedBallot {
  v1::Ballot ballot;      // the challenged ballot (decoded and proven)
  BallotChoices choices;  // the choices it reveals
};

// §9.5: checks a challenged ballot against the ballot it opens (its
// statement canonical, §11.1.1) and returns it with the choices it reveals.
// `signer` must be the ballot's credential.
Expected<OpenedBallot> check_challenge(const VotingParameters& params,
                                       const std::string& election_id,
                                       const v1::ChallengedBallot& challenge, ByteView signer);

}  // namespace senim::protocol
