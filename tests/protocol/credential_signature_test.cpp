// Credential signatures, Schnorr over ristretto255 (docs/protocol.md
// §11.1.2): the fixed test vector, rebuilt from the spec's formulas with
// libsodium alone; every refusal with its Errc; and a batch that gives,
// signature by signature, exactly the one-by-one verdict.
#include "protocol/credential_signature.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/batch_verifier.hpp"
#include "protocol/election_state.hpp"
#include "sim/election_builder.hpp"

using senim::Bytes;
using senim::ByteView;
using senim::Errc;
using senim::Status;
namespace v1 = senim::v1;
using senim::protocol::batch_credential_signature;
using senim::protocol::check_credential_key;
using senim::protocol::CredentialKey;
using senim::protocol::Signature;
using senim::protocol::verify_credential_signature;

namespace {

// The vector of §11.1.2: seed 00 01 … 1f, message "senim credential test".
Bytes vector_seed() {
  Bytes seed(32);
  for (std::size_t i = 0; i < seed.size(); ++i)
    seed[i] = static_cast<std::uint8_t>(i);
  return seed;
}
constexpr std::string_view kMessage = "senim credential test";
constexpr const char* kVectorKey =
    "22e6b5b6550c20fd4f4b91531e13a33b61b30f7d8f634faa564a0380175b8565";
constexpr const char* kVectorSignature =
    "3a871f1ef6650c7b036963e0693d7f1575939d1d25a705b4f03e2b61f409f176"
    "0e4d534081885db1f71116433008907a8d7fa61afe8ddad8219bba91bcbbf301";

ByteView message_bytes(std::string_view m) {
  return senim::as_bytes(m);
}

// H(tag, parts…) of §11.1.2, written out from the spec with libsodium.
std::array<std::uint8_t, 64> tagged_sha512(const std::string& tag,
                                           const std::vector<ByteView>& parts) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  const std::uint8_t length[4] = {0, 0, 0, static_cast<std::uint8_t>(tag.size())};
  crypto_hash_sha512_update(&st, length, 4);
  crypto_hash_sha512_update(&st, reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size());
  for (const ByteView p : parts)
    crypto_hash_sha512_update(&st, p.data(), p.size());
  std::array<std::uint8_t, 64> out{};
  crypto_hash_sha512_final(&st, out.data());
  return out;
}

// s + ℓ as 32 bytes little-endian (s < ℓ < 2^253, so it fits).
Bytes plus_order(ByteView s) {
  static const std::uint8_t kOrder[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                          0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                          0,    0,    0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0,    0,    0x10};
  Bytes out(32);
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = s[i] + kOrder[i] + carry;
    out[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  return out;
}

// The one-by-one verdict and the batch's, for one signature among honest
// ones: a batch of `others` valid signatures with the case at `position`.
struct Verdicts {
  Status alone;
  Status batched;  // the encodings' error, or, if the batch failed, the alone check of the item
  bool batch_failed = false;
};

Verdicts both_ways(ByteView key, ByteView message, ByteView signature) {
  Verdicts v;
  v.alone = verify_credential_signature(key, message, signature);
  senim::crypto::BatchVerifier batch;
  std::vector<CredentialKey> honest;
  std::vector<Bytes> messages;
  std::vector<Signature> sigs;
  constexpr std::size_t kOthers = 9;
  constexpr std::size_t kPosition = 4;
  for (std::size_t i = 0; i < kOthers; ++i) {
    honest.push_back(CredentialKey::generate());
    messages.push_back(Bytes(7, static_cast<std::uint8_t>(i)));
    sigs.push_back(honest.back().sign(messages.back()));
  }
  Status case_status = Status::success();
  for (std::size_t i = 0; i <= kOthers; ++i) {
    batch.begin_item();
    if (i == kPosition) {
      case_status = batch_credential_signature(batch, key, message, signature);
      continue;
    }
    const std::size_t j = i < kPosition ? i : i - 1;
    REQUIRE(batch_credential_signature(batch, honest[j].public_key(), messages[j], sigs[j]));
  }
  v.batched = case_status;
  if (case_status && !batch.verify()) {
    v.batch_failed = true;
    const std::vector<std::size_t> failing = batch.failing_items();
    REQUIRE(failing == std::vector<std::size_t>{kPosition});  // it, alone, is named
    v.batched = verify_credential_signature(key, message, signature);
  }
  return v;
}

void check_refused_both_ways(ByteView key, ByteView message, ByteView signature, Errc code,
                             const std::string& words) {
  const Verdicts v = both_ways(key, message, signature);
  REQUIRE(!v.alone);
  CHECK(v.alone.error().code == code);
  CHECK_THAT(v.alone.error().message, Catch::Contains(words));
  REQUIRE(!v.batched);
  CHECK(v.batched.error().code == v.alone.error().code);
  CHECK(v.batched.error().message == v.alone.error().message);
}

}  // namespace

