#include "server/http_listener.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/http.hpp>
#include <sstream>

#include "server/api_format.hpp"
#include "server/http_session.hpp"
#include "server/limits.hpp"
#include "server/linger.hpp"

namespace senim::server {

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;

namespace {

// The bytes of a 503 answer with an ApiError, ready to write to a socket
// whose request is never read.
std::shared_ptr<const std::string> refusal_answer(const std::string& message) {
  const Response error = error_response(503, "overloaded", message, Format::protobuf);
  http::response<http::string_body> res{http::status::service_unavailable, 11};
  res.set(http::field::server, "senim-server");
  res.set(http::field::content_type, error.content_type);
  res.set(http::field::retry_after, "1");
  res.keep_alive(false);
  res.body() = error.body;
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  return std::make_shared<const std::string>(out.str());
}

}  // namespace

HttpListener::HttpListener(net::io_context& io)
    : io_(io), acceptor_(net::make_strand(io)), retry_(acceptor_.get_executor()) {}

Expected<std::shared_ptr<HttpListener>> HttpListener::bind(net::io_context& io,
                                                           const tcp::endpoint& at) {
  std::shared_ptr<HttpListener> listener(new HttpListener(io));
  boost::system::error_code ec;
  auto fail = [&](const char* what) {
    return make_error(Errc::io_error, std::string("cannot ") + what + " " +
                                          at.address().to_string() + ":" +
                                          std::to_string(at.port()) + ": " + ec.message());
  };
  if (listener->acceptor_.open(at.protocol(), ec))
    return fail("open a socket for");
  if (listener->acceptor_.set_option(net::socket_base::reuse_address(true), ec)) {
    return fail("set SO_REUSEADDR on");
  }
  if (listener->acceptor_.bind(at, ec))
    return fail("bind");
  if (listener->acceptor_.listen(net::socket_base::max_listen_connections, ec)) {
    return fail("listen on");
  }
  return listener;
}

tcp::endpoint HttpListener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpListener::start(HttpService& service) {
  service_ = &service;
  const ConnectionLimits& limits = service.connections->limits();
  refused_at_cap_ = refusal_answer("the server has " + std::to_string(limits.total) +
                                   " open connections, its limit, and none is idle; retry shortly");
  refused_per_address_ =
      refusal_answer("your address has " + std::to_string(limits.per_address) +
                     " open connections, the limit for one address; retry shortly");
  accept();
}

void HttpListener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void HttpListener::accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(
      net::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !self->acceptor_.is_open())
          return;
        if (ec) {
          // Out of descriptors, most likely: wait a little instead of spinning.
          self->retry_.expires_after(std::chrono::milliseconds(100));
          self->retry_.async_wait([self](boost::system::error_code wait_ec) {
            if (!wait_ec)
              self->accept();
          });
          return;
        }
        self->admit(std::move(socket));
        self->accept();
      });
}

void HttpListener::admit(tcp::socket socket) {
  boost::system::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec)
    return;  // gone already
  HttpService& service = *service_;
  auto admission = service.connections->admit(peer.address());
  if (!admission.slot) {
    service.metrics.connection_refused(admission.refusal);
    linger_and_close(
        std::move(socket),
        admission.refusal == Refusal::per_address ? refused_per_address_ : refused_at_cap_,
        limits::kMaxLingerBytes);
    return;
  }
  service.metrics.connection_accepted();
  std::make_shared<HttpSession>(std::move(socket), service, std::move(admission.slot),
                                peer.address().to_string())
      ->start();
}

}  // namespace senim::server
