// docs/api.md, "Encodings": in the JSON of an answer, the answer's own
// `bytes` fields (BoardInfo's keys and base hash, a Receipt's tracking code)
// are lowercase hex, like every key and hash people read and compare.
// protobuf's JSON mapping writes them in base64; this rewrites them. Bytes
// inside lists and nested messages (the entries and proofs of the tools'
// answers) are left as the mapping writes them.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "crypto/error.hpp"

namespace senim::protocol {

// `json` is protobuf's JSON of `message` with preserve_proto_field_names,
// each key followed by `separator` (":" as MessageToJsonString writes, ": "
// with add_whitespace); returns it with each set top-level singular bytes
// field's value in lowercase hex instead of base64.
std::string hex_bytes_in_json(const google::protobuf::Message& message, std::string json,
                              std::string_view separator = ":");

// The JSON of a readable answer as the board writes it (docs/api.md,
// "Formats"): protobuf's JSON mapping with the proto field names and every
// primitive field printed, then hex_bytes_in_json, then "\n". A mirror's
// files (client/export_tiles.cpp) are these same bytes. Errors:
// invalid_argument (protobuf cannot print it).
Expected<std::string> readable_json(const google::protobuf::Message& message);

// The reverse, for reading such JSON with protobuf's parser: each top-level
// singular bytes field of `descriptor` whose JSON value is lowercase hex
// (an even number of 0-9a-f) is rewritten in base64; any other value is
// left for the parser, so that base64 (the older files) still reads. The
// two cannot be confused for a field of 32 or 64 bytes: their base64 ends
// in "=". Errors: invalid_encoding (not a JSON object).
Expected<std::string> base64_bytes_in_json(const google::protobuf::Descriptor& descriptor,
                                           const std::string& json);

}  // namespace senim::protocol
