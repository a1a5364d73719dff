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

// Prefixes of the contexts that key-ceremony and decryption proofs bind
// (docs/protocol.md §6.2, §6.6): the proof's own tag stays kSchnorr or
// kChaumPedersen; these say which protocol step the proof belongs to.
inline constexpr std::string_view kCeremonyCoefficient = "senim/v1/ceremony/coefficient";
inline constexpr std::string_view kDecryption = "senim/v1/decryption";

// Election protocol (docs/protocol.md §8–§11): hashes and signatures over
// exact bytes, each prefixed with LP(tag).
inline constexpr std::string_view kEntrySignature = "senim/v1/entry";
inline constexpr std::string_view kTrackingCode = "senim/v1/tracking-code";
inline constexpr std::string_view kBaseHash = "senim/v1/base-hash";
inline constexpr std::string_view kSetupHash = "senim/v1/setup-hash";
// A trustee's signature binding its box key to one ceremony (§6.3.1).
inline constexpr std::string_view kCeremonyBoxKey = "senim/v1/ceremony-box-key";
inline constexpr std::string_view kSuperseded = "senim/v1/superseded";

}  // namespace senim::crypto::tags
