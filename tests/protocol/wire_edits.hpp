// Byte-level edits of a canonical Statement, each breaking exactly one rule
// of docs/protocol.md §11.1.1 while libprotobuf still parses the result to a
// message (the attacks the rules exist for: the same ballot under another
// tracking code). For the board's and the verifier's tests.
#pragma once

#include <stdexcept>

#include "crypto/bytes.hpp"

namespace senim::test::wire {

// A canonical Statement is two records: election_id (0x0a, a length < 128,
// the id) and the body. Returns the length of the first.
inline std::size_t id_record_size(ByteView statement) {
  if (statement.size() < 2 || statement[0] != 0x0a || statement[1] >= 0x80)
    throw std::logic_error("wire: not a canonical Statement with an election id");
  return 2U + statement[1];
}

inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Field 127 (varint 1) appended: libprotobuf keeps it as an unknown field.
inline Bytes with_unknown_field(ByteView message) {
  const std::uint8_t unknown[] = {0xf8, 0x07, 0x01};
  return concat({message, unknown});
}

// The election id's length written in two bytes (0x80 | n, 0x00).
inline Bytes with_padded_length(ByteView statement) {
  const std::uint8_t padded[] = {0x0a, static_cast<std::uint8_t>(statement[1] | 0x80), 0x00};
  return concat({padded, statement.subspan(2)});
}

// An empty set-up (field 10 of the oneof body) before the real body: the
// last one wins in libprotobuf.
inline Bytes with_two_bodies(ByteView statement) {
  const std::size_t id = id_record_size(statement);
  const std::uint8_t empty_setup[] = {0x52, 0x00};
  return concat({statement.first(id), empty_setup, statement.subspan(id)});
}

// The body before the election id.
inline Bytes with_fields_swapped(ByteView statement) {
  const std::size_t id = id_record_size(statement);
  return concat({statement.subspan(id), statement.first(id)});
}

// The election id written out empty (a default value) and the body.
inline Bytes with_empty_id(ByteView statement) {
  const std::uint8_t empty_id[] = {0x0a, 0x00};
  return concat({empty_id, statement.subspan(id_record_size(statement))});
}

}  // namespace senim::test::wire
