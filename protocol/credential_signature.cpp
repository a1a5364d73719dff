#include "protocol/credential_signature.hpp"

#include <sodium.h>

#include <algorithm>
#include <new>
#include <string_view>

#include "crypto/domain_tags.hpp"
#include "crypto/point.hpp"
#include "crypto/scalar.hpp"

namespace senim::protocol {
namespace {

// A CredentialKey's guarded memory: seed ‖ enc(a) ‖ prefix ‖ 64 bytes where
// the digests are made (zero but while a key is being derived).
constexpr std::size_t kScalarAt = CredentialKey::kSeedBytes;
constexpr std::size_t kPrefixAt = kScalarAt + 32;
constexpr std::size_t kDigestAt = kPrefixAt + 32;
constexpr std::size_t kSecretBytes = kDigestAt + 64;

// SHA-512( LP(tag) ‖ parts… ): every hash of §11.1.2.
class TaggedHash {
 public:
  explicit TaggedHash(std::string_view tag) {
    crypto_hash_sha512_init(&state_);
    std::array<std::uint8_t, 4> length{};
    const auto n = static_cast<std::uint32_t>(tag.size());
    for (std::size_t i = 0; i < 4; ++i)
      length[i] = static_cast<std::uint8_t>(n >> (8 * (3 - i)));
    add(length);
    add(as_bytes(tag));
  }
  ~TaggedHash() { sodium_memzero(&state_, sizeof state_); }
  TaggedHash(const TaggedHash&) = delete;
  TaggedHash& operator=(const TaggedHash&) = delete;

  TaggedHash& add(ByteView bytes) {
    crypto_hash_sha512_update(&state_, bytes.data(), bytes.size());
    return *this;
  }
  // Writes the 64-byte digest to `out`.
  void finish(std::uint8_t* out) { crypto_hash_sha512_final(&state_, out); }

 private:
  crypto_hash_sha512_state state_{};
};

// §8.5: the credential's point, refused as the identity.
Expected<crypto::Point> decode_credential_key(ByteView key) {
  if (key.size() != 32) {
    return make_error(Errc::invalid_length,
                      "a credential key is 32 bytes, got " + std::to_string(key.size()));
  }
  auto point = crypto::Point::decode(key);
  if (!point) {
    return make_error(Errc::invalid_encoding, "credential key " + to_hex(key) +
                                                  " is not a canonical ristretto255 encoding");
  }
  if (point->is_identity()) {
    return make_error(Errc::identity_element,
                      "credential key is the identity (32 zero bytes): it has no secret");
  }
  return point;
}

// c = wide( SHA-512( LP(tag) ‖ enc(R) ‖ enc(A) ‖ message ) ): public.
crypto::Scalar challenge(ByteView r, ByteView a, ByteView message) {
  std::array<std::uint8_t, 64> digest{};
  TaggedHash(crypto::tags::kCredentialChallenge).add(r).add(a).add(message).finish(digest.data());
  return crypto::Scalar::from_wide_bytes(digest);
}

// a = wide(H(secret tag, seed)) into `a` (32 bytes), through `digest` (64).
void derive_scalar(ByteView seed, std::uint8_t* digest, std::uint8_t* a) {
  TaggedHash(crypto::tags::kCredentialSecret).add(seed).finish(digest);
  crypto_core_ristretto255_scalar_reduce(a, digest);
  sodium_memzero(digest, 64);
}

// A = a·G, constant time in a. A seed whose a is 0 (probability 2^-252)
// would give the identity, which no list accepts (§8.5): refused here too.
Status scalar_times_g(const std::uint8_t* a, PublicKey& out) {
  if (crypto_scalarmult_ristretto255_base(out.data(), a) != 0)
    return make_error(Errc::identity_element, "this seed gives the credential key 0");
  return Status::success();
}

// The decoded parts of a signature whose encodings are all valid.
struct Opened {
  crypto::Point a;
  crypto::Point r;
  crypto::Scalar s;
  crypto::Scalar c;
};

// §11.1.2 verification steps 1–4: the lengths, s, R, A, then c.
Expected<Opened> open(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != 32 || signature.size() != 64) {
    return make_error(Errc::invalid_length,
                      "a credential signature is 64 bytes and its key 32, got " +
                          std::to_string(signature.size()) + " and " +
                          std::to_string(public_key.size()));
  }
  const ByteView r_bytes = signature.subspan(0, 32);
  const ByteView s_bytes = signature.subspan(32, 32);
  auto s = crypto::Scalar::decode(s_bytes);
  if (!s) {
    return make_error(
        Errc::invalid_encoding,
        "credential signature: s is not a canonical scalar (≥ ℓ): " + to_hex(s_bytes));
  }
  auto r = crypto::Point::decode(r_bytes);
  if (!r) {
    return make_error(
        Errc::invalid_encoding,
        "credential signature: R is not a canonical ristretto255 encoding: " + to_hex(r_bytes));
  }
  auto a = decode_credential_key(public_key);
  if (!a)
    return a.error();
  return Opened{*a, *r, *s, challenge(r_bytes, public_key, message)};
}

}  // namespace

