// How the API encodes answers (docs/api.md, "Formats"): protobuf by default,
// protobuf's JSON mapping (proto field names) on request; errors as ApiError
// with an HTTP status chosen by the error's kind.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "crypto/error.hpp"
#include "server/http_message.hpp"

namespace senim::server {

enum class Format { protobuf, json };

inline constexpr std::string_view kProtobufType = "application/x-protobuf";
inline constexpr std::string_view kJsonType = "application/json";

// `format=json|protobuf` in the query wins; then an Accept header naming
// application/json; protobuf otherwise. An unknown `format` value is an error.
Expected<Format> negotiate_format(std::string_view format_param, std::string_view accept);

// Media types (RFC 9110 §8.3.1) are compared without regard to case, and may
// carry parameters: "Application/JSON; charset=utf-8" is application/json.
// The type/subtype of a Content-Type value or of one Accept element, lower
// case, without parameters or surrounding whitespace.
std::string media_type(std::string_view value);
// Does the Accept header name application/json (with a q other than 0)?
bool accepts_json(std::string_view accept);
// May a write's body come with this Content-Type? application/x-protobuf,
// application/octet-stream, or none.
bool is_entry_media_type(std::string_view content_type);

// 200 with `message` in `format`.
Response encode(const google::protobuf::Message& message, Format format, unsigned status = 200);

// The HTTP status for a protocol error: invalid input 400, not_authorized and
// signature_invalid 403, not_found 404, wrong_phase and duplicate 409,
// io_error 503 (storage failed or the server is stopping: retry later).
unsigned http_status(Errc code);

// An ApiError answer. `code` is errc_name() for protocol errors, or one of the
// server's own: too_large, overloaded, method_not_allowed,
// unsupported_media_type, internal.
Response error_response(unsigned status, std::string_view code, const std::string& message,
                        Format format);
Response error_response(const Error& error, Format format);

}  // namespace senim::server