TEST_CASE("credential signature: the fixed test vector of §11.1.2, byte for byte",
          "[protocol][credential]") {
  const auto key = CredentialKey::from_seed(vector_seed());
  REQUIRE(key);
  CHECK(senim::to_hex(key->public_key()) == kVectorKey);
  const Signature sig = key->sign(message_bytes(kMessage));
  CHECK(senim::to_hex(sig) == kVectorSignature);
  CHECK(verify_credential_signature(key->public_key(), message_bytes(kMessage), sig));
  CHECK(key->seed() == vector_seed());
}

TEST_CASE("credential signature: the spec's formulas, rebuilt with libsodium, give the vector",
          "[protocol][credential]") {
  const Bytes seed = vector_seed();
  const ByteView m = message_bytes(kMessage);
  auto h = tagged_sha512("senim/v2/credential/secret", {seed});
  std::uint8_t a[32];
  crypto_core_ristretto255_scalar_reduce(a, h.data());
  std::uint8_t big_a[32];
  REQUIRE(crypto_scalarmult_ristretto255_base(big_a, a) == 0);
  const auto prefix = tagged_sha512("senim/v2/credential/prefix", {seed});
  h = tagged_sha512("senim/v2/credential/nonce", {ByteView(prefix.data(), 32), m});
  std::uint8_t k[32];
  crypto_core_ristretto255_scalar_reduce(k, h.data());
  std::uint8_t r[32];
  REQUIRE(crypto_scalarmult_ristretto255_base(r, k) == 0);
  h = tagged_sha512("senim/v2/credential/challenge", {ByteView(r, 32), ByteView(big_a, 32), m});
  std::uint8_t c[32];
  crypto_core_ristretto255_scalar_reduce(c, h.data());
  std::uint8_t ca[32];
  std::uint8_t s[32];
  crypto_core_ristretto255_scalar_mul(ca, c, a);
  crypto_core_ristretto255_scalar_add(s, k, ca);
  CHECK(senim::to_hex(ByteView(big_a, 32)) == kVectorKey);
  CHECK(senim::to_hex(ByteView(r, 32)) + senim::to_hex(ByteView(s, 32)) == kVectorSignature);
}

TEST_CASE("credential signature: sign and verify round trip, deterministic",
          "[protocol][credential]") {
  const auto key = CredentialKey::generate();
  const Bytes m = {1, 2, 3};
  const Signature sig = key.sign(m);
  CHECK(key.sign(m) == sig);
  CHECK(verify_credential_signature(key.public_key(), m, sig));
  CHECK(check_credential_key(key.public_key()));
  const auto again = CredentialKey::from_seed(key.seed());
  REQUIRE(again);
  CHECK(again->public_key() == key.public_key());
  const Verdicts v = both_ways(key.public_key(), m, sig);
  CHECK(v.alone);
  CHECK(v.batched);
  CHECK(!v.batch_failed);
}

