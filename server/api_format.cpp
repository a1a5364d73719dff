#include "server/api_format.hpp"

#include <google/protobuf/util/json_util.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <cctype>

#include "proto/api.pb.h"
#include "protocol/readable_json.hpp"

namespace senim::server {

Expected<Format> negotiate_format(std::string_view format_param, std::string_view accept,
                                  Format fallback) {
  if (format_param == "json")
    return Format::json;
  if (format_param == "protobuf")
    return Format::protobuf;
  if (!format_param.empty()) {
    return make_error(Errc::invalid_argument,
                      "format \"" + std::string(format_param) + "\" is not one of json, protobuf");
  }
  return accepts_json(accept) ? Format::json : fallback;
}

namespace {

constexpr std::string_view kWhitespace = " \t";

std::string_view trimmed(std::string_view s) {
  const auto begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos)
    return {};
  return s.substr(begin, s.find_last_not_of(kWhitespace) - begin + 1);
}

// q=0 (or 0.0, 0.000) means "not acceptable" (RFC 9110 §12.4.2).
bool refuses(std::string_view parameters) {
  for (const auto& param : boost::beast::http::param_list(
           boost::beast::string_view(parameters.data(), parameters.size()))) {
    if (!boost::beast::iequals(param.first, "q"))
      continue;
    const std::string_view q(param.second.data(), param.second.size());
    return !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
  }
  return false;
}

}  // namespace

std::string media_type(std::string_view value) {
  std::string type(trimmed(value.substr(0, value.find(';'))));
  for (char& c : type)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

bool accepts_json(std::string_view accept) {
  return accepts_type(accept, kJsonType);
}

bool accepts_type(std::string_view accept, std::string_view type) {
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const std::string_view element = accept.substr(0, comma);
    const auto semicolon = element.find(';');
    if (media_type(element) == type &&
        (semicolon == std::string_view::npos || !refuses(element.substr(semicolon)))) {
      return true;
    }
    if (comma == std::string_view::npos)
      break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}

bool is_view_path(std::string_view path) {
  return path == "/v1/manifest" || path == "/v1/turnout" || path == "/v1/result" ||
         path == "/v1/log" || path.starts_with("/v1/challenges/");
}

Format default_format(std::string_view method, std::string_view path, std::string_view accept) {
  const bool readable = method == "GET" && is_view_path(path);
  return readable || accepts_type(accept, "text/html") ? Format::json : Format::protobuf;
}

bool is_entry_media_type(std::string_view content_type) {
  const std::string type = media_type(content_type);
  return type.empty() || type == kProtobufType || type == "application/octet-stream";
}

Response encode(const google::protobuf::Message& message, Format format, unsigned status) {
  Response r;
  r.status = status;
  if (format == Format::json) {
    if (auto json = protocol::readable_json(message)) {
      r.body = std::move(*json);
    } else {
      r.status = 500;
      r.body = "{\"code\":\"internal\",\"message\":\"cannot encode the answer as JSON\"}\n";
    }
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
