// One HTTP/1.1 connection (Boost.Beast), admitted by the ConnectionTable.
// Each request goes through these phases, each with its own bound
// (limits.hpp):
//
//   idle      waiting for the request's first byte: nothing held but the
//             socket; evictable; kIdleTimeout
//   request   headers, then the body: one deadline for both, kRequestTimeout;
//             framing (Transfer-Encoding, RFC 9112 §6.3), Expect and the
//             body's size are checked between the two, before the body is read
//   work      the API answers on a worker lane (work_lanes.hpp), writes after
//             their group commit; the connection reads nothing meanwhile
//   response  one deadline for the whole answer: kResponseTimeout, plus time
//             at kMinResponseBytesPerSecond for what has reached the client
//             (acknowledged, not just handed to the kernel); a streamed
//             answer is produced piece by piece as the socket takes it
//
// then one access-log line and the request's metrics, and back to idle if
// the connection is kept alive. All handlers run on the connection's strand;
// the API may answer from another thread, and the answer is posted back.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "server/api_format.hpp"
#include "server/connection_table.hpp"
#include "server/http_body.hpp"
#include "server/http_service.hpp"

namespace senim::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, HttpService& service,
              std::unique_ptr<ConnectionTable::Slot> slot, std::string address);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();

 private:
  using Clock = std::chrono::steady_clock;

  // idle
  void wait_for_request();
  void wait_readable();
  bool nothing_to_read();
  void on_readable(boost::beast::error_code ec);
  void on_evicted();
  // request
  void read_header();
  // Framing and Expect, then the body.
  void on_header(boost::beast::error_code ec);
  void read_body();
  // A read error: refused with an answer, or closed.
  void on_read_error(boost::beast::error_code ec);
  // work
  void dispatch();
  // response
  void send(Response response);
  void write_some();
  // Bytes the kernel holds for the client, unsent or not acknowledged, and
  // bytes of this answer the client has acknowledged.
  std::uint64_t unacknowledged_bytes();
  std::uint64_t bytes_delivered();
  void on_written(boost::beast::error_code ec);
  void finish_request();
  // Answers with an ApiError and closes without reading further.
  void refuse(unsigned status, std::string_view code, const std::string& message);
  void close();
  void close_because(CloseReason reason);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer idle_timer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> continue_;
  std::shared_ptr<boost::beast::http::response<ResponseBody>> response_;
  std::optional<boost::beast::http::response_serializer<ResponseBody>> serializer_;
  HttpService& service_;
  std::unique_ptr<ConnectionTable::Slot> slot_;
  std::string address_;
  // The request being served: for its deadlines, its answer and the log.
  std::string method_;
  std::string path_;
  Format format_ = Format::protobuf;
  std::chrono::system_clock::time_point request_time_;
  Clock::time_point request_start_;
  Clock::time_point response_start_;
  std::uint64_t bytes_written_ = 0;
  unsigned status_ = 0;
  bool keep_alive_ = false;
  bool linger_after_ = false;     // the request was not wholly read
  std::size_t linger_bytes_ = 0;  // and this much more is read, then dropped
  bool closed_ = false;
};

}  // namespace senim::server
