// Ed25519 checkpoint cosignatures, cosignature/v1 (c2sp.org/tlog-cosignature,
// signature type 0x04; docs/protocol.md §13.5). A cosignature is a note
// signature line on a checkpoint whose signature bytes are a
// timestamped_signature:
//
//   u64 timestamp (big-endian, ≤ 2^63 − 1) ‖ Ed25519 signature (64 bytes)
//
// over the message
//
//   "cosignature/v1\n" ‖ "time " ‖ decimal(timestamp) ‖ "\n" ‖ checkpoint text
//
// and whose key ID is SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]. It
// states that, at that time, this was the largest consistent tree the
// cosigner had seen for the origin.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"

namespace senim::tlog {

inline constexpr std::string_view kCosignatureV1Header = "cosignature/v1";
inline constexpr std::uint64_t kMaxCosignatureTimestamp =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());  // 2^63 − 1
inline constexpr std::size_t kTimestampedSignatureBytes = 8 + 64;

// The signed message for `timestamp` over `checkpoint_text` (the note text,
// with its final newline).
std::string cosignature_v1_message(std::uint64_t timestamp, std::string_view checkpoint_text);

struct TimestampedSignature {
  std::uint64_t timestamp = 0;
  Ed25519Signature signature{};
};

Bytes encode_timestamped_signature(const TimestampedSignature& ts);
// Errors: invalid_length unless exactly 72 bytes; out_of_range if the
// timestamp exceeds 2^63 − 1.
Expected<TimestampedSignature> decode_timestamped_signature(ByteView bytes);

// A note signer that cosigns a checkpoint at `timestamp` (POSIX seconds).
// Errors: invalid_argument unless `key` has type 0x04 and
// 0 < timestamp ≤ 2^63 − 1 (tlog-witness: "the timestamp MUST NOT be zero").
// Its sign function refuses (invalid_encoding) a text that is not a
// checkpoint.
Expected<NoteSigner> cosignature_v1_signer(const VerifierKey& key, Ed25519SignFn sign,
                                           std::uint64_t timestamp);

// Verifies a cosignature's signature bytes (after the key ID) on
// `checkpoint_text`; returns its timestamp. Errors: signature_invalid (wrong
// length, timestamp over 2^63 − 1, or the Ed25519 signature fails),
// invalid_argument unless `key` has type 0x04.
Expected<std::uint64_t> verify_cosignature_v1(const VerifierKey& key,
                                              std::string_view checkpoint_text, ByteView signature);

}  // namespace senim::tlog
