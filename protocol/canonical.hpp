// The one canonical encoding of a protobuf message (docs/protocol.md §11.1.1).
//
// Protobuf lets one message have many encodings: fields in any order, a
// field given twice (the last wins), unknown fields kept, varints padded.
// senim hashes and signs exact bytes (tracking codes, signatures, leaf
// hashes), so every board entry must have exactly one encoding, or one
// ballot could appear under many tracking codes. The rules are those of
// libprotobuf 3.21's deterministic serialisation, written out so that they
// can be checked without libprotobuf; each broken rule has its own Errc.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::protocol {

// Serialises a message deterministically (libprotobuf's
// SetSerializationDeterministic): for every message of proto/*.proto this is
// its canonical encoding.
std::string serialize(const google::protobuf::Message& message);

// Is `bytes` the canonical encoding of a message of `type` (§11.1.1)? The
// first broken rule, scanning front to back: noncanonical_varint,
// unknown_field, repeated_field, field_order or default_value; and
// invalid_encoding for the rest (a value cut short, a repeated number not
// packed, a string that is not UTF-8, a map entry not written as key then
// value). The message names the field ("Statement.ballot.sequence").
Status check_canonical(ByteView bytes, const google::protobuf::Descriptor& type);

// check_canonical, then libprotobuf's parse into `message`, then the
// deterministic re-serialisation must give `bytes` back (a difference is
// invalid_encoding; the scan above should make it unreachable).
Status parse_canonical(ByteView bytes, google::protobuf::Message& message);

}  // namespace senim::protocol
