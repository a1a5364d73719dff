#include "protocol/strict_json.hpp"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <sstream>

namespace senim::protocol {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

Error wrong(const std::string& path, const std::string& what) {
  return make_error(Errc::invalid_argument, path + ": " + what);
}

std::string kind_of(const Value& v) {
  switch (v.kind_case()) {
    case Value::kNullValue:
      return "null";
    case Value::kNumberValue:
      return "a number";
    case Value::kStringValue:
      return "the text \"" + v.string_value() + "\"";
    case Value::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case Value::kStructValue:
      return "an object";
    case Value::kListValue:
      return "a list";
    default:
      return "nothing";
  }
}

// A JSON number as a person wrote it: whole numbers without decimals.
std::string number_text(double x) {
  if (std::floor(x) == x && std::fabs(x) < 1e18)
    return std::to_string(static_cast<long long>(x));
  std::ostringstream out;
  out << x;
  return out.str();
}

Status check_message(const Value& v, const Descriptor& type, const std::string& path);

// One value of a field's (element) type.
Status check_scalar(const Value& v, const FieldDescriptor& f, const std::string& path) {
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_INT64: {
      const bool is_unsigned = f.cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
                               f.cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
      const bool is_32 = f.cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
                         f.cpp_type() == FieldDescriptor::CPPTYPE_INT32;
      const double lo = is_unsigned ? 0.0 : (is_32 ? -2147483648.0 : -9007199254740992.0);
      const double hi = is_32 ? (is_unsigned ? 4294967295.0 : 2147483647.0) : 9007199254740992.0;
      const std::string range = "a whole number from " +
                                std::to_string(static_cast<long long>(lo)) + " to " +
                                std::to_string(static_cast<unsigned long long>(hi));
      if (v.kind_case() != Value::kNumberValue)
        return wrong(path, range + " is expected, written without quotes; not " + kind_of(v));
      const double x = v.number_value();
      if (std::floor(x) != x || x < lo || x > hi)
        return wrong(path, range + " is expected, not " + number_text(x));
      return Status::success();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (v.kind_case() != Value::kBoolValue)
        return wrong(path, "true or false is expected, not " + kind_of(v));
      return Status::success();
    case FieldDescriptor::CPPTYPE_STRING:
      if (v.kind_case() != Value::kStringValue)
        return wrong(path, "a text in quotes is expected, not " + kind_of(v));
      return Status::success();
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return check_message(v, *f.message_type(), path);
    default:
      return Status::success();  // enums, floats: protobuf's own reading decides
  }
}

Status check_message(const Value& v, const Descriptor& type, const std::string& path) {
  if (v.kind_case() != Value::kStructValue)
    return wrong(path.empty() ? "the file" : path, "an object {…} is expected, not " + kind_of(v));
  for (const auto& [key, value] : v.struct_value().fields()) {
    const FieldDescriptor* f = type.FindFieldByName(key);
    for (int i = 0; f == nullptr && i < type.field_count(); ++i) {
      if (type.field(i)->json_name() == key)
        f = type.field(i);
    }
    const std::string at = path.empty() ? key : path + "." + key;
    if (f == nullptr)
      return wrong(at, "there is no such field in " + type.name());
    if (f->is_map()) {
      if (value.kind_case() != Value::kStructValue)
        return wrong(at, "an object {…} is expected, not " + kind_of(value));
      const FieldDescriptor& mapped = *f->message_type()->map_value();
      for (const auto& [k, item] : value.struct_value().fields()) {
        if (auto s = check_scalar(item, mapped, at + "." + k); !s)
          return s;
      }
    } else if (f->is_repeated()) {
      if (value.kind_case() != Value::kListValue)
        return wrong(at, "a list […] is expected, not " + kind_of(value));
      int i = 0;
      for (const auto& item : value.list_value().values()) {
        if (auto s = check_scalar(item, *f, at + "[" + std::to_string(i++) + "]"); !s)
          return s;
      }
    } else if (auto s = check_scalar(value, *f, at); !s) {
      return s;
    }
  }
  return Status::success();
}

}  // namespace

Status check_json_shape(const std::string& json, const Descriptor& type) {
  Value root;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &root);
  if (!parsed.ok()) {
    // The parser's message is a line, then the place marked with a caret
    // on lines of its own: the line is what a person can use.
    const std::string message(parsed.message());
    return make_error(Errc::invalid_argument, "not JSON: " + message.substr(0, message.find('\n')));
  }
  return check_message(root, type, "");
}

}  // namespace senim::protocol
