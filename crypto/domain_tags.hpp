// Every domain-separation tag senim hashes, in one place (docs/protocol.md §3.2).
// A tag names the protocol step; changing one changes every proof of that kind.
#pragma once

#include <string_view>

namespace senim::crypto::tags {

// The protocol's version, as `--version` prints it (docs/protocol.md, "Versions").
inline constexpr std::string_view kProtocolVersion = "senim/v2";

// Prefix of every transcript (§3.1). It names the proofs' format, which v2
// did not change: it stays "senim/v1", so that every proof of v1 is a proof
// of v2.
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
// A voter's credential and its Schnorr signatures over ristretto255 (§11.1.2),
// new in senim/v2.
inline constexpr std::string_view kCredentialSecret = "senim/v2/credential/secret";
inline constexpr std::string_view kCredentialPrefix = "senim/v2/credential/prefix";
inline constexpr std::string_view kCredentialNonce = "senim/v2/credential/nonce";
inline constexpr std::string_view kCredentialChallenge = "senim/v2/credential/challenge";
inline constexpr std::string_view kSuperseded = "senim/v1/superseded";

}  // namespace senim::crypto::tags
