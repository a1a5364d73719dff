#include "protocol/readable_json.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>
#include <sodium.h>

#include <memory>

#include "crypto/bytes.hpp"

namespace senim::protocol {
namespace {

constexpr const char* kTypeUrlPrefix = "type.googleapis.com";

// RFC 4648 §4 with padding: protobuf's JSON mapping of bytes.
std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

}  // namespace

std::string hex_bytes_in_json(const google::protobuf::Message& message, std::string json,
                              std::string_view separator) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_BYTES || field->is_repeated())
      continue;
    const std::string value = reflection->GetString(message, field);
    if (value.empty())
      continue;  // "" in either encoding
    // A key is written once, and a quote inside a string value is escaped,
    // so this text occurs only as the field itself.
    const std::string name = "\"" + field->name() + "\"" + std::string(separator) + "\"";
    const std::string written = name + base64(value) + "\"";
    const auto at = json.find(written);
    if (at != std::string::npos)
      json.replace(at, written.size(), name + to_hex(as_bytes(value)) + "\"");
  }
  return json;
}

Expected<std::string> readable_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Zeros and empty strings too: "tree_size": 0 reads better than nothing.
  options.always_print_primitive_fields = true;
  // The same message, the same bytes (a mirror's files are compared and
  // cached): protobuf writes the JSON from the message's wire form, and only
  // a deterministic serialisation orders a map (the manifest's texts) by key;
  // MessageToJsonString iterates the map's hash table instead.
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          kTypeUrlPrefix, google::protobuf::DescriptorPool::generated_pool()));
  std::string wire;
  {
    google::protobuf::io::StringOutputStream stream(&wire);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!message.SerializeToCodedStream(&coded))
      return make_error(Errc::invalid_argument, "cannot serialise " + message.GetTypeName());
  }
  std::string json;
  const std::string type_url = std::string(kTypeUrlPrefix) + "/" + message.GetTypeName();
  if (!google::protobuf::util::BinaryToJsonString(resolver.get(), type_url, wire, &json, options)
           .ok())
    return make_error(Errc::invalid_argument,
                      "cannot encode " + message.GetTypeName() + " as JSON");
  // docs/api.md, "Encodings": the answer's own keys and hashes in hex.
  json = hex_bytes_in_json(message, std::move(json));
  json += '\n';
  return json;
}

Expected<std::string> base64_bytes_in_json(const google::protobuf::Descriptor& descriptor,
                                           const std::string& json) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(json, &object).ok())
    return make_error(Errc::invalid_encoding, "not a JSON object");
  auto& fields = *object.mutable_fields();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const auto* field = descriptor.field(i);
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_BYTES || field->is_repeated())
      continue;
    auto it = fields.find(field->name());
    if (it == fields.end() || it->second.kind_case() != google::protobuf::Value::kStringValue)
      continue;
    const std::string& text = it->second.string_value();
    if (text.empty() || text.size() % 2 != 0 ||
        text.find_first_not_of("0123456789abcdef") != std::string::npos)
      continue;
    const auto bytes = from_hex(text);
    if (!bytes)
      continue;
    it->second.set_string_value(base64(std::string(bytes->begin(), bytes->end())));
  }
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(object, &out).ok())
    return make_error(Errc::invalid_encoding, "cannot write the JSON object again");
  return out;
}

}  // namespace senim::protocol
