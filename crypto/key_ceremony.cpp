#include "crypto/key_ceremony.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "crypto/domain_tags.hpp"
#include "crypto/msm.hpp"

namespace senim::crypto {
namespace {

std::string str(std::uint64_t value) {
  return std::to_string(value);
}

void append_prefixed(Bytes& out, ByteView bytes) {
  append_u32_be(out, static_cast<std::uint32_t>(bytes.size()));
  append(out, bytes);
}

// §6.2.1: the context of π_{i,j},
//   LP("senim/v1/ceremony/coefficient") ‖ LP(context) ‖ u32_be(k) ‖ u32_be(i) ‖ u32_be(j),
// so a proof cannot be moved to another ceremony, threshold, dealer or coefficient.
Bytes coefficient_context(ByteView context, std::uint32_t threshold, std::uint32_t dealer,
                          std::uint32_t j) {
  Bytes out;
  out.reserve(4 + tags::kCeremonyCoefficient.size() + 4 + context.size() + 12);
  append_prefixed(out, as_bytes(tags::kCeremonyCoefficient));
  append_prefixed(out, context);
  append_u32_be(out, threshold);
  append_u32_be(out, dealer);
  append_u32_be(out, j);
  return out;
}

std::uint32_t read_u32_be(ByteView bytes) {
  return (static_cast<std::uint32_t>(bytes[0]) << 24) |
         (static_cast<std::uint32_t>(bytes[1]) << 16) |
         (static_cast<std::uint32_t>(bytes[2]) << 8) | static_cast<std::uint32_t>(bytes[3]);
}

// §6.5 preconditions on the qualified set Q.
Status check_qualified(std::span<const DealerCommitment> qualified) {
  if (qualified.empty()) {
    return make_error(Errc::invalid_argument, "the qualified set of dealers is empty");
  }
  const std::size_t k = qualified.front().coefficients.size();
  if (k == 0 || k > kMaxTrustees) {
    return make_error(Errc::invalid_length, "dealer " + str(qualified.front().dealer) + " has " +
                                                str(k) + " commitments, expected 1.." +
                                                str(kMaxTrustees));
  }
  std::array<bool, kMaxTrustees + 1> seen{};
  for (const DealerCommitment& c : qualified) {
    if (!valid_trustee_index(c.dealer))
      return trustee_index_error("dealer", c.dealer);
    if (seen.at(c.dealer)) {
      return make_error(Errc::invalid_argument,
                        "dealer " + str(c.dealer) + " appears twice in the qualified set");
    }
    seen.at(c.dealer) = true;
    if (c.coefficients.size() != k) {
      return make_error(Errc::invalid_length, "dealer " + str(c.dealer) + " has " +
                                                  str(c.coefficients.size()) +
                                                  " commitments, dealer " +
                                                  str(qualified.front().dealer) + " has " + str(k));
    }
  }
  return Status::success();
}

// [t^0, t^1, …, t^{k−1}] as scalars.
std::vector<Scalar> powers_of(std::uint32_t t, std::size_t k) {
  std::vector<Scalar> out;
  out.reserve(k);
  const Scalar base = Scalar::from_u64(t);
  Scalar power = Scalar::one();
  for (std::size_t j = 0; j < k; ++j) {
    out.push_back(power);
    power *= base;
  }
  return out;
}

}  // namespace

Status CeremonyParameters::check() const {
  if (threshold < 1 || threshold > trustees || trustees > kMaxTrustees) {
    return make_error(Errc::invalid_argument, "need 1 <= k <= n <= " + str(kMaxTrustees) +
                                                  ", got n = " + str(trustees) +
                                                  ", k = " + str(threshold));
  }
  return Status::success();
}

// ---------------------------------------------------------------------------
// §6.2

Bytes DealerCommitment::encode() const {
  Bytes out;
  out.reserve(kHeaderBytes + kPerCoefficientBytes * coefficients.size());
  append_u32_be(out, dealer);
  for (const Element& a : coefficients)
    append(out, a.bytes);
  for (const SchnorrProof& proof : proofs)
    append(out, proof.encode());
  return out;
}

Expected<DealerCommitment> DealerCommitment::decode(ByteView bytes, std::uint32_t threshold) {
  if (threshold == 0 || threshold > kMaxTrustees) {
    return make_error(Errc::invalid_argument,
                      "threshold " + str(threshold) + " is outside 1.." + str(kMaxTrustees));
  }
  const std::size_t expected = encoded_size(threshold);
  if (bytes.size() != expected) {
    return make_error(Errc::invalid_length, "dealer commitment for k = " + str(threshold) +
                                                " must be " + str(expected) + " bytes, got " +
                                                str(bytes.size()));
  }
  DealerCommitment out;
  out.dealer = read_u32_be(bytes.first(kHeaderBytes));
  out.coefficients.reserve(threshold);
  out.proofs.reserve(threshold);
  ByteView rest = bytes.subspan(kHeaderBytes);
  for (std::uint32_t j = 0; j < threshold; ++j) {
    auto a = Element::decode(rest.first(Point::kBytes));
    if (!a)
      return a.error();
    out.coefficients.push_back(*a);
    rest = rest.subspan(Point::kBytes);
  }
  for (std::uint32_t j = 0; j < threshold; ++j) {
    auto proof = SchnorrProof::decode(rest.first(SchnorrProof::kBytes));
    if (!proof)
      return proof.error();
    out.proofs.push_back(*proof);
    rest = rest.subspan(SchnorrProof::kBytes);
  }
  return out;
}

DealerCommitment make_dealer_commitment(std::uint32_t dealer, const SecretPolynomial& polynomial,
                                        ByteView context) {
  if (!valid_trustee_index(dealer)) {
    throw std::invalid_argument("make_dealer_commitment: dealer " + str(dealer) +
                                " is outside 1.." + str(kMaxTrustees));
  }
  const auto k = static_cast<std::uint32_t>(polynomial.threshold());
  DealerCommitment out;
  out.dealer = dealer;
  out.coefficients = polynomial.commitments();  // A_{i,j} = a_{i,j}·G
  out.proofs.reserve(k);
  for (std::uint32_t j = 0; j < k; ++j) {
    out.proofs.push_back(prove_schnorr(polynomial.coefficient(j), out.coefficients[j],
                                       coefficient_context(context, k, dealer, j)));
  }
  return out;
}

Status verify_dealer_commitment(const DealerCommitment& commitment,
                                const CeremonyParameters& parameters, ByteView context) {
  // Step 1: parameters and the dealer's index.
  if (auto st = parameters.check(); !st)
    return st;
  const std::uint32_t i = commitment.dealer;
  if (i < 1 || i > parameters.trustees) {
    return make_error(Errc::out_of_range,
                      "dealer " + str(i) + " is outside 1.." + str(parameters.trustees));
  }
  // Step 2: exactly k commitments and k proofs.
  const std::uint32_t k = parameters.threshold;
  if (commitment.coefficients.size() != k || commitment.proofs.size() != k) {
    return make_error(Errc::invalid_length,
                      "dealer " + str(i) + " posted " + str(commitment.coefficients.size()) +
                          " commitments and " + str(commitment.proofs.size()) +
                          " proofs, expected k = " + str(k) + " of each");
  }
  // Step 3: A_{i,0} is not the identity (it would add nothing secret to K).
  if (commitment.coefficients[0].point.is_identity()) {
    return make_error(Errc::invalid_encoding,
                      "dealer " + str(i) + ": A_{i,0} is the identity element");
  }
  // Step 4: every proof of knowledge, each under its own context.
  for (std::uint32_t j = 0; j < k; ++j) {
    const Status st = verify_schnorr(commitment.proofs[j], commitment.coefficients[j],
                                     coefficient_context(context, k, i, j));
    if (!st) {
      return make_error(st.error().code,
                        "dealer " + str(i) + ", coefficient " + str(j) + ": " + st.error().message);
    }
  }
  return Status::success();
}

// ---------------------------------------------------------------------------
// §6.3

BoxSecretKey::~BoxSecretKey() {
  wipe(key_);
}

Expected<BoxSecretKey> BoxSecretKey::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_length,
                      "box secret key must be 32 bytes, got " + str(bytes.size()));
  }
  BoxSecretKey out;
  std::copy(bytes.begin(), bytes.end(), out.key_.begin());
  return out;
}

