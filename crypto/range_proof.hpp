// Disjunctive Chaum-Pedersen proof that an ElGamal ciphertext (α, β) under K
// encrypts some m ∈ [lo, hi] (docs/protocol.md §5.3; Cramer-Damgård-
// Schoenmakers OR-composition). With [0, 1] it proves a selection is 0 or 1;
// with [min, max] it proves a contest's selection count.
//
// Branch j claims (α, β − j·G) = (r·G, r·K). Each branch carries its
// commitments (A_j, B_j), its challenge c_j and its response v_j, so that the
// proof can be batch-verified (§5.6). The prover handles every branch with
// the same operations; only constant-time selections depend on m, so timing
// does not reveal which branch is real.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/batch_verifier.hpp"
#include "crypto/bytes.hpp"
#include "crypto/element.hpp"
#include "crypto/elgamal.hpp"
#include "crypto/error.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

// At most this many branches (hi − lo + 1): bounds proof size and work.
inline constexpr std::uint32_t kMaxRangeBranches = 64;

struct RangeStatement {
  Element key;    // K
  Element alpha;  // α
  Element beta;   // β
  std::uint32_t lo = 0;
  std::uint32_t hi = 1;
};

struct RangeProofBranch {
  Element commitment_g;  // A_j
  Element commitment_k;  // B_j
  Scalar challenge;      // c_j
  Scalar response;       // v_j
};

struct RangeProof {
  static constexpr std::size_t kBranchBytes = 128;
  std::vector<RangeProofBranch> branches;  // j = lo … hi

  Bytes encode() const;  // for j = lo…hi: A_j ‖ B_j ‖ c_j ‖ v_j
  // Needs the statement's branch count; any other length is invalid_length.
  static Expected<RangeProof> decode(ByteView bytes, std::uint32_t branch_count);
};

// Proves that `statement` encrypts `m` with nonce `r`, where `key` is K with its
// table. Throws std::invalid_argument if m is outside [lo, hi] (a caller bug).
RangeProof prove_range(const PublicKey& key, const RangeStatement& statement, std::uint32_t m,
                       const Scalar& r, ByteView context);

// Errors: invalid_argument (lo > hi or too many branches), invalid_length
// (wrong branch count), challenge_mismatch (Σ c_j != H(…)), equation_failed
// (naming the branch and equation).
Status verify_range(const RangeProof& proof, const RangeStatement& statement, ByteView context);
// Checks the challenge sum now and defers the 2·(hi−lo+1) equations to `batch`.
// `key_base` is the index of K in `batch` (BatchVerifier::add_shared_base).
Status batch_range(BatchVerifier& batch, std::size_t key_base, const RangeProof& proof,
                   const RangeStatement& statement, ByteView context);

// The coefficients the batched equations give the statement's α and β.
struct StatementCoefficients {
  Scalar alpha;
  Scalar beta;
};
// The same as batch_range, except that the terms of α and β are not added:
// their coefficients are returned, for a caller whose α and β are sums of
// points it adds to the batch anyway (a ballot's count proof, §9.2 step 3),
// so that each point is one term (§5.6).
Expected<StatementCoefficients> batch_range_open(BatchVerifier& batch, std::size_t key_base,
                                                 const RangeProof& proof,
                                                 const RangeStatement& statement, ByteView context);

}  // namespace senim::crypto
