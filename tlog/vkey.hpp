// Verifier keys ("vkeys") of C2SP signed-note, for the two signature types
// senim uses: Ed25519 note signatures (type 0x01, the log's key) and
// Ed25519 checkpoint cosignatures (type 0x04, c2sp.org/tlog-cosignature,
// the witnesses' keys). docs/protocol.md §13.2.
//
//   vkey   = <key name> "+" hex(key ID, 8 digits) "+" base64(type ‖ public key)
//   key ID = SHA-256(key name ‖ 0x0A ‖ type ‖ public key)[:4], big-endian
//
// The specifications allow other types (ECDSA, ML-DSA-44, …); senim
// selects only these two, as signed-note advises ("avoid supporting
// multiple ones at runtime"), and rejects a vkey of any other type.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::tlog {

inline constexpr std::uint8_t kSignatureTypeEd25519 = 0x01;
inline constexpr std::uint8_t kSignatureTypeCosignatureV1 = 0x04;

using Ed25519PublicKey = std::array<std::uint8_t, 32>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

// Signs a message with an Ed25519 secret key held by the caller (for
// example protocol::SigningKey::sign): this library never holds secrets.
using Ed25519SignFn = std::function<Ed25519Signature(ByteView message)>;

// A known key: what a verifier is configured with.
struct VerifierKey {
  std::string name;
  std::uint32_t key_id = 0;
  std::uint8_t type = kSignatureTypeEd25519;
  Ed25519PublicKey public_key{};

  friend bool operator==(const VerifierKey&, const VerifierKey&) = default;
};

// SHA-256(name ‖ 0x0A ‖ type ‖ public_key)[:4] as a big-endian integer.
std::uint32_t compute_key_id(std::string_view name, std::uint8_t type, ByteView public_key);

// The key with its ID computed. Errors: invalid_argument if the name is not
// a valid key name or the type is not one senim supports.
Expected<VerifierKey> make_verifier_key(std::string_view name, std::uint8_t type,
                                        const Ed25519PublicKey& public_key);

// Parses a vkey strictly: valid name, exactly 8 lowercase hex digits,
// canonical base64 of a supported type byte and a 32-byte key, and a key
// ID equal to the computed one (as golang.org/x/mod/sumdb/note requires).
// Errors: invalid_encoding (shape, hex, base64, ID), invalid_length (key
// size), invalid_argument (unsupported type).
Expected<VerifierKey> parse_vkey(std::string_view vkey);
std::string format_vkey(const VerifierKey& key);

// "name+1234abcd": how errors and logs name a key.
std::string key_label(std::string_view name, std::uint32_t key_id);

// Ed25519 (RFC 8032) verification of `signature` over `message`; false for a
// signature that is not 64 bytes.
bool ed25519_verify(const Ed25519PublicKey& key, ByteView message, ByteView signature);

}  // namespace senim::tlog
