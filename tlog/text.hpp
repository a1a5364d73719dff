// The text rules shared by the C2SP formats (docs/protocol.md §13.1):
// newline-terminated lines, decimal numbers without leading zeros, UTF-8
// without control characters, and signed-note key names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/error.hpp"

namespace senim::tlog {

// The ASCII decimal form of a number "with no leading zeroes (unless it is
// 0)": nullopt for anything else — empty, a sign, a leading zero, a
// non-digit, or a value above 2^64 − 1.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// Valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
// with no ASCII control character below U+0020 other than newline: the
// signed-note character rule. Errors: invalid_encoding, naming the offset.
Status check_note_characters(std::string_view text);

// A signed-note key name: non-empty, valid UTF-8, no Unicode White_Space
// character (the set Go's unicode.IsSpace reports) and no '+'.
bool is_valid_key_name(std::string_view name);

// `text` for an error message: quoted, at most 64 bytes of it, with bytes
// outside printable ASCII written as \xHH (untrusted input must not reach a
// log verbatim).
std::string quote(std::string_view text);

// Reads newline-terminated lines off the front of a text.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}
  // The next line without its newline; nullopt when the text is used up or
  // what is left has no newline (an unterminated line).
  std::optional<std::string_view> next();
  // What has not been read yet.
  std::string_view rest() const { return rest_; }
  // The number of lines read so far (for error messages: "line 3").
  std::size_t line_number() const { return lines_; }

 private:
  std::string_view rest_;
  std::size_t lines_ = 0;
};

}  // namespace senim::tlog
