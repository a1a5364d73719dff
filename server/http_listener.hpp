// Accepts connections, admits each through the ConnectionTable before any
// byte of it is read, and starts a session for it on its own strand; a
// refused connection gets a fixed 503 answer and is closed (linger.hpp).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "crypto/error.hpp"
#include "server/http_service.hpp"

namespace senim::server {

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  // Binds and listens (port 0: the system picks a free port).
  static Expected<std::shared_ptr<HttpListener>> bind(boost::asio::io_context& io,
                                                      const boost::asio::ip::tcp::endpoint& at);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Starts accepting; `service` must outlive the io_context's run.
  void start(HttpService& service);
  void stop();

 private:
  explicit HttpListener(boost::asio::io_context& io);
  void accept();
  void admit(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  HttpService* service_ = nullptr;
  // The whole answer to a refused connection, per reason (built once).
  std::shared_ptr<const std::string> refused_at_cap_;
  std::shared_ptr<const std::string> refused_per_address_;
};

}  // namespace senim::server
