// A ballot's tracking code (docs/protocol.md §9.4): SHA-256 over the exact
// statement bytes of the ballot, and a short form a person can read aloud.
#pragma once

#include <string>

#include "crypto/bytes.hpp"

namespace senim::protocol {

// SHA-256(LP("senim/v1/tracking-code") ‖ statement_bytes).
Hash32 tracking_code(ByteView statement_bytes);

// The first 80 bits in Crockford base32 as four groups of four characters,
// e.g. "7QKM-3XTA-9PLW-E2DN". No I, L, O or U, so it reads aloud unambiguously.
std::string short_tracking_code(const Hash32& code);

}  // namespace senim::protocol
