// The attacks of issue 10, as bench_attack runs them against a senim-server
// on loopback (and nowhere else): each is a bounded fleet of sockets on one
// Asio thread, from source addresses 127.0.0.2 … 127.0.0.(1+N) (every
// 127.0.0.0/8 address reaches loopback), so that the honest voters, who come
// from 127.0.0.1, are another host as far as the server can tell. A socket
// the server closes is opened again after a pause, so the attack keeps its
// size for the whole phase; nothing runs after stop().
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace senim::bench {

struct AttackCounters {
  std::atomic<std::uint64_t> connects{0};          // connections established
  std::atomic<std::uint64_t> connect_failures{0};  // connect() refused or failed
  std::atomic<std::uint64_t> requests{0};          // requests sent (whole or begun)
  std::atomic<std::uint64_t> answers{0};           // whole HTTP answers read
  std::atomic<std::uint64_t> refused{0};           // of which 503
  std::atomic<std::uint64_t> closed_by_server{0};  // connections the server closed
  std::atomic<std::uint64_t> smuggled{0};          // answers to a request hidden in a body
};

struct AttackTarget {
  boost::asio::io_context* io = nullptr;  // its one thread runs the attack
  boost::asio::ip::tcp::endpoint server;
  unsigned source_addresses = 50;    // 127.0.0.2 … 127.0.0.(1+N)
  std::size_t large_body_bytes = 0;  // the largest body the server takes
};

class Attack {
 public:
  virtual ~Attack() = default;
  // A name for the tables and exactly what it does, with its numbers.
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Both on the io_context's thread.
  virtual void start() = 0;
  virtual void stop() = 0;
  AttackCounters& counters() { return counters_; }

 protected:
  AttackCounters counters_;
};

// In the order of issue 10, then the slowloris it already held against.
const std::vector<std::string>& attack_names();
std::unique_ptr<Attack> make_attack(const std::string& name, const AttackTarget& target);

}  // namespace senim::bench
