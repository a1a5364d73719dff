// Every domain-separation tag senim hashes, in one place (docs/protocol.md §3.2).
// A tag names the protocol step; changing one changes every proof of that kind.
#pragma once

#include <string_view>

namespace senim::crypto::tags {

// Prefix of every transcript: the protocol and its version.
inline constexpr std::string_view kProtocol = "senim/v1";

inline constexpr std::string_view kSchnorr = "senim/v1/proof/schnorr";
inline constexpr std::string_view kChaumPedersen = "senim/v1/proof/chaum-pedersen";
inline constexpr std::string_view kRange = "senim/v1/proof/range";

}  // namespace senim::crypto::tags
