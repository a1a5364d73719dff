// Closing a connection whose request was not (wholly) read, after writing
// an answer to it: refused at accept, or a request refused before its body
// (413, 417, 503, a Transfer-Encoding the server does not take). Closing at
// once, with unread bytes, would send a reset that can destroy the answer
// before the client reads it; so the server stops sending, then reads and
// drops what still comes for a short while (limits::kLingerTimeout, at most
// `max_bytes`) into a small buffer, and closes; a client that sends more
// than that is reset.
//
// At most limits::kMaxLingeringRefusals connections linger at once, across
// the server; beyond that a connection is closed at once.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <string>

namespace senim::server {

// Writes `answer` (may be empty: already written), then lingers and closes.
// Takes the socket; runs on the socket's executor.
void linger_and_close(boost::asio::ip::tcp::socket socket,
                      std::shared_ptr<const std::string> answer, std::size_t max_bytes);

}  // namespace senim::server
