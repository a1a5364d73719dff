// Transparency-log proofs, c2sp.org/tlog-proof@v1 (docs/protocol.md §13.8):
// an offline-checkable proof that an entry is in a log, and that witnesses
// saw the log at that size.
//
//   c2sp.org/tlog-proof@v1\n
//   [extra <base64 of opaque bytes>\n]
//   index <decimal, no leading zeros>\n
//   [<base64 hash>\n]...              the RFC 9162 inclusion proof, leaf first
//   \n
//   <the checkpoint note, verbatim>
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/policy.hpp"
#include "tlog/vkey.hpp"

namespace senim::tlog {

inline constexpr std::string_view kProofFileHeader = "c2sp.org/tlog-proof@v1";
// An inclusion proof in a tree of at most 2^64 − 1 leaves has at most 64
// hashes.
inline constexpr std::size_t kMaxInclusionProofLines = 64;
inline constexpr std::size_t kMaxProofFileBytes = 1 << 20;

struct ProofFile {
  std::optional<Bytes> extra;  // not authenticated by the proof
  std::uint64_t index = 0;
  std::vector<Hash32> inclusion_proof;
  std::string checkpoint;  // the signed checkpoint note, verbatim
  friend bool operator==(const ProofFile&, const ProofFile&) = default;
};

// Strict parse; the checkpoint is checked to be a note whose text is a
// checkpoint, but not verified. Errors: invalid_encoding (header, lines,
// base64, blank line, the note or checkpoint syntax), invalid_length (too
// many hashes, a hash not 32 bytes, too large).
Expected<ProofFile> parse_proof_file(std::string_view text);
std::string format_proof_file(const ProofFile& proof);

// tlog-proof's verification steps 2–4, step 1 (the leaf hash) being the
// caller's: the checkpoint is signed by an accepted log for its origin,
// every policy witness's cosignature on it is verified (quorum_met says
// whether they satisfy the quorum; require_quorum enforces it), and the
// inclusion proof binds `leaf_hash` at `index` to the checkpoint's root.
// Returns the checkpoint, its log signatures, the cosigners and quorum_met.
// Errors: those of verify_checkpoint; merkle_bad_proof, merkle_root_mismatch.
Expected<CheckpointVerification> verify_proof_file(const ProofFile& proof, const Hash32& leaf_hash,
                                                   std::span<const VerifierKey> log_keys,
                                                   const Policy& witness_policy);

}  // namespace senim::tlog
