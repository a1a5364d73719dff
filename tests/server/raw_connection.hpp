// A plain TCP connection to the server under test, for requests no HTTP
// client would send (smuggling, trickled headers, unread answers, many idle
// sockets) and for choosing the source address (127.0.0.2, …: every
// 127.0.0.0/8 address reaches loopback, so tests can play several hosts).
// Blocking POSIX sockets with poll() deadlines; throws on setup failures.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace senim::test {

// An HTTP response parsed from raw bytes.
struct RawResponse {
  std::size_t wire_bytes = 0;  // its length on the wire
  unsigned status = 0;
  std::string content_type;
  std::string body;  // de-chunked
  bool keep_alive = false;
};
// Every complete response in `bytes`, in order (pipelined answers too).
std::vector<RawResponse> parse_responses(const std::string& bytes);

class RawConnection {
 public:
  // Connects to the host:port of `url` (http://127.0.0.1:PORT), from
  // `source` if given (an IPv4 address), with a receive buffer of
  // `receive_buffer` bytes if non-zero (set before connecting, so that the
  // window stays that small).
  explicit RawConnection(const std::string& url, const std::string& source = {},
                         int receive_buffer = 0);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&&) = delete;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; false if the connection broke.
  bool send(std::string_view bytes);
  // Reads until `needle` has arrived, the peer closed, or `timeout`.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout);
  // Reads until the peer closes (or resets), or `timeout`; what arrived.
  std::string read_to_end(std::chrono::milliseconds timeout);
  // Reads until one whole HTTP response has arrived (keeping any bytes after
  // it for the next call), or `timeout`; nullopt if none came whole.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout);
  // Did the peer close (or reset) the connection within `timeout`? Reads
  // and drops anything that arrives meanwhile.
  bool closed_within(std::chrono::milliseconds timeout);
  bool peer_closed() const { return peer_closed_; }

 private:
  // One read with a deadline; nullopt on timeout, "" when the peer closed.
  std::optional<std::string> read_some(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool peer_closed_ = false;
  std::string pending_;  // read past the last response returned
};

}  // namespace senim::test
