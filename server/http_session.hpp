// One HTTP/1.1 connection (Boost.Beast): read a request within the limits,
// hand it to the API, write the answer, repeat while keep-alive. All of its
// handlers run on the connection's strand; the API may answer from another
// thread, and the answer is posted back to the strand.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "server/api.hpp"
#include "server/http_body.hpp"

namespace senim::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `open_connections` counts live sessions; a session that finds the limit
  // reached answers its first request with 503 and closes.
  HttpSession(boost::asio::ip::tcp::socket&& socket, Api& api,
              std::shared_ptr<std::atomic<std::size_t>> open_connections);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void send(Response response, bool keep_alive);
  void write_some(bool keep_alive, bool linger_after);
  void on_write(bool keep_alive, boost::beast::error_code ec);
  // After refusing a request whose body was not read (413): stop sending,
  // then read and drop what the client still sends, so that it gets to read
  // the answer instead of a connection reset.
  void linger();
  void drain();
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<boost::beast::http::response<ResponseBody>> response_;
  std::optional<boost::beast::http::response_serializer<ResponseBody>> serializer_;
  Api& api_;
  std::shared_ptr<std::atomic<std::size_t>> open_connections_;
  bool over_limit_;
  std::size_t lingered_ = 0;
};

}  // namespace senim::server
