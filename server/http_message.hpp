// The request and response the API handler sees: plain values with no
// Boost.Beast in them, so the handler is a pure function of the request
// (plus the board) that tests could call without a socket, and the session
// (http_session.hpp) is the only code that knows about I/O.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "crypto/error.hpp"

namespace senim::server {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query, e.g. "/v1/entries?start=0&count=10"
  std::string accept;  // the Accept header
  std::string content_type;
  std::string body;
};

struct Response {
  unsigned status = 200;
  std::string content_type;
  std::string cache_control;  // sent when not empty (tiles, checkpoints: docs/api.md)
  std::string body;
  // Set for an answer produced piece by piece (GET /v1/record), sent with
  // chunked encoding after `body`: called until it returns nullopt. An error
  // part-way aborts the connection, so the client sees a truncated answer
  // rather than a short one that looks complete.
  std::function<Expected<std::optional<std::string>>()> stream;
};

// How a handler answers; may be called from another thread (the committer's).
using Respond = std::function<void(Response)>;

}  // namespace senim::server
