// A ballot's tracking code (docs/protocol.md §9.4): SHA-256 over the exact
// statement bytes of the ballot, and a short form a person can read aloud.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::protocol {

// SHA-256(LP("senim/v1/tracking-code") ‖ statement_bytes).
Hash32 tracking_code(ByteView statement_bytes);

// The first 80 bits in Crockford base32 as four groups of four characters,
// e.g. "7QKM-3XTA-9PLW-E2DN". No I, L, O or U, so it reads aloud unambiguously.
std::string short_tracking_code(const Hash32& code);

// The bits the short form carries: the code's first 10 bytes.
inline constexpr std::size_t kShortCodeBytes = 10;
using ShortCode = std::array<std::uint8_t, kShortCodeBytes>;

// A tracking code as a person types it (docs/api.md, "Encodings"): the full
// code, 64 hex digits in either case; or the short form, 16 Crockford
// base32 symbols in either case, with or without the dashes and spaces
// between groups, O read as 0 and I or L as 1 (Crockford's decoding). The
// short form gives `prefix` only; the full code both.
struct TrackingCodeQuery {
  ShortCode prefix{};
  std::optional<Hash32> full;
};
// invalid_argument saying which form was expected and what is wrong.
Expected<TrackingCodeQuery> parse_tracking_code(std::string_view text);

// A public key as people read it aloud (docs/api.md, "Encodings"): its first
// 80 bits in the short form's groups, e.g. "1DQ8-7ZV4-…". A second key
// with the same fingerprint costs about 2^80 key generations.
std::string key_fingerprint(ByteView key);

}  // namespace senim::protocol
