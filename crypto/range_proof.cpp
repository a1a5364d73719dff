#include "crypto/range_proof.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "crypto/ct.hpp"
#include "crypto/domain_tags.hpp"
#include "crypto/msm.hpp"
#include "crypto/transcript.hpp"

namespace senim::crypto {
namespace {

Status check_shape(const RangeStatement& st) {
  if (st.lo > st.hi) {
    return make_error(Errc::invalid_argument, "range proof: lo " + std::to_string(st.lo) +
                                                  " > hi " + std::to_string(st.hi));
  }
  if (st.hi - st.lo + 1 > kMaxRangeBranches) {
    return make_error(Errc::invalid_argument, "range proof: more than 64 branches");
  }
  return Status::success();
}

// §5.3: c = H(tag; context, K, α, β, lo, hi, A_lo, B_lo, …, A_hi, B_hi).
Scalar challenge(const RangeStatement& st, const std::vector<RangeProofBranch>& branches,
                 ByteView context) {
  Transcript t(tags::kRange);
  t.append("context", context);
  t.append_point("K", st.key.bytes);
  t.append_point("alpha", st.alpha.bytes);
  t.append_point("beta", st.beta.bytes);
  t.append_u64("lo", st.lo);
  t.append_u64("hi", st.hi);
  for (const auto& b : branches) {
    t.append_point("A", b.commitment_g.bytes);
    t.append_point("B", b.commitment_k.bytes);
  }
  return t.challenge();
}

Status check_challenges(const RangeProof& proof, const RangeStatement& st, ByteView context) {
  Scalar sum;
  for (const auto& b : proof.branches)
    sum += b.challenge;
  if (!sum.ct_equals(challenge(st, proof.branches, context))) {
    return make_error(Errc::challenge_mismatch, "range proof: sum of branch challenges != H(...)");
  }
  return Status::success();
}

Status check_branch_count(const RangeProof& proof, const RangeStatement& st) {
  const std::size_t expected = st.hi - st.lo + 1;
  if (proof.branches.size() != expected) {
    return make_error(Errc::invalid_length,
                      "range proof: " + std::to_string(proof.branches.size()) +
                          " branches for a range of " + std::to_string(expected));
  }
  return Status::success();
}

// What verify_range and batch_range check before the group equations, in
// this order: the statement's shape, the branch count, the challenges.
Status check_all_but_equations(const RangeProof& proof, const RangeStatement& st,
                               ByteView context) {
  if (auto s = check_shape(st); !s)
    return s;
  if (auto s = check_branch_count(proof, st); !s)
    return s;
  return check_challenges(proof, st, context);
}

}  // namespace

Bytes RangeProof::encode() const {
  Bytes out;
  out.reserve(branches.size() * kBranchBytes);
  for (const auto& b : branches) {
    append(out, b.commitment_g.bytes);
    append(out, b.commitment_k.bytes);
    append(out, b.challenge.encode());
    append(out, b.response.encode());
  }
  return out;
}

Expected<RangeProof> RangeProof::decode(ByteView bytes, std::uint32_t branch_count) {
  if (branch_count == 0 || branch_count > kMaxRangeBranches ||
      bytes.size() != branch_count * kBranchBytes) {
    return make_error(Errc::invalid_length, "range proof must be " + std::to_string(branch_count) +
                                                " x 128 bytes, got " +
                                                std::to_string(bytes.size()));
  }
  RangeProof proof;
  proof.branches.reserve(branch_count);
  for (std::uint32_t j = 0; j < branch_count; ++j) {
    const ByteView part = bytes.subspan(j * kBranchBytes, kBranchBytes);
    auto a = Element::decode(part.first(32));
    if (!a)
      return a.error();
    auto b = Element::decode(part.subspan(32, 32));
    if (!b)
      return b.error();
    auto c = Scalar::decode(part.subspan(64, 32));
    if (!c)
      return c.error();
    auto v = Scalar::decode(part.subspan(96, 32));
    if (!v)
      return v.error();
    proof.branches.push_back(RangeProofBranch{*a, *b, *c, *v});
  }
  return proof;
}

RangeProof prove_range(const PublicKey& key, const RangeStatement& st, std::uint32_t m,
                       const Scalar& r, ByteView context) {
  if (!check_shape(st))
    throw std::invalid_argument("prove_range: bad range");
  if (m < st.lo || m > st.hi)
    throw std::invalid_argument("prove_range: m outside [lo, hi]");
  const std::uint32_t n = st.hi - st.lo + 1;
  const Scalar m_scalar = Scalar::from_u64(m);

  // Step 1, every branch alike: w_j, c_j random; t_j = c_j·(j − m), which is
  // 0 for the real branch j = m; A_j = w_j·G; B_j = w_j·K + t_j·G.
  // (Simulated: v_j = w_j + c_j·r makes v_j·G = A_j + c_j·α and
  //  v_j·K = B_j + c_j·(β − j·G). Real: A_j = w·G, B_j = w·K as in a plain
  //  Chaum-Pedersen proof.)
  std::vector<Scalar> w(n);
  std::vector<Scalar> c(n);
  std::vector<Scalar> t(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    w[i] = Scalar::random();
    c[i] = Scalar::random();
    t[i] = c[i] * (Scalar::from_u64(st.lo + i) - m_scalar);
  }
  std::vector<Point> t_g(n);
  if (n == 2) {
    // Only the simulated branch has t_j ≠ 0, so one multiplication serves
    // both: T = (t_0 + t_1)·G, and each branch keeps T or 0 by constant-time
    // selection. This saves one of seven multiplications per 0/1 option.
    const Point sum = Point::mul_generator(t[0] + t[1]);
    for (std::uint32_t i = 0; i < 2; ++i) {
      const bool real = ct_eq_u64(st.lo + i, m) != 0;
      t_g[i] = Point::select(sum, Point::identity(), real);
    }
  } else {
    for (std::uint32_t i = 0; i < n; ++i)
      t_g[i] = Point::mul_generator(t[i]);
  }
  RangeProof proof;
  proof.branches.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    proof.branches[i].commitment_g = Element(Point::mul_generator(w[i]));
    proof.branches[i].commitment_k = Element(key.mul(w[i]) + t_g[i]);
  }

