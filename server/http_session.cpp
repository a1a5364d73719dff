#include "server/http_session.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>

#include "server/limits.hpp"
#include "server/linger.hpp"
#include "server/query.hpp"

namespace senim::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using net::ip::tcp;

namespace {

constexpr std::string_view kMetricsPath = "/metrics";
constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

// Beast (Boost 1.74) has its own string_view.
std::string_view std_view(beast::string_view v) {
  return {v.data(), v.size()};
}

// At most `max` bytes of a client's header value, for an error message.
std::string quoted(std::string_view value, std::size_t max = 64) {
  return "\"" + std::string(value.substr(0, max)) + (value.size() > max ? "…\"" : "\"");
}

// The Transfer-Encoding fields of `req`, joined, if they are anything but
// exactly "chunked": RFC 9112 §6.3 (a coding other than a final chunked makes
// the length unknowable: 400 and close) and §6.1 (no coding but chunked is
// understood here, and HTTP/1.0 has none).
std::optional<std::string> unsupported_transfer_encoding(
    const http::request_parser<http::string_body>& parser) {
  const auto& req = parser.get();
  const auto fields = req.equal_range(http::field::transfer_encoding);
  if (fields.first == fields.second)
    return std::nullopt;
  std::string joined;
  std::size_t codings = 0;
  bool all_chunked = true;
  for (auto it = fields.first; it != fields.second; ++it) {
    joined += (joined.empty() ? "" : ", ") + std::string(std_view(it->value()));
    for (const auto coding : http::token_list{it->value()}) {
      ++codings;
      all_chunked = all_chunked && beast::iequals(coding, "chunked");
    }
  }
  if (codings == 1 && all_chunked && parser.chunked() && req.version() >= 11)
    return std::nullopt;
  return joined;
}

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, HttpService& service,
                         std::unique_ptr<ConnectionTable::Slot> slot, std::string address)
    : stream_(std::move(socket)),
      buffer_(limits::kMaxHeaderBytes + limits::kReadChunkBytes),
      idle_timer_(stream_.get_executor()),
      service_(service),
      slot_(std::move(slot)),
      address_(std::move(address)) {}

void HttpSession::start() {
  // The socket was accepted on a strand: start there.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
}

// --- idle ---------------------------------------------------------------------

void HttpSession::wait_for_request() {
  if (closed_)
    return;
  if (buffer_.size() > 0)
    return read_header();  // a pipelined request is already here
  // Idle: hold no buffer, and let the acceptor evict this connection if it
  // needs the place.
  buffer_.shrink_to_fit();
  service_.connections->set_idle(*slot_,
                                 [weak = weak_from_this(), executor = stream_.get_executor()] {
                                   net::post(executor, [weak] {
                                     if (auto self = weak.lock())
                                       self->on_evicted();
                                   });
                                 });
  idle_timer_.expires_after(limits::kIdleTimeout);
  idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec)
      self->close_because(CloseReason::idle_timeout);
  });
  wait_readable();
}

void HttpSession::wait_readable() {
  stream_.socket().async_wait(
      tcp::socket::wait_read,
      [self = shared_from_this()](beast::error_code ec) { self->on_readable(ec); });
}

