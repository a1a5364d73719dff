// The checkpoint: the note text of a signed tree head
// (c2sp.org/tlog-checkpoint; docs/protocol.md §13.4).
//
//   <origin>\n
//   <tree size, decimal, no leading zeros>\n
//   <root hash, base64 of 32 bytes>\n
//   [<extension line>\n]...
//
// Every line is non-empty. The root is the RFC 9162 tree hash of the first
// `size` entries (docs/protocol.md §7.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::tlog {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash32 root{};
  std::vector<std::string> extensions;  // opaque, NOT RECOMMENDED by the spec

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// Parses a note text strictly. Errors: invalid_encoding (fewer than three
// lines, an empty line, no final newline, a size with a leading zero or a
// non-digit, a root that is not canonical base64, characters a note may not
// hold), invalid_length (a root that is not 32 bytes), out_of_range (a size
// above 2^64 − 1).
Expected<Checkpoint> parse_checkpoint(std::string_view text);

// The note text. Errors: invalid_argument if the origin or an extension
// line is empty, holds a newline, or holds characters a note may not.
Expected<std::string> format_checkpoint(const Checkpoint& checkpoint);

}  // namespace senim::tlog