  // Step 2: c = H(…); the real branch takes c_m = c − Σ_{j≠m} c_j.
  const Scalar total = challenge(st, proof.branches, context);
  Scalar others;
  for (std::uint32_t i = 0; i < n; ++i) {
    const bool real = ct_eq_u64(st.lo + i, m) != 0;
    others += Scalar::select(c[i], Scalar::zero(), real);
  }
  const Scalar c_real = total - others;

  // Step 3: v_j = w_j + c_j·r for every branch.
  for (std::uint32_t i = 0; i < n; ++i) {
    const bool real = ct_eq_u64(st.lo + i, m) != 0;
    proof.branches[i].challenge = Scalar::select(c[i], c_real, real);
    proof.branches[i].response = w[i] + proof.branches[i].challenge * r;
  }
  return proof;
}

namespace {

// Folds the 2n equations of §5.3 verify step 3 into `batch`, with one weight
// per equation and one term per distinct point:
//   Σ_j z_j·(v_j·G − c_j·α − A_j) + z'_j·(v_j·K − c_j·β + c_j·j·G − B_j) = 0.
// The commitments enter as z·(−A_j): a 128-bit scalar, which costs the
// multi-scalar multiplication half a full one. Returns the coefficients of α
// and β, which the caller adds.
StatementCoefficients fold_equations(BatchVerifier& batch, std::size_t key_base,
                                     const RangeProof& proof, const RangeStatement& st) {
  Scalar g_coeff;
  Scalar k_coeff;
  StatementCoefficients out;
  for (std::uint32_t i = 0; i < proof.branches.size(); ++i) {
    const auto& b = proof.branches[i];
    const Scalar z = batch.new_weight();
    const Scalar z2 = batch.new_weight();
    g_coeff += z * b.response + z2 * b.challenge * Scalar::from_u64(st.lo + i);
    k_coeff += z2 * b.response;
    out.alpha -= z * b.challenge;
    out.beta -= z2 * b.challenge;
    batch.add_weighted(z, -b.commitment_g.point);
    batch.add_weighted(z2, -b.commitment_k.point);
  }
  batch.add_weighted_shared(BatchVerifier::kGenerator, g_coeff);
  batch.add_weighted_shared(key_base, k_coeff);
  return out;
}

void fold_all(BatchVerifier& batch, std::size_t key_base, const RangeProof& proof,
              const RangeStatement& st) {
  const StatementCoefficients k = fold_equations(batch, key_base, proof, st);
  batch.add_weighted(k.alpha, st.alpha.point);
  batch.add_weighted(k.beta, st.beta.point);
}

// Names the first false equation (after a failed combined check).
Status find_failed_equation(const RangeProof& proof, const RangeStatement& st) {
  for (std::uint32_t i = 0; i < proof.branches.size(); ++i) {
    const auto& b = proof.branches[i];
    const std::uint32_t j = st.lo + i;
    // v_j·G − c_j·α = A_j
    if (!(Point::double_mul_vartime(b.response, -b.challenge, st.alpha.point) ==
          b.commitment_g.point)) {
      return make_error(Errc::equation_failed,
                        "range proof branch " + std::to_string(j) + ": v·G != A + c·alpha");
    }
    // v_j·K − c_j·β + (c_j·j)·G = B_j
    const std::array<Scalar, 3> scalars{b.response, -b.challenge,
                                        b.challenge * Scalar::from_u64(j)};
    const std::array<Point, 3> points{st.key.point, st.beta.point, Point::generator()};
    if (!(msm_vartime(scalars, points) == b.commitment_k.point)) {
      return make_error(Errc::equation_failed,
                        "range proof branch " + std::to_string(j) + ": v·K != B + c·(beta - j·G)");
    }
  }
  // Unreachable unless the combined check failed with probability 2^-128.
  return make_error(Errc::equation_failed, "range proof: combined equation failed");
}

}  // namespace

Status verify_range(const RangeProof& proof, const RangeStatement& st, ByteView context) {
  if (auto s = check_all_but_equations(proof, st, context); !s)
    return s;
  // One multi-scalar multiplication instead of 2n double multiplications.
  BatchVerifier batch;
  const std::size_t key_base = batch.add_shared_base(st.key.point);
  fold_all(batch, key_base, proof, st);
  if (batch.verify())
    return Status::success();
  return find_failed_equation(proof, st);
}

Status batch_range(BatchVerifier& batch, std::size_t key_base, const RangeProof& proof,
                   const RangeStatement& st, ByteView context) {
  if (auto s = check_all_but_equations(proof, st, context); !s)
    return s;
  fold_all(batch, key_base, proof, st);
  return Status::success();
}

Expected<StatementCoefficients> batch_range_open(BatchVerifier& batch, std::size_t key_base,
                                                 const RangeProof& proof, const RangeStatement& st,
                                                 ByteView context) {
  if (auto s = check_all_but_equations(proof, st, context); !s)
    return s.error();
  return fold_equations(batch, key_base, proof, st);
}

}  // namespace senim::crypto