bool HttpSession::nothing_to_read() {
  // A wait can end with nothing to read (the reactor may report readiness
  // meant for a closed descriptor whose number this socket now has): peek.
  char byte = 0;
  const ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void HttpSession::on_readable(beast::error_code ec) {
  if (closed_)
    return;
  if (!ec && nothing_to_read())
    return wait_readable();  // still idle, its deadline still running
  idle_timer_.cancel();
  // Evicted meanwhile: the place is gone.
  if (ec || !service_.connections->set_busy(*slot_))
    return close();
  read_header();
}

void HttpSession::on_evicted() {
  if (!closed_)
    close_because(CloseReason::evicted);
}

// --- request ------------------------------------------------------------------

void HttpSession::read_header() {
  request_time_ = std::chrono::system_clock::now();
  request_start_ = Clock::now();
  method_.clear();
  path_.clear();
  format_ = Format::protobuf;
  bytes_written_ = 0;
  status_ = 0;
  keep_alive_ = false;
  linger_after_ = false;
  parser_.emplace();
  parser_->header_limit(limits::kMaxHeaderBytes);
  parser_->body_limit(limits::kMaxBodyBytes);
  // One deadline for the headers and the body together.
  stream_.expires_at(request_start_ + limits::kRequestTimeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  if (ec)
    return on_read_error(ec);
  const auto& req = parser_->get();
  method_ = std::string(std_view(req.method_string()));
  const std::string_view target = std_view(req.target());
  path_ = std::string(target.substr(0, target.find('?')));
  // Refusals from here on come in the format the request asks for.
  auto format =
      negotiate_format(parse_target(target).param("format"), std_view(req[http::field::accept]));
  format_ = format ? *format : Format::protobuf;
  if (auto coding = unsupported_transfer_encoding(*parser_)) {
    return refuse(400, "invalid_encoding",
                  "Transfer-Encoding " + quoted(*coding) +
                      " is not supported: send the body with a Content-Length, or chunked "
                      "and nothing else (RFC 9112 §6.3)");
  }
  bool expects_continue = false;
  if (req.version() >= 11 && req.count(http::field::expect) != 0) {
    const beast::string_view expect = req[http::field::expect];
    if (req.count(http::field::expect) != 1 || !beast::iequals(expect, "100-continue")) {
      return refuse(
          417, "expectation_failed",
          "Expect: " + quoted(std_view(expect)) + " is not supported; only 100-continue is");
    }
    expects_continue = true;
  }
  if (parser_->is_done())
    return dispatch();
  if (!expects_continue)
    return read_body();
  // RFC 9110 §10.1.1: the client waits for this before sending the body.
  continue_.emplace(http::status::continue_, 11);
  http::async_write(stream_, *continue_,
                    [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                      self->continue_.reset();
                      if (write_ec)
                        return self->on_read_error(write_ec);
                      self->read_body();
                    });
}

void HttpSession::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     if (ec)
                       return self->on_read_error(ec);
                     self->dispatch();
                   });
}

void HttpSession::on_read_error(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return refuse(
        413, "too_large",
        "request body exceeds the limit of " + std::to_string(limits::kMaxBodyBytes) + " bytes");
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return refuse(431, "too_large",
                  "request line and headers exceed the limit of " +
                      std::to_string(limits::kMaxHeaderBytes) + " bytes");
  }
  if (ec == beast::error::timeout)
    return close_because(CloseReason::request_timeout);
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::operation_aborted || ec == net::error::broken_pipe) {
    return close();
  }
  // Malformed HTTP: say so once, then close.
  refuse(400, "invalid_encoding", "bad HTTP request: " + ec.message());
}

// --- work ---------------------------------------------------------------------

void HttpSession::dispatch() {
  auto& req = parser_->get();
  keep_alive_ = req.keep_alive();
  Request request;
  request.method = method_;
  request.target = std::string(std_view(req.target()));
  request.accept = std::string(std_view(req[http::field::accept]));
  request.content_type = std::string(std_view(req[http::field::content_type]));
  request.body = std::move(req.body());
  parser_.reset();
  // The time the board takes is not the client's: no deadline meanwhile.
  stream_.expires_never();
  if (request.method == "GET" && path_ == kMetricsPath) {
    // Answered here, not on a lane: it must work when the lanes are busy.
    Response metrics;
    metrics.content_type = kMetricsType;
    metrics.body = service_.metrics.render(service_.gauges());
    return send(std::move(metrics));
  }
  const Lane lane = request.method == "POST" ? Lane::write : Lane::read;
  auto executor = stream_.get_executor();
  const bool queued =
      service_.lanes.submit(lane, [self = shared_from_this(), executor, request]() mutable {
        self->service_.api.handle(request, [self, executor](Response response) {
          net::post(executor, [self, response = std::move(response)]() mutable {
            self->send(std::move(response));
          });
        });
      });
  if (!queued) {
    keep_alive_ = false;
    send(error_response(503, "io_error", "the server is stopping; retry shortly", format_));
  }
}