TEST_CASE("credential signature: every refusal has its Errc, and the batch agrees",
          "[protocol][credential][batch]") {
  const auto key = CredentialKey::from_seed(vector_seed());
  REQUIRE(key);
  const ByteView m = message_bytes(kMessage);
  const Signature sig = key->sign(m);
  const ByteView a = key->public_key();

  SECTION("s + ℓ: the same scalar, not canonical, never reduced") {
    Bytes bad(sig.begin(), sig.end());
    const Bytes s = plus_order(ByteView(sig).subspan(32));
    std::copy(s.begin(), s.end(), bad.begin() + 32);
    check_refused_both_ways(a, m, bad, Errc::invalid_encoding, "s is not a canonical scalar");
  }
  SECTION("R not a canonical encoding (bit 255 set)") {
    Bytes bad(sig.begin(), sig.end());
    bad[31] ^= 0x80;
    check_refused_both_ways(a, m, bad, Errc::invalid_encoding,
                            "R is not a canonical ristretto255 encoding");
  }
  SECTION("A not a canonical encoding (bit 255 set)") {
    Bytes bad_key(a.begin(), a.end());
    bad_key[31] ^= 0x80;
    check_refused_both_ways(bad_key, m, sig, Errc::invalid_encoding,
                            "is not a canonical ristretto255 encoding");
  }
  SECTION("A the identity") {
    const Bytes zero(32, 0);
    check_refused_both_ways(zero, m, sig, Errc::identity_element, "credential key is the identity");
  }
  SECTION("another message") {
    check_refused_both_ways(a, message_bytes(std::string(kMessage) + "!"), sig,
                            Errc::signature_invalid, "credential signature does not verify");
  }
  SECTION("another key") {
    const auto other = CredentialKey::generate();
    check_refused_both_ways(other.public_key(), m, sig, Errc::signature_invalid,
                            "does not verify under " + senim::to_hex(other.public_key()));
  }
  SECTION("the signature of another credential, of the same message") {
    const auto other = CredentialKey::generate();
    check_refused_both_ways(a, m, other.sign(m), Errc::signature_invalid,
                            "credential signature does not verify");
  }
  SECTION("R replaced by another valid point") {
    Bytes bad(sig.begin(), sig.end());
    const auto other = CredentialKey::generate();
    std::copy(other.public_key().begin(), other.public_key().end(), bad.begin());
    check_refused_both_ways(a, m, bad, Errc::signature_invalid,
                            "credential signature does not verify");
  }
  SECTION("wrong lengths") {
    check_refused_both_ways(a, m, ByteView(sig).subspan(0, 63), Errc::invalid_length, "64 bytes");
  }
}

TEST_CASE("credential keys: a list refuses non-canonical keys and the identity",
          "[protocol][credential]") {
  const Bytes zero(32, 0);
  const Status identity = check_credential_key(zero);
  REQUIRE(!identity);
  CHECK(identity.error().code == Errc::identity_element);
  Bytes high = zero;
  high[31] = 0x80;
  const Status noncanonical = check_credential_key(high);
  REQUIRE(!noncanonical);
  CHECK(noncanonical.error().code == Errc::invalid_encoding);
  const Status short_key = check_credential_key(Bytes(31, 1));
  REQUIRE(!short_key);
  CHECK(short_key.error().code == Errc::invalid_length);
  const auto seed = CredentialKey::from_seed(Bytes(31, 1));
  REQUIRE(!seed);
  CHECK(seed.error().code == Errc::invalid_length);
}

// The board's state machine (protocol/election_state.cpp, §8.5) refuses a
// list holding the identity or a non-encoding, naming the credential, and
// admits nothing of it.
TEST_CASE("credential keys: the board refuses a list with the identity or a non-encoding",
          "[protocol][credential][election]") {
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::referendum_manifest("identity-2026");
  plan.voters = 2;
  plan.validate = false;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.setup();
  b.ceremony();
  auto list_with = [&](const std::string& key) {
    v1::Statement st = b.statement();
    auto* honest = st.mutable_credentials()->add_credentials();
    honest->set_key(senim::to_string(b.voter_public_key(0)));
    auto* bad = st.mutable_credentials()->add_credentials();
    bad->set_key(key);
    return senim::sim::ElectionBuilder::sign(b.authority_key(), st);
  };
  std::vector<Bytes> entries = b.entries();
  // A replica of the board's state up to the credentials.
  senim::protocol::ElectionState state(
      [&](std::uint64_t leaf) { return senim::Expected<Bytes>(entries.at(leaf)); }, nullptr);
  for (std::size_t i = 0; i < entries.size(); ++i)
    REQUIRE(state.apply(entries[i], i));
  const std::uint64_t leaf = entries.size();
  const auto identity = state.precheck(list_with(std::string(32, '\0')));
  REQUIRE(identity);
  const Status refused = state.admit(*identity, leaf);
  REQUIRE(!refused);
  CHECK(refused.error().code == Errc::identity_element);
  CHECK(refused.error().message ==
        "credential 2: credential key is the identity (32 zero bytes): it has no secret");
  const auto high = state.precheck(list_with(std::string(32, '\xff')));
  REQUIRE(high);
  const Status refused_high = state.admit(*high, leaf);
  REQUIRE(!refused_high);
  CHECK(refused_high.error().code == Errc::invalid_encoding);
  CHECK(!state.district_of(b.voter_public_key(0)));  // nothing of either list admitted
  // The same list with only the honest credential is admitted.
  v1::Statement st = b.statement();
  st.mutable_credentials()->add_credentials()->set_key(senim::to_string(b.voter_public_key(0)));
  CHECK(state.apply(senim::sim::ElectionBuilder::sign(b.authority_key(), st), leaf));
  CHECK(state.district_of(b.voter_public_key(0)));
}
