#include "witness/witness_state.hpp"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "protocol/durable_file.hpp"

namespace senim::witness {

Status read_json_state(const std::string& path, google::protobuf::Message& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (::access(path.c_str(), F_OK) != 0)
      return Status::success();
    return protocol::io_error("cannot read " + path);
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (!google::protobuf::util::JsonStringToMessage(text, &out, options).ok()) {
    return make_error(Errc::invalid_encoding,
                      path + " is not a " + out.GetDescriptor()->name() + " file (damaged?)");
  }
  return Status::success();
}

Status write_json_state(const std::string& path, const google::protobuf::Message& state) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(state, &text, options).ok())
    return make_error(Errc::invalid_argument, "cannot encode " + path);
  return protocol::replace_file_durably(path, as_bytes(text));
}

Expected<v1::WitnessState> read_state(const std::string& path) {
  v1::WitnessState state;
  if (auto s = read_json_state(path, state); !s) {
    if (s.error().code == Errc::invalid_encoding)
      return make_error(Errc::invalid_encoding, path + " is not a witness state file (damaged?)");
    return s.error();
  }
  return state;
}

Status write_state(const std::string& path, const v1::WitnessState& state) {
  return write_json_state(path, state);
}

}  // namespace senim::witness
