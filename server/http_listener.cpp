#include "server/http_listener.hpp"

#include <boost/asio/strand.hpp>

#include "server/http_session.hpp"

namespace senim::server {

namespace net = boost::asio;
using net::ip::tcp;

HttpListener::HttpListener(net::io_context& io)
    : io_(io),
      acceptor_(net::make_strand(io)),
      retry_(acceptor_.get_executor()),
      open_connections_(std::make_shared<std::atomic<std::size_t>>(0)) {}

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

void HttpListener::start(Api& api) {
  api_ = &api;
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
  acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](
                                                    boost::system::error_code ec,
                                                    tcp::socket socket) {
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
    std::make_shared<HttpSession>(std::move(socket), *self->api_, self->open_connections_)->start();
    self->accept();
  });
}

}  // namespace senim::server
