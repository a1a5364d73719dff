// A board that lies, for testing what the `senim` tools print: a small HTTP
// server on 127.0.0.1 that answers every request from a fixed table, whatever
// the protocol says. The real senim-server refuses a set-up with control
// characters in its texts, so a hostile board has to be made like this.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <thread>
#include <vector>

namespace senim::test {

struct Answer {
  unsigned status = 200;
  std::string body;  // protobuf bytes
};

struct Route {
  std::string prefix;  // of the request target, e.g. "/v1/election"
  Answer answer;
};

class HostileBoard {
 public:
  // Serves `routes` (the first whose prefix matches) and `fallback` for the
  // rest, one connection at a time, until destroyed.
  HostileBoard(std::vector<Route> routes, Answer fallback);
  ~HostileBoard();
  HostileBoard(const HostileBoard&) = delete;
  HostileBoard& operator=(const HostileBoard&) = delete;

  std::string url() const;

 private:
  void serve();
  const Answer& answer_for(const std::string& target) const;

  std::vector<Route> routes_;
  Answer fallback_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace senim::test
