#include "crypto/chaum_pedersen_proof.hpp"

#include <array>

#include "crypto/domain_tags.hpp"
#include "crypto/msm.hpp"
#include "crypto/transcript.hpp"

namespace senim::crypto {
namespace {

// §5.2: c = H(tag; context, X, A, D, R1, R2).
Scalar challenge(const DleqStatement& st, const Element& r1, const Element& r2, ByteView context) {
  Transcript t(tags::kChaumPedersen);
  t.append("context", context);
  t.append_point("X", st.public_key.bytes);
  t.append_point("A", st.base.bytes);
  t.append_point("D", st.result.bytes);
  t.append_point("R1", r1.bytes);
  t.append_point("R2", r2.bytes);
  return t.challenge();
}

}  // namespace

Bytes ChaumPedersenProof::encode() const {
  Bytes out;
  out.reserve(kBytes);
  append(out, commitment_g.bytes);
  append(out, commitment_a.bytes);
  append(out, response.encode());
  return out;
}

Expected<ChaumPedersenProof> ChaumPedersenProof::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_length,
                      "Chaum-Pedersen proof must be 96 bytes, got " + std::to_string(bytes.size()));
  }
  auto r1 = Element::decode(bytes.first(32));
  if (!r1)
    return r1.error();
  auto r2 = Element::decode(bytes.subspan(32, 32));
  if (!r2)
    return r2.error();
  auto s = Scalar::decode(bytes.subspan(64));
  if (!s)
    return s.error();
  return ChaumPedersenProof{*r1, *r2, *s};
}

ChaumPedersenProof prove_chaum_pedersen(const Scalar& secret, const DleqStatement& statement,
                                        ByteView context) {
  const Scalar k = Scalar::random();
  const Element r1(Point::mul_generator(k));   // R1 = k·G
  const Element r2(statement.base.point * k);  // R2 = k·A (constant-time)
  const Scalar c = challenge(statement, r1, r2, context);
  return ChaumPedersenProof{r1, r2, k + c * secret};  // s = k + c·x
}

Status verify_chaum_pedersen(const ChaumPedersenProof& proof, const DleqStatement& statement,
                             ByteView context) {
  const Scalar c = challenge(statement, proof.commitment_g, proof.commitment_a, context);
  // s·G − c·X = R1
  if (!(Point::double_mul_vartime(proof.response, -c, statement.public_key.point) ==
        proof.commitment_g.point)) {
    return make_error(Errc::equation_failed, "Chaum-Pedersen: s·G != R1 + c·X");
  }
  // s·A − c·D = R2
  const std::array<Scalar, 2> scalars{proof.response, -c};
  const std::array<Point, 2> points{statement.base.point, statement.result.point};
  const Point lhs = msm_vartime(scalars, points);
  if (!(lhs == proof.commitment_a.point)) {
    return make_error(Errc::equation_failed, "Chaum-Pedersen: s·A != R2 + c·D");
  }
  return Status::success();
}

void batch_chaum_pedersen(BatchVerifier& batch, const ChaumPedersenProof& proof,
                          const DleqStatement& statement, ByteView context) {
  const Scalar c = challenge(statement, proof.commitment_g, proof.commitment_a, context);
  auto eq1 = batch.equation();  // s·G − c·X − R1 = 0
  eq1.add_shared(BatchVerifier::kGenerator, proof.response);
  eq1.add(-c, statement.public_key.point);
  eq1.add(-Scalar::one(), proof.commitment_g.point);
  auto eq2 = batch.equation();  // s·A − c·D − R2 = 0
  eq2.add(proof.response, statement.base.point);
  eq2.add(-c, statement.result.point);
  eq2.add(-Scalar::one(), proof.commitment_a.point);
}

}  // namespace senim::crypto