void CredentialKey::Free::operator()(std::uint8_t* p) const {
  sodium_free(p);
}

CredentialKey::CredentialKey() : secret_(static_cast<std::uint8_t*>(sodium_malloc(kSecretBytes))) {
  if (!secret_)
    throw std::bad_alloc();
}

CredentialKey CredentialKey::generate() {
  std::array<std::uint8_t, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  CredentialKey key = *from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

// docs/protocol.md §11.1.2, "Keys": a = wide(SHA-512(LP(secret tag) ‖ seed)),
// prefix = the first 32 bytes of SHA-512(LP(prefix tag) ‖ seed), A = a·G.
Expected<CredentialKey> CredentialKey::from_seed(ByteView seed) {
  if (seed.size() != kSeedBytes) {
    return make_error(Errc::invalid_length,
                      "credential seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  CredentialKey key;
  std::uint8_t* secret = key.secret_.get();
  std::copy(seed.begin(), seed.end(), secret);
  derive_scalar(seed, secret + kDigestAt, secret + kScalarAt);
  TaggedHash(crypto::tags::kCredentialPrefix).add(seed).finish(secret + kDigestAt);
  std::copy_n(secret + kDigestAt, 32, secret + kPrefixAt);
  sodium_memzero(secret + kDigestAt, 64);
  if (auto s = scalar_times_g(secret + kScalarAt, key.public_key_); !s)
    return s.error();
  return key;
}

Expected<PublicKey> credential_public_key(
    ByteView seed, std::span<std::uint8_t, kCredentialScratchBytes> scratch) {
  if (seed.size() != CredentialKey::kSeedBytes) {
    return make_error(Errc::invalid_length,
                      "credential seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  derive_scalar(seed, scratch.data(), scratch.data() + 64);
  PublicKey key{};
  const Status made = scalar_times_g(scratch.data() + 64, key);
  sodium_memzero(scratch.data(), scratch.size());
  if (!made)
    return made.error();
  return key;
}

// §11.1.2, "Signing": k = wide(SHA-512(LP(nonce tag) ‖ prefix ‖ message)),
// R = k·G, c as in verification, s = k + c·a. Every step on a or k is
// libsodium's constant-time scalar arithmetic; k is wiped after use.
Signature CredentialKey::sign(ByteView message) const {
  const std::uint8_t* secret = secret_.get();
  std::array<std::uint8_t, 64> digest{};
  std::array<std::uint8_t, 32> k{};
  std::array<std::uint8_t, 32> ca{};
  TaggedHash(crypto::tags::kCredentialNonce)
      .add(ByteView(secret + kPrefixAt, 32))
      .add(message)
      .finish(digest.data());
  crypto_core_ristretto255_scalar_reduce(k.data(), digest.data());
  Signature sig{};
  // k = 0 (probability 2^-252) gives R = the identity, 32 zero bytes, which
  // still verifies: the return value only reports that case.
  (void)crypto_scalarmult_ristretto255_base(sig.data(), k.data());
  const crypto::Scalar::Encoding c =
      challenge(ByteView(sig.data(), 32), public_key_, message).encode();
  crypto_core_ristretto255_scalar_mul(ca.data(), c.data(), secret + kScalarAt);
  crypto_core_ristretto255_scalar_add(sig.data() + 32, k.data(), ca.data());
  sodium_memzero(digest.data(), digest.size());
  sodium_memzero(k.data(), k.size());
  sodium_memzero(ca.data(), ca.size());
  return sig;
}

Bytes CredentialKey::seed() const {
  return {secret_.get(), secret_.get() + kSeedBytes};
}

Status check_credential_key(ByteView key) {
  auto point = decode_credential_key(key);
  return point ? Status::success() : Status(point.error());
}

// §11.1.2 verification step 5, alone: s·G − c·A = R.
Status verify_credential_signature(ByteView public_key, ByteView message, ByteView signature) {
  auto o = open(public_key, message, signature);
  if (!o)
    return o.error();
  if (!(crypto::Point::double_mul_vartime(o->s, -o->c, o->a) == o->r)) {
    return make_error(Errc::signature_invalid,
                      "credential signature does not verify under " + to_hex(public_key));
  }
  return Status::success();
}

// §11.1.2 step 5 in a batch (§5.6): z·s·G − z·R − z·c·A, G's coefficient
// summed into the batch's one G term.
Status batch_credential_signature(crypto::BatchVerifier& batch, ByteView public_key,
                                  ByteView message, ByteView signature) {
  auto o = open(public_key, message, signature);
  if (!o)
    return o.error();
  const crypto::Scalar z = batch.new_weight();
  batch.add_weighted_shared(crypto::BatchVerifier::kGenerator, z * o->s);
  batch.add_weighted(-z, o->r);
  batch.add_weighted(-(z * o->c), o->a);
  return Status::success();
}

}  // namespace senim::protocol
