#include "tlog/proof_file.hpp"

#include <utility>

#include "crypto/merkle.hpp"
#include "tlog/base64.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";

Error malformed(const std::string& why) {
  return make_error(Errc::invalid_encoding, "malformed tlog-proof: " + why);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Expected<ProofFile> parse_proof_file(std::string_view text) {
  if (text.size() > kMaxProofFileBytes) {
    return make_error(Errc::invalid_length, "tlog-proof of " + std::to_string(text.size()) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(kMaxProofFileBytes));
  }
  LineReader lines(text);
  if (lines.next() != kProofFileHeader)
    return malformed("the first line must be \"" + std::string(kProofFileHeader) + "\"");
  ProofFile out;
  std::optional<std::string_view> line = lines.next();
  if (line && starts_with(*line, kExtraPrefix)) {
    out.extra = base64_decode(line->substr(kExtraPrefix.size()));
    if (!out.extra)
      return malformed("the extra data is not canonical base64");
    line = lines.next();
  }
  if (!line || !starts_with(*line, kIndexPrefix))
    return malformed("expected \"index <n>\" on line " + std::to_string(lines.line_number()));
  const std::optional<std::uint64_t> index = parse_decimal(line->substr(kIndexPrefix.size()));
  if (!index) {
    return malformed("index " + quote(line->substr(kIndexPrefix.size())) +
                     " is not a decimal without leading zeros");
  }
  out.index = *index;
  Expected<std::vector<Hash32>> proof =
      read_hash_lines(lines, kMaxInclusionProofLines, "inclusion proof");
  if (!proof)
    return proof.error();
  out.inclusion_proof = std::move(*proof);
  out.checkpoint = std::string(lines.rest());
  Expected<Note> note = parse_note(out.checkpoint);
  if (!note)
    return note.error();
  if (Expected<Checkpoint> checkpoint = parse_checkpoint(note->text); !checkpoint)
    return checkpoint.error();
  return out;
}

std::string format_proof_file(const ProofFile& proof) {
  std::string out = std::string(kProofFileHeader) + "\n";
  if (proof.extra)
    out += std::string(kExtraPrefix) + base64_encode(*proof.extra) + "\n";
  out += std::string(kIndexPrefix) + std::to_string(proof.index) + "\n";
  for (const Hash32& hash : proof.inclusion_proof)
    out += base64_encode(hash) + "\n";
  out += "\n";
  out += proof.checkpoint;
  return out;
}

Expected<CheckpointVerification> verify_proof_file(const ProofFile& proof, const Hash32& leaf_hash,
                                                   std::span<const VerifierKey> log_keys,
                                                   const Policy& witness_policy) {
  Expected<CheckpointVerification> checked =
      verify_checkpoint(proof.checkpoint, log_keys, witness_policy);
  if (!checked)
    return checked.error();
  const Checkpoint& checkpoint = checked->checkpoint;
  if (Status s = crypto::merkle::verify_inclusion(proof.index, checkpoint.size, leaf_hash,
                                                  proof.inclusion_proof, checkpoint.root);
      !s) {
    return s.error();
  }
  return checked;
}

}  // namespace senim::tlog