BoxPublicKey BoxSecretKey::public_key() const {
  BoxPublicKey out{};
  // X25519 with the base point clamps the key; it cannot produce the all-zero output.
  if (crypto_scalarmult_base(out.data(), key_.data()) != 0) {
    throw std::logic_error("crypto_scalarmult_base failed");
  }
  return out;
}

BoxKeyPair BoxKeyPair::generate() {
  BoxKeyPair out;
  if (crypto_box_keypair(out.public_key.data(), out.secret_key.key_.data()) != 0) {
    throw std::runtime_error("crypto_box_keypair failed");
  }
  return out;
}

namespace {

// u ≥ p = 2^255 − 19 as a 32-byte little-endian integer (bit 255 included).
bool at_least_field_prime(const BoxPublicKey& u) {
  if (u[31] > 0x7f)
    return true;
  if (u[31] < 0x7f)
    return false;
  for (std::size_t i = 30; i >= 1; --i) {
    if (u[i] != 0xff)
      return false;
  }
  return u[0] >= 0xed;
}

// The canonical u-coordinates of the points of order 1, 2, 4 and 8 on
// Curve25519 and its twist (the list libsodium's X25519 refuses, less the
// non-canonical u = p and p + 1, which at_least_field_prime refuses).
constexpr std::array<BoxPublicKey, 5> kSmallOrderBoxKeys{{
    {},                                                                 // u = 0
    {0x01},                                                             // u = 1
    {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,  // order 8
     0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
     0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
    {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1,  // order 8
     0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c,
     0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // u = p − 1
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
}};

}  // namespace

Status check_box_public_key(const BoxPublicKey& key) {
  if (at_least_field_prime(key)) {
    return make_error(Errc::invalid_encoding,
                      "box key " + to_hex(key) + " is not canonical: u must be below 2^255 - 19");
  }
  if (std::find(kSmallOrderBoxKeys.begin(), kSmallOrderBoxKeys.end(), key) !=
      kSmallOrderBoxKeys.end()) {
    return make_error(Errc::invalid_argument,
                      "box key " + to_hex(key) +
                          " is a point of small order: anyone could open a box sealed to it");
  }
  return Status::success();
}

Expected<Bytes> seal_share(std::uint32_t dealer, std::uint32_t recipient, const Scalar& share,
                           const BoxPublicKey& recipient_key) {
  if (!valid_trustee_index(dealer))
    return trustee_index_error("dealer", dealer);
  if (!valid_trustee_index(recipient))
    return trustee_index_error("recipient", recipient);
  // Plaintext: u32_be(i) ‖ u32_be(t) ‖ s_{i→t}.
  std::array<std::uint8_t, kSharePlaintextBytes> plaintext{};
  Bytes header;
  append_u32_be(header, dealer);
  append_u32_be(header, recipient);
  std::copy(header.begin(), header.end(), plaintext.begin());
  Scalar::Encoding encoded = share.encode();
  std::copy(encoded.begin(), encoded.end(), plaintext.begin() + 8);
  wipe(encoded);

  Bytes sealed(kSealedShareBytes);
  const int rc =
      crypto_box_seal(sealed.data(), plaintext.data(), plaintext.size(), recipient_key.data());
  wipe(plaintext);
  if (rc != 0) {
    return make_error(Errc::invalid_argument, "cannot seal a share to trustee " + str(recipient) +
                                                  ": box public key rejected (" +
                                                  to_hex(recipient_key) + ")");
  }
  return sealed;
}

Expected<Scalar> open_share(ByteView sealed, std::uint32_t dealer, std::uint32_t recipient,
                            const BoxKeyPair& recipient_keys) {
  if (sealed.size() != kSealedShareBytes) {
    return make_error(Errc::invalid_length, "sealed share from dealer " + str(dealer) +
                                                " to trustee " + str(recipient) + " must be " +
                                                str(kSealedShareBytes) + " bytes, got " +
                                                str(sealed.size()));
  }
  std::array<std::uint8_t, kSharePlaintextBytes> plaintext{};
  if (crypto_box_seal_open(plaintext.data(), sealed.data(), sealed.size(),
                           recipient_keys.public_key.data(),
                           recipient_keys.secret_key.bytes().data()) != 0) {
    wipe(plaintext);
    return make_error(Errc::decryption_failed, "sealed share from dealer " + str(dealer) +
                                                   " to trustee " + str(recipient) +
                                                   " does not open under the recipient's box key");
  }
  const ByteView view(plaintext);
  const std::uint32_t named_dealer = read_u32_be(view.first(4));
  const std::uint32_t named_recipient = read_u32_be(view.subspan(4, 4));
  if (named_dealer != dealer || named_recipient != recipient) {
    wipe(plaintext);
    return make_error(Errc::decryption_failed,
                      "redirected box: it carries a share from dealer " + str(named_dealer) +
                          " to trustee " + str(named_recipient) + ", but was posted from dealer " +
                          str(dealer) + " to trustee " + str(recipient));
  }
  auto share = Scalar::decode(view.subspan(8));
  wipe(plaintext);
  if (!share) {
    return make_error(Errc::invalid_encoding, "share from dealer " + str(dealer) + " to trustee " +
                                                  str(recipient) + " is not a canonical scalar");
  }
  return share;
}

// ---------------------------------------------------------------------------
// §6.4

Status verify_share(const DealerCommitment& commitment, std::uint32_t recipient,
                    const Scalar& share) {
  if (!valid_trustee_index(recipient))
    return trustee_index_error("recipient", recipient);
  if (commitment.coefficients.empty()) {
    return make_error(Errc::invalid_length,
                      "dealer " + str(commitment.dealer) + " has no commitments");
  }
  const Point lhs = Point::mul_generator(share);  // s·G, constant-time in s
  // Σ_j t^j·A_{i,j}, public.
  const std::vector<Scalar> scalars = powers_of(recipient, commitment.coefficients.size());
  std::vector<Point> points;
  points.reserve(commitment.coefficients.size());
  for (const Element& a : commitment.coefficients)
    points.push_back(a.point);
  if (!(lhs == msm_vartime(scalars, points))) {
    return make_error(Errc::bad_share, "share from dealer " + str(commitment.dealer) +
                                           " to trustee " + str(recipient) +
                                           " does not match the dealer's commitments");
  }
  return Status::success();
}

Bytes ComplaintEvidence::encode() const {
  Bytes out;
  out.reserve(kBytes);
  append_u32_be(out, accuser);
  append_u32_be(out, accused);
  append(out, box_secret_key.bytes());
  return out;
}

Expected<ComplaintEvidence> ComplaintEvidence::decode(ByteView bytes) {
  if (bytes.size() != kBytes) {
    return make_error(Errc::invalid_length, "complaint evidence must be " + str(kBytes) +
                                                " bytes, got " + str(bytes.size()));
  }
  auto key = BoxSecretKey::decode(bytes.subspan(8));
  if (!key)
    return key.error();
  ComplaintEvidence out;
  out.accuser = read_u32_be(bytes.first(4));
  out.accused = read_u32_be(bytes.subspan(4, 4));
  out.box_secret_key = *key;
  return out;
}

ComplaintEvidence make_complaint(std::uint32_t accuser, std::uint32_t accused,
                                 const BoxKeyPair& accuser_keys) {
  return ComplaintEvidence{accuser, accused, accuser_keys.secret_key};
}

Expected<UpheldComplaint> verify_complaint(const ComplaintEvidence& evidence,
                                           const BoxPublicKey& accuser_box_key,
                                           ByteView sealed_share,
                                           const DealerCommitment& accused_commitment) {
  const std::uint32_t t = evidence.accuser;
  const std::uint32_t i = evidence.accused;
  // Step 1: the evidence concerns this dealer, and two distinct valid indices.
  if (!valid_trustee_index(t) || !valid_trustee_index(i) || t == i ||
      accused_commitment.dealer != i) {
    return make_error(Errc::invalid_argument, "complaint by trustee " + str(t) +
                                                  " against dealer " + str(i) +
                                                  " cannot be judged against dealer " +
                                                  str(accused_commitment.dealer) + "'s commitment");
  }
  // Step 2: the published key is the one t posted: X25519(sk, 9) == pk_t.
  const BoxPublicKey derived = evidence.box_secret_key.public_key();
  if (!ct_equal(derived, accuser_box_key)) {
    return make_error(Errc::equation_failed,
                      "complaint by trustee " + str(t) + " against dealer " + str(i) +
                          ": the published box secret key does not match trustee " + str(t) +
                          "'s box public key " + to_hex(accuser_box_key));
  }
  // Step 3: open the box as t would have; any failure is the dealer's fault.
  BoxKeyPair keys;
  keys.public_key = accuser_box_key;
  keys.secret_key = evidence.box_secret_key;
  auto share = open_share(sealed_share, i, t, keys);
  if (!share)
    return UpheldComplaint{i, t, share.error()};
  // Step 4: check the share against the dealer's commitments.
  if (auto st = verify_share(accused_commitment, t, *share); !st) {
    return UpheldComplaint{i, t, st.error()};
  }
  // Step 5: nothing is wrong with the share: the complaint is false.
  return make_error(Errc::invalid_argument,
                    "complaint by trustee " + str(t) + " against dealer " + str(i) +
                        " is unfounded: the share opens and matches the dealer's commitments");
}

// ---------------------------------------------------------------------------
// §6.5

Expected<Element> joint_public_key(std::span<const DealerCommitment> qualified) {
  if (auto st = check_qualified(qualified); !st)
    return st.error();
  Point sum;
  for (const DealerCommitment& c : qualified)
    sum += c.coefficients[0].point;  // K = Σ A_{i,0}
  if (sum.is_identity()) {
    return make_error(Errc::invalid_encoding, "the joint public key is the identity element");
  }
  return Element(sum);
}

Expected<Element> trustee_public_key(std::span<const DealerCommitment> qualified,
                                     std::uint32_t trustee) {
  if (!valid_trustee_index(trustee))
    return trustee_index_error("trustee", trustee);
  if (auto st = check_qualified(qualified); !st)
    return st.error();
  // Â_j = Σ_i A_{i,j}, then X_t = Σ_j t^j·Â_j.
  const std::size_t k = qualified.front().coefficients.size();
  std::vector<Point> summed(k);
  for (const DealerCommitment& c : qualified) {
    for (std::size_t j = 0; j < k; ++j)
      summed[j] += c.coefficients[j].point;
  }
  return Element(msm_vartime(powers_of(trustee, k), summed));
}

Expected<Scalar> final_secret_share(std::uint32_t trustee, std::span<const Scalar> shares,
                                    std::span<const DealerCommitment> qualified) {
  if (shares.size() != qualified.size()) {
    return make_error(Errc::invalid_length, "trustee " + str(trustee) + " has " +
                                                str(shares.size()) + " shares for " +
                                                str(qualified.size()) + " qualified dealers");
  }
  auto key = trustee_public_key(qualified, trustee);
  if (!key)
    return key.error();
  Scalar x;
  for (const Scalar& s : shares)
    x += s;  // x_t = Σ_i s_{i→t}
  if (!(Point::mul_generator(x) == key->point)) {
    return make_error(Errc::bad_share,
                      "trustee " + str(trustee) + ": x_t·G != X_t; some share was not verified");
  }
  return x;
}

}  // namespace senim::crypto
