// One API call as the endpoint handlers see it: the request, its parsed
// target and the answer format (internal to api*.cpp).
#pragma once

#include "server/api_format.hpp"
#include "server/http_message.hpp"
#include "server/query.hpp"

namespace senim::server::api {

struct Call {
  const Request& request;
  Target target;
  Format format;
};

}  // namespace senim::server::api
