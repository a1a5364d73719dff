// A request target split into its path and query parameters, and strict
// parsing of the numbers and hex strings the API takes. Only what senim's
// own endpoints need: no percent-decoding (no parameter needs it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::server {

struct Target {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;

  // The parameter's value, "" if absent.
  std::string_view param(std::string_view name) const;
};

Target parse_target(std::string_view target);

// A decimal u64 query parameter: digits only, no sign, no overflow.
// `fallback` when absent (nullopt: required).
Expected<std::uint64_t> uint_param(const Target& target, std::string_view name,
                                   std::optional<std::uint64_t> fallback = std::nullopt);

// Exactly 32 bytes as 64 hex digits (a tracking code or a public key).
Expected<Hash32> hex32(std::string_view text, std::string_view what);

}  // namespace senim::server
