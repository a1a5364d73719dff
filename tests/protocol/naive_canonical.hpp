// A deliberately naive reference for docs/protocol.md §11.1.1, to test the
// scanner against (tests and fuzz_ballot): bytes are canonical iff libprotobuf
// parses them, the parsed message (and every message inside it) holds no
// unknown field, and its deterministic serialisation is the same bytes.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <vector>

#include "crypto/bytes.hpp"
#include "protocol/canonical.hpp"

namespace senim::test {

inline bool holds_unknown_fields(const google::protobuf::Message& m) {
  const google::protobuf::Reflection& r = *m.GetReflection();
  if (!r.GetUnknownFields(m).empty())
    return true;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r.ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE)
      continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r.FieldSize(m, f); ++i) {
        if (holds_unknown_fields(r.GetRepeatedMessage(m, f, i)))
          return true;
      }
    } else if (holds_unknown_fields(r.GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

// `scratch` is an empty message of the type to parse as.
inline bool naive_canonical(ByteView bytes, google::protobuf::Message& scratch) {
  scratch.Clear();
  if (!scratch.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return false;
  return !holds_unknown_fields(scratch) && same_bytes(protocol::serialize(scratch), bytes);
}

}  // namespace senim::test
