#include "tlog/vkey.hpp"

#include <sodium.h>

#include <algorithm>

#include "tlog/base64.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

bool is_supported_type(std::uint8_t type) {
  return type == kSignatureTypeEd25519 || type == kSignatureTypeCosignatureV1;
}

std::string hex8(std::uint32_t value) {
  Bytes be;
  append_u32_be(be, value);
  return to_hex(be);
}

Error bad_vkey(const std::string& why, std::string_view vkey) {
  return make_error(Errc::invalid_encoding, "vkey " + quote(vkey) + ": " + why);
}

}  // namespace

std::uint32_t compute_key_id(std::string_view name, std::uint8_t type, ByteView public_key) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, as_bytes(name).data(), name.size());
  const std::array<std::uint8_t, 2> separator = {0x0A, type};
  crypto_hash_sha256_update(&state, separator.data(), separator.size());
  crypto_hash_sha256_update(&state, public_key.data(), public_key.size());
  Hash32 digest{};
  crypto_hash_sha256_final(&state, digest.data());
  return (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
         (std::uint32_t{digest[2]} << 8) | std::uint32_t{digest[3]};
}

Expected<VerifierKey> make_verifier_key(std::string_view name, std::uint8_t type,
                                        const Ed25519PublicKey& public_key) {
  if (!is_valid_key_name(name))
    return make_error(Errc::invalid_argument, "invalid key name " + quote(name));
  if (!is_supported_type(type)) {
    return make_error(Errc::invalid_argument, "unsupported signature type " + std::to_string(type));
  }
  return VerifierKey{std::string(name), compute_key_id(name, type, public_key), type, public_key};
}

Expected<VerifierKey> parse_vkey(std::string_view vkey) {
  // name + id + key: the name cannot contain '+', so the first two '+'
  // split the parts; base64 has '+' in its alphabet, so the third part may.
  const std::size_t plus1 = vkey.find('+');
  const std::size_t plus2 = plus1 == std::string_view::npos ? plus1 : vkey.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos)
    return bad_vkey("not name+id+key", vkey);
  const std::string_view name = vkey.substr(0, plus1);
  const std::string_view id_hex = vkey.substr(plus1 + 1, plus2 - plus1 - 1);
  const std::string_view key_b64 = vkey.substr(plus2 + 1);
  if (!is_valid_key_name(name))
    return bad_vkey("invalid key name", vkey);
  const std::optional<Bytes> id = from_hex(id_hex);
  if (id_hex.size() != 8 || !id || to_hex(*id) != id_hex)
    return bad_vkey("key ID must be 8 lowercase hex digits", vkey);
  const std::optional<Bytes> key = base64_decode(key_b64);
  if (!key || key->empty())
    return bad_vkey("key is not canonical base64", vkey);
  const std::uint8_t type = (*key)[0];
  if (!is_supported_type(type)) {
    return make_error(
        Errc::invalid_argument,
        "vkey " + quote(vkey) + ": unsupported signature type " + std::to_string(type));
  }
  if (key->size() != 1 + 32) {
    return make_error(Errc::invalid_length, "vkey " + quote(vkey) +
                                                ": an Ed25519 key must be 32 bytes, got " +
                                                std::to_string(key->size() - 1));
  }
  Ed25519PublicKey public_key{};
  std::copy(key->begin() + 1, key->end(), public_key.begin());
  VerifierKey out{std::string(name), compute_key_id(name, type, public_key), type, public_key};
  if (hex8(out.key_id) != id_hex)
    return bad_vkey("key ID does not match the key (want " + hex8(out.key_id) + ")", vkey);
  return out;
}

std::string format_vkey(const VerifierKey& key) {
  Bytes material{key.type};
  append(material, key.public_key);
  return key.name + "+" + hex8(key.key_id) + "+" + base64_encode(material);
}

std::string key_label(std::string_view name, std::uint32_t key_id) {
  return std::string(name) + "+" + hex8(key_id);
}

bool ed25519_verify(const Ed25519PublicKey& key, ByteView message, ByteView signature) {
  if (signature.size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace senim::tlog
