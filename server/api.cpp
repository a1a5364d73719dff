#include "server/api.hpp"

#include <exception>

#include "server/api_call.hpp"

namespace senim::server {

void Api::handle(const Request& request, const Respond& respond) {
  Format format = Format::protobuf;
  try {
    Target target = parse_target(request.target);
    if (request.method == "GET") {
      if (auto page = api::web_page(target.path)) {
        respond(std::move(*page));
        return;
      }
    }
    auto negotiated = negotiate_format(target.param("format"), request.accept,
                                       default_format(request.method, target.path, request.accept));
    if (!negotiated) {
      respond(error_response(negotiated.error(), format));
      return;
    }
    format = *negotiated;
    const api::Call call{request, std::move(target), format};
    if (request.method == "GET") {
      respond(api::read(board_, call));
      return;
    }
    if (request.method == "POST") {
      if (auto answer = api::write(board_, committer_, call, respond))
        respond(std::move(*answer));
      return;
    }
    respond(error_response(405, "method_not_allowed",
                           "method " + request.method + " is not allowed; use GET or POST",
                           format));
  } catch (const std::exception& e) {
    // Nothing a client sends may take the server down (STYLE.md).
    respond(error_response(500, "internal", std::string("internal error: ") + e.what(), format));
  }
}

}  // namespace senim::server
