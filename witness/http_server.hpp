// The witness's HTTP/1.1 server (Boost.Beast over Boost.Asio): the two
// tlog-witness endpoints and nothing else.
//
//   POST /add-checkpoint                 → routes.add_checkpoint, one at a time
//   GET  /<origin hash>/checkpoint       → routes.checkpoint
//
// Requests are read on one I/O thread; add-checkpoint runs on one worker
// thread, so requests are serialised (the spec's atomic check-and-persist)
// and a slow one (a witness catching up) never blocks the monitoring
// endpoint. Limits, each for a reason: a body of at most the add-checkpoint
// maximum (docs/protocol.md §13.6; larger is answered 400 and the
// connection closed), 8 KiB of headers, 30 s to read a request, 256 open
// connections, and 16 add-checkpoint requests waiting (then 503).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/error.hpp"
#include "witness/witness.hpp"

namespace senim::witness {

struct HttpRoutes {
  std::function<Answer(std::string_view body)> add_checkpoint;
  std::function<Answer(std::string_view origin_hash)> checkpoint;
};

class HttpServer {
 public:
  // Binds HOST:PORT (port 0: any free port). Errors: io_error.
  static Expected<std::unique_ptr<HttpServer>> bind(const std::string& host, std::uint16_t port);
  ~HttpServer();
  std::uint16_t port() const;
  // Serves until stop(), SIGINT or SIGTERM.
  void run(HttpRoutes routes);
  void stop();

  struct State;

 private:
  explicit HttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace senim::witness