// --- response -----------------------------------------------------------------

void HttpSession::send(Response response) {
  if (closed_)
    return;
  status_ = response.status;
  auto res = std::make_shared<http::response<ResponseBody>>();
  res->version(11);
  res->result(response.status);
  res->set(http::field::server, "senim-server");
  res->set(http::field::content_type, response.content_type);
  if (!response.cache_control.empty())
    res->set(http::field::cache_control, response.cache_control);
  if (response.status == 503)
    res->set(http::field::retry_after, "1");
  res->keep_alive(keep_alive_ && !linger_after_);
  if (response.stream) {
    res->chunked(true);
  } else {
    res->content_length(response.body.size());
  }
  res->body() = std::move(response);
  response_ = res;
  serializer_.emplace(*response_);
  response_start_ = Clock::now();
  write_some();
}

std::uint64_t HttpSession::unacknowledged_bytes() {
  int held = 0;
  if (::ioctl(stream_.socket().native_handle(), SIOCOUTQ, &held) != 0)
    return 0;
  return static_cast<std::uint64_t>(std::max(held, 0));
}

std::uint64_t HttpSession::bytes_delivered() {
  // What the kernel still holds for the client (unsent, or sent and not yet
  // acknowledged) has not reached it: a client that stops reading leaves up
  // to a few MiB there, which must not buy it time.
  const std::uint64_t held = unacknowledged_bytes();
  return bytes_written_ > held ? bytes_written_ - held : 0;
}

void HttpSession::write_some() {
  // One deadline for the whole answer, extended only by what has reached
  // the client.
  const auto allowance =
      limits::kResponseTimeout +
      std::chrono::seconds(bytes_delivered() / limits::kMinResponseBytesPerSecond);
  stream_.expires_at(response_start_ + allowance);
  http::async_write_some(stream_, *serializer_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                           self->bytes_written_ += n;
                           if (!ec && !self->serializer_->is_done())
                             return self->write_some();
                           self->on_written(ec);
                         });
}

void HttpSession::on_written(beast::error_code ec) {
  if (ec == beast::error::timeout)
    service_.metrics.connection_closed(CloseReason::response_timeout);
  finish_request();
  serializer_.reset();
  response_.reset();
  if (ec)
    return close();
  if (linger_after_) {
    // The request was not wholly read: drop the rest, then close.
    closed_ = true;
    idle_timer_.cancel();
    slot_.reset();
    stream_.expires_never();
    linger_and_close(stream_.release_socket(), nullptr, linger_bytes_);
    return;
  }
  if (!keep_alive_)
    return close();
  wait_for_request();
}

void HttpSession::finish_request() {
  service_.metrics.request_answered(status_);
  if (service_.access_log != nullptr) {
    service_.access_log->write(AccessRecord{request_time_, address_, method_, path_, status_,
                                            bytes_written_, Clock::now() - request_start_});
  }
}

void HttpSession::refuse(unsigned status, std::string_view code, const std::string& message) {
  linger_after_ = true;
  linger_bytes_ = status == 413 ? limits::kMaxLingerTooLargeBytes : limits::kMaxLingerBytes;
  keep_alive_ = false;
  send(error_response(status, code, message, format_));
}

void HttpSession::close() {
  if (closed_)
    return;
  closed_ = true;
  idle_timer_.cancel();
  slot_.reset();  // the place is free now
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void HttpSession::close_because(CloseReason reason) {
  if (closed_)
    return;
  service_.metrics.connection_closed(reason);
  // Bytes still in the kernel for a client we give up on (it stopped
  // reading): reset, so that the kernel frees them now rather than keep
  // trying to deliver them after the close.
  if (unacknowledged_bytes() > 0) {
    beast::error_code ignored;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
  }
  close();
}

}  // namespace senim::server
