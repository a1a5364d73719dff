// A strict reading of a JSON file meant for a protobuf message (the
// manifest): protobuf's JSON mapping accepts a number written as text
// ("1") and names a wrong value by its wire type (TYPE_UINT32). A person
// writing a manifest needs the opposite: every value of the type its field
// has, and an error that names the field by its path, in words.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>

#include "crypto/error.hpp"

namespace senim::protocol {

// Checks that `json` is one object shaped like `type`: every key a field of
// it (by its proto name or JSON name), every integer a JSON number that is
// whole and in its field's range, every string, bool, list and object where
// the field has one. Errors are invalid_argument, naming the path
// ("contests[0].min_selections") and what was expected.
Status check_json_shape(const std::string& json, const google::protobuf::Descriptor& type);

}  // namespace senim::protocol
