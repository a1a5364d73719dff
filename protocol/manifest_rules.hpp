// What makes a manifest well formed, and the shape of the ballots and tallies
// it implies (docs/protocol.md §8.1, §9.1, §10.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/error.hpp"
#include "proto/manifest.pb.h"
#include "tlog/policy.hpp"

namespace senim::protocol {

// Limits, each with its reason: they bound proof sizes and the work a
// single ballot can cause a server or verifier.
inline constexpr std::size_t kMaxContests = 64;
inline constexpr std::size_t kMaxOptions = 63;  // a count proof has ≤ 64 branches
inline constexpr std::size_t kMaxDistricts = 10'000;
inline constexpr std::size_t kMaxTextBytes = 1'000;
inline constexpr std::size_t kMaxLanguages = 16;
// §8.1 rule 6, §9.6: ballots one credential may cast. Every ballot is kept
// for good (up to ~14 KiB on disk for the demo's ballot, 64 KiB at most), so
// the limit bounds what one credential can make the board store; 100 leaves
// a coerced voter far more chances to vote again than any election needs.
inline constexpr std::uint32_t kMaxBallotsPerCredential = 100;
// Reserved: "blank" names the blank vote in `senim vote --choose` and in counts.
inline constexpr std::string_view kBlankWord = "blank";

struct ContestShape {
  std::string id;
  std::uint32_t options = 0;
  std::uint32_t min = 0;
  std::uint32_t max = 0;
  // A contest with min = 0 allows a blank vote and carries a blank indicator.
  bool has_blank() const { return min == 0; }
  // Ciphertexts this contest contributes to a tally: options, then blank.
  std::uint32_t tally_width() const { return options + (has_blank() ? 1U : 0U); }
};

struct ElectionShape {
  std::string election_id;
  std::vector<ContestShape> contests;
  std::vector<std::string> districts;  // at least one: {""} when the manifest has none
  std::uint32_t max_ballots = 0;       // max_ballots_per_credential (§9.6)

  std::uint32_t tally_width() const;  // ciphertexts per district
  std::optional<std::size_t> district_index(const std::string& id) const;
};

// §8.1: validates every rule (the witness policy's too) and returns the shape. Errors are
// invalid_argument with the offending field named.
Expected<ElectionShape> check_manifest(const v1::Manifest& manifest);

// §8.1 rule 8: the witnesses and quorum of `Manifest.witness_policy`
// (empty: `quorum none`). Errors: tlog::parse_policy's, their messages
// prefixed "manifest: witness policy: "; invalid_argument for a log line.
Expected<tlog::Policy> parse_witness_policy(const std::string& text);

// Parses a manifest from JSON (protobuf's JSON mapping); errors name the problem.
Expected<v1::Manifest> manifest_from_json(const std::string& json);
std::string manifest_to_json(const v1::Manifest& manifest);

}  // namespace senim::protocol
