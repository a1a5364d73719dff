// Accepts connections and starts a session for each, on its own strand.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "crypto/error.hpp"
#include "server/api.hpp"

namespace senim::server {

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  // Binds and listens (port 0: the system picks a free port).
  static Expected<std::shared_ptr<HttpListener>> bind(boost::asio::io_context& io,
                                                      const boost::asio::ip::tcp::endpoint& at);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Starts accepting; every connection is served by `api`, which must
  // outlive the io_context's run.
  void start(Api& api);
  void stop();

 private:
  explicit HttpListener(boost::asio::io_context& io);
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  Api* api_ = nullptr;
  std::shared_ptr<std::atomic<std::size_t>> open_connections_;
};

}  // namespace senim::server
