#include "crypto/threshold_decryption.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "crypto/domain_tags.hpp"
#include "crypto/msm.hpp"
#include "crypto/polynomial.hpp"

namespace senim::crypto {
namespace {

std::string str(std::uint64_t value) {
  return std::to_string(value);
}

// The statement and context of a partial decryption, built from one encoding
// of the ciphertext (α is decoded already; only its bytes are needed).
struct Bound {
  DleqStatement statement;
  Bytes context;
};

// §6.6.1: the proof context is
//   LP("senim/v1/decryption") ‖ LP(context) ‖ u32_be(t) ‖ α ‖ β,
// and the statement (X, A, D) = (X_t, α, D_t).
Bound bind(std::uint32_t trustee, const Element& verification_key, const Element& share,
           const Ciphertext& ct, ByteView context) {
  const Bytes ct_bytes = ct.encode();  // α ‖ β
  Point::Encoding alpha_bytes{};
  std::copy(ct_bytes.begin(), ct_bytes.begin() + Point::kBytes, alpha_bytes.begin());
  Bound out{DleqStatement{verification_key, Element(ct.alpha, alpha_bytes), share}, {}};
  const ByteView tag = as_bytes(tags::kDecryption);
  out.context.reserve(4 + tag.size() + 4 + context.size() + 4 + ct_bytes.size());
  append_u32_be(out.context, static_cast<std::uint32_t>(tag.size()));
  append(out.context, tag);
  append_u32_be(out.context, static_cast<std::uint32_t>(context.size()));
  append(out.context, context);
  append_u32_be(out.context, trustee);
  append(out.context, ct_bytes);
  return out;
}

std::uint32_t read_u32_be(ByteView bytes) {
  return (static_cast<std::uint32_t>(bytes[0]) << 24) |
         (static_cast<std::uint32_t>(bytes[1]) << 16) |
         (static_cast<std::uint32_t>(bytes[2]) << 8) | static_cast<std::uint32_t>(bytes[3]);
}

// Every index in 1 … kMaxTrustees, none twice.
Status check_set(std::span<const std::uint32_t> set) {
  std::array<bool, kMaxTrustees + 1> seen{};
  for (const std::uint32_t u : set) {
    if (!valid_trustee_index(u))
      return trustee_index_error("trustee", u);
    if (seen.at(u)) {
      return make_error(Errc::invalid_argument, "trustee " + str(u) + " appears twice");
    }
    seen.at(u) = true;
  }
  return Status::success();
}

// λ_t for a set already checked by check_set and known to contain t.
Scalar lagrange_unchecked(std::uint32_t trustee, std::span<const std::uint32_t> set) {
  const Scalar t = Scalar::from_u64(trustee);
  Scalar numerator = Scalar::one();
  Scalar denominator = Scalar::one();
  for (const std::uint32_t u : set) {
    if (u == trustee)
      continue;
    const Scalar su = Scalar::from_u64(u);
    numerator *= su;        // Π u
    denominator *= su - t;  // Π (u − t), never 0: the indices are distinct
  }
  return numerator * *denominator.invert();
}

}  // namespace

// ---------------------------------------------------------------------------
// §6.6

Bytes PartialDecryption::encode() const {
  Bytes out;
  out.reserve(kBytes);
  append_u32_be(out, trustee);
  append(out, share.bytes);
  append(out, proof.encode());
  return out;
}

Expected<PartialDecryption> PartialDecryption::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_length, "partial decryption must be " + str(kBytes) +
                                                " bytes, got " + str(bytes.size()));
  }
  auto share = Element::decode(bytes.subspan(4, Point::kBytes));
  if (!share)
    return share.error();
  auto proof = ChaumPedersenProof::decode(bytes.subspan(4 + Point::kBytes));
  if (!proof)
    return proof.error();
  return PartialDecryption{read_u32_be(bytes.first(4)), *share, *proof};
}

PartialDecryption make_partial_decryption(std::uint32_t trustee, const Scalar& secret_share,
                                          const Element& verification_key, const Ciphertext& ct,
                                          ByteView context) {
  if (!valid_trustee_index(trustee)) {
    throw std::invalid_argument("make_partial_decryption: trustee " + str(trustee) +
                                " is outside 1.." + str(kMaxTrustees));
  }
  const Element share(ct.alpha * secret_share);  // D_t = x_t·α, constant-time
  const Bound bound = bind(trustee, verification_key, share, ct, context);
  return PartialDecryption{trustee, share,
                           prove_chaum_pedersen(secret_share, bound.statement, bound.context)};
}

Status verify_partial_decryption(const PartialDecryption& partial, const Element& verification_key,
                                 const Ciphertext& ct, ByteView context) {
  if (!valid_trustee_index(partial.trustee))
    return trustee_index_error("trustee", partial.trustee);
  const Bound bound = bind(partial.trustee, verification_key, partial.share, ct, context);
  const Status st = verify_chaum_pedersen(partial.proof, bound.statement, bound.context);
  if (!st) {
    return make_error(st.error().code, "partial decryption by trustee " + str(partial.trustee) +
                                           ": " + st.error().message);
  }
  return Status::success();
}

Status batch_partial_decryption(BatchVerifier& batch, const PartialDecryption& partial,
                                const Element& verification_key, const Ciphertext& ct,
                                ByteView context) {
  if (!valid_trustee_index(partial.trustee))
    return trustee_index_error("trustee", partial.trustee);
  const Bound bound = bind(partial.trustee, verification_key, partial.share, ct, context);
  batch_chaum_pedersen(batch, partial.proof, bound.statement, bound.context);
  return Status::success();
}

// ---------------------------------------------------------------------------
// §6.7

Expected<Scalar> lagrange_coefficient(std::uint32_t trustee, std::span<const std::uint32_t> set) {
  if (!valid_trustee_index(trustee))
    return trustee_index_error("trustee", trustee);
  if (auto st = check_set(set); !st)
    return st.error();
  if (std::find(set.begin(), set.end(), trustee) == set.end()) {
    return make_error(Errc::invalid_argument,
                      "trustee " + str(trustee) + " is not in the set of " + str(set.size()));
  }
  return lagrange_unchecked(trustee, set);
}

Expected<Point> combine_partial_decryptions(std::span<const PartialDecryption> partials,
                                            std::uint32_t threshold, const Ciphertext& ct) {
  // Step 1: counts and indices, before any arithmetic.
  if (threshold == 0 || threshold > kMaxTrustees) {
    return make_error(Errc::invalid_argument,
                      "threshold " + str(threshold) + " is outside 1.." + str(kMaxTrustees));
  }
  if (partials.size() < threshold) {
    return make_error(Errc::invalid_argument, "need at least k = " + str(threshold) +
                                                  " partial decryptions, got " +
                                                  str(partials.size()));
  }
  std::vector<std::uint32_t> set;
  set.reserve(partials.size());
  for (const PartialDecryption& p : partials)
    set.push_back(p.trustee);
  if (auto st = check_set(set); !st)
    return st.error();
  // Step 2: m·G = β − Σ λ_t·D_t, as one MSM with the coefficients −λ_t and 1.
  std::vector<Scalar> scalars;
  std::vector<Point> points;
  scalars.reserve(partials.size() + 1);
  points.reserve(partials.size() + 1);
  for (const PartialDecryption& p : partials) {
    scalars.push_back(-lagrange_unchecked(p.trustee, set));
    points.push_back(p.share.point);
  }
  scalars.push_back(Scalar::one());
  points.push_back(ct.beta);
  return msm_vartime(scalars, points);
}

}  // namespace senim::crypto
