// docs/api.md, "Encodings": in the JSON of an answer, the answer's own
// `bytes` fields (BoardInfo's keys and base hash, a Receipt's tracking code)
// are lowercase hex, like every key and hash people read and compare.
// protobuf's JSON mapping writes them in base64; this rewrites them. Bytes
// inside lists and nested messages (the entries and proofs of the tools'
// answers) are left as the mapping writes them.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace senim::protocol {

// `json` is MessageToJsonString(message) with preserve_proto_field_names
// (no whitespace); returns it with each set top-level singular bytes field's
// value in lowercase hex instead of base64.
std::string hex_bytes_in_json(const google::protobuf::Message& message, std::string json);

}  // namespace senim::protocol
