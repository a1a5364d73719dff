#include "server/http_session.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/api_format.hpp"
#include "server/limits.hpp"

namespace senim::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

// A refused oversized request's body is drained up to this much, then the
// connection is closed anyway.
constexpr std::size_t kMaxLingerBytes = 2 * limits::kMaxBodyBytes;
constexpr std::chrono::seconds kLingerTimeout{5};

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, Api& api,
                         std::shared_ptr<std::atomic<std::size_t>> open_connections)
    : stream_(std::move(socket)),
      api_(api),
      open_connections_(std::move(open_connections)),
      over_limit_(open_connections_->fetch_add(1) >= limits::kMaxConnections) {}

HttpSession::~HttpSession() {
  open_connections_->fetch_sub(1);
}

void HttpSession::start() {
  // The socket was accepted on a strand: start there.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void HttpSession::read() {
  parser_.emplace();
  parser_->body_limit(limits::kMaxBodyBytes);
  parser_->header_limit(limits::kMaxHeaderBytes);
  // Waiting for a request and reading it, headers and body, must finish in time.
  stream_.expires_after(limits::kReadTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void HttpSession::on_read(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    send(error_response(413, "too_large",
                        "request body exceeds the limit of " +
                            std::to_string(limits::kMaxBodyBytes) + " bytes",
                        Format::protobuf),
         false);
    return;
  }
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted) {
    return close();
  }
  if (ec) {
    // Malformed HTTP or headers over the limit: say so once, then close.
    send(error_response(400, "invalid_encoding", "bad HTTP request: " + ec.message(),
                        Format::protobuf),
         false);
    return;
  }
  http::request<http::string_body> req = parser_->release();
  const bool keep_alive = req.keep_alive();
  if (over_limit_) {
    send(error_response(503, "overloaded",
                        "the server has " + std::to_string(limits::kMaxConnections) +
                            " open connections, its limit; retry shortly",
                        Format::protobuf),
         false);
    return;
  }
  Request request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.accept = std::string(req[http::field::accept]);
  request.content_type = std::string(req[http::field::content_type]);
  request.body = std::move(req.body());
  // The API may answer from the committer's thread: come back to the strand.
  auto self = shared_from_this();
  api_.handle(request, [self, keep_alive](Response response) {
    net::post(self->stream_.get_executor(),
              [self, keep_alive, response = std::move(response)]() mutable {
                self->send(std::move(response), keep_alive);
              });
  });
}

void HttpSession::send(Response response, bool keep_alive) {
  const bool linger_after = response.status == 413;
  auto res = std::make_shared<http::response<ResponseBody>>();
  res->version(11);
  res->result(response.status);
  res->set(http::field::server, "senim-server");
  res->set(http::field::content_type, response.content_type);
  if (!response.cache_control.empty())
    res->set(http::field::cache_control, response.cache_control);
  res->keep_alive(keep_alive);
  if (response.stream) {
    res->chunked(true);
  } else {
    res->content_length(response.body.size());
  }
  res->body() = std::move(response);
  response_ = res;
  serializer_.emplace(*response_);
  write_some(keep_alive, linger_after);
}

void HttpSession::write_some(bool keep_alive, bool linger_after) {
  // The deadline is per piece, so a long record download is fine as long as
  // it keeps moving.
  stream_.expires_after(limits::kWriteTimeout);
  http::async_write_some(
      stream_, *serializer_,
      [self = shared_from_this(), keep_alive, linger_after](beast::error_code ec, std::size_t) {
        if (!ec && !self->serializer_->is_done()) {
          return self->write_some(keep_alive, linger_after);
        }
        if (!ec && linger_after)
          return self->linger();
        self->on_write(keep_alive, ec);
      });
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec) {
  serializer_.reset();
  response_.reset();
  if (ec || !keep_alive)
    return close();
  read();
}

void HttpSession::linger() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTimeout);
  drain();
}

void HttpSession::drain() {
  auto sink = std::make_shared<std::array<char, std::size_t{64} * 1024>>();
  stream_.async_read_some(net::buffer(*sink),
                          [self = shared_from_this(), sink](beast::error_code ec, std::size_t n) {
                            self->lingered_ += n;
                            if (ec || self->lingered_ > kMaxLingerBytes)
                              return self->close();
                            self->drain();
                          });
}

void HttpSession::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace senim::server
