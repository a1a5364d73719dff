// Base64 as the C2SP specifications use it: the standard alphabet with
// padding, RFC 4648 §4 (docs/protocol.md §13.1).
//
// Decoding is strict: only the canonical encoding of some byte string is
// accepted — no whitespace, no missing or extra padding, no non-zero bits
// in the padding. A signature or hash therefore has exactly one textual
// form, so two parties comparing lines of a note or a proof compare bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {

std::string base64_encode(ByteView bytes);

// The bytes `text` encodes; nullopt unless `text` is the canonical
// encoding of them.
std::optional<Bytes> base64_decode(std::string_view text);

// A 32-byte hash line (a root, a proof element). `what` names the field in
// the error. Errors: invalid_encoding (not canonical base64),
// invalid_length (not 32 bytes).
Expected<Hash32> base64_decode_hash(std::string_view text, std::string_view what);

// Reads base64 hash lines (a proof) off `lines` up to and including the
// empty line that ends them. Errors: those of base64_decode_hash;
// invalid_length after `max_lines` hashes; invalid_encoding if the text ends
// before the empty line.
Expected<std::vector<Hash32>> read_hash_lines(LineReader& lines, std::size_t max_lines,
                                              std::string_view what);

}  // namespace senim::tlog
