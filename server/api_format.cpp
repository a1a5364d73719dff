#include "server/api_format.hpp"

#include <google/protobuf/util/json_util.h>

#include "proto/api.pb.h"

namespace senim::server {

Expected<Format> negotiate_format(std::string_view format_param, std::string_view accept) {
  if (format_param == "json")
    return Format::json;
  if (format_param == "protobuf")
    return Format::protobuf;
  if (!format_param.empty()) {
    return make_error(Errc::invalid_argument,
                      "format \"" + std::string(format_param) + "\" is not one of json, protobuf");
  }
  if (accept.find(kJsonType) != std::string_view::npos)
    return Format::json;
  return Format::protobuf;
}

Response encode(const google::protobuf::Message& message, Format format, unsigned status) {
  Response r;
  r.status = status;
  if (format == Format::json) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    // Zeros and empty strings too: "tree_size": 0 reads better than nothing.
    options.always_print_primitive_fields = true;
    if (!google::protobuf::util::MessageToJsonString(message, &r.body, options).ok()) {
      r.status = 500;
      r.body = R"({"code":"internal","message":"cannot encode the answer as JSON"})";
    }
    r.body += '\n';
    r.content_type = kJsonType;
  } else {
    r.body = message.SerializeAsString();
    r.content_type = kProtobufType;
  }
  return r;
}

unsigned http_status(Errc code) {
  switch (code) {
    case Errc::not_authorized:
    case Errc::signature_invalid:
      return 403;
    case Errc::not_found:
      return 404;
    case Errc::wrong_phase:
    case Errc::duplicate:
    case Errc::ciphertext_reused:
      return 409;
    case Errc::io_error:
      return 503;
    default:
      return 400;
  }
}

Response error_response(unsigned status, std::string_view code, const std::string& message,
                        Format format) {
  v1::ApiError e;
  e.set_code(std::string(code));
  e.set_message(message);
  return encode(e, format, status);
}

Response error_response(const Error& error, Format format) {
  return error_response(http_status(error.code), errc_name(error.code), error.message, format);
}

}  // namespace senim::server
