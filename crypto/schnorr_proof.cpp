#include "crypto/schnorr_proof.hpp"

#include "crypto/domain_tags.hpp"
#include "crypto/transcript.hpp"

namespace senim::crypto {
namespace {

// §5.1 step 2 / verify step 1: c = H(tag; context, X, R).
Scalar challenge(const Element& public_key, const Element& commitment, ByteView context) {
  Transcript t(tags::kSchnorr);
  t.append("context", context);
  t.append_point("X", public_key.bytes);
  t.append_point("R", commitment.bytes);
  return t.challenge();
}

}  // namespace

Bytes SchnorrProof::encode() const {
  Bytes out;
  out.reserve(kBytes);
  append(out, commitment.bytes);
  append(out, response.encode());
  return out;
}

Expected<SchnorrProof> SchnorrProof::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_length,
                      "Schnorr proof must be 64 bytes, got " + std::to_string(bytes.size()));
  }
  auto r = Element::decode(bytes.first(32));
  if (!r)
    return r.error();
  auto s = Scalar::decode(bytes.subspan(32));
  if (!s)
    return s.error();
  return SchnorrProof{*r, *s};
}

SchnorrProof prove_schnorr(const Scalar& secret, const Element& public_key, ByteView context) {
  const Scalar k = Scalar::random();
  const Element commitment(Point::mul_generator(k));            // R = k·G
  const Scalar c = challenge(public_key, commitment, context);  // c = H(…)
  return SchnorrProof{commitment, k + c * secret};              // s = k + c·x
}

Status verify_schnorr(const SchnorrProof& proof, const Element& public_key, ByteView context) {
  const Scalar c = challenge(public_key, proof.commitment, context);
  // s·G − c·X must equal R.
  const Point lhs = Point::double_mul_vartime(proof.response, -c, public_key.point);
  if (!(lhs == proof.commitment.point)) {
    return make_error(Errc::equation_failed, "Schnorr: s·G != R + c·X");
  }
  return Status::success();
}

void batch_schnorr(BatchVerifier& batch, const SchnorrProof& proof, const Element& public_key,
                   ByteView context) {
  const Scalar c = challenge(public_key, proof.commitment, context);
  auto eq = batch.equation();  // s·G − c·X − R = 0
  eq.add_shared(BatchVerifier::kGenerator, proof.response);
  eq.add(-c, public_key.point);
  eq.add(-Scalar::one(), proof.commitment.point);
}

}  // namespace senim::crypto
