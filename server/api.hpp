// The board's HTTP API (docs/api.md) as a pure request → response handler:
// it reads the request, asks the board or the committer, and answers through
// `respond` — at once for reads, after the durable commit for writes. It
// knows nothing about sockets (http_session.hpp does the I/O), never throws,
// and bad input changes nothing.
#pragma once

#include <optional>
#include <string_view>

#include "server/board.hpp"
#include "server/committer.hpp"
#include "server/http_message.hpp"

namespace senim::server {

class Api {
 public:
  Api(Board& board, Committer& committer) : board_(board), committer_(committer) {}

  // Answers `request` exactly once through `respond`.
  void handle(const Request& request, const Respond& respond);

 private:
  Board& board_;
  Committer& committer_;
};

// Internals shared by api.cpp, api_reads.cpp and api_writes.cpp.
namespace api {
struct Call;
// Reads answer now.
Response read(Board& board, const Call& call);
// Writes answer through `respond` once committed (or refused); a Response
// returned here (refused before queuing) is the answer instead.
std::optional<Response> write(Board& board, Committer& committer, const Call& call,
                              const Respond& respond);
// api_tiles.cpp: GET /checkpoint, /v1/witnessed-checkpoint, /tile/….
Response checkpoint(Board& board, const Call& call);
Response witnessed_checkpoint(Board& board, const Call& call);
Response tile(Board& board, const Call& call);
// Is `path` one of the POST endpoints? (GET on it is 405, not 404.)
bool is_write_path(std::string_view path);
}  // namespace api

}  // namespace senim::server
