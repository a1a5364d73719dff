// Admission at accept (docs/operator-guide.md, "Limits, metrics and
// attacks"): every connection is counted, in total and per address, before
// any byte of it is read. At the total cap the connection idle the longest
// is closed to make room (idle: waiting for its next request, holding no
// request and no memory); only when no connection is idle is the new one
// refused. So idle or slow-to-speak sockets cannot keep voters out, and a
// single host cannot take more than its share of the slots.
//
// Thread-safe: the acceptor admits, and each session marks itself idle or
// busy from its own strand.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace senim::server {

struct ConnectionLimits {
  std::size_t total = 0;        // open connections at most
  std::size_t per_address = 0;  // from one IPv4 address or IPv6 /64; 0: no limit
};

enum class Refusal { per_address, connection_cap };
const char* refusal_name(Refusal r);  // "per_address", "connection_cap"

// The key connections are counted under: the IPv4 address (also when it
// comes as an IPv4-mapped IPv6 address), or the first 64 bits of an IPv6 one.
std::string address_key(const boost::asio::ip::address& address);

class ConnectionTable : public std::enable_shared_from_this<ConnectionTable> {
  struct Entry;

 public:
  // A connection's place in the table; destroying it frees the place.
  class Slot {
   public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    friend class ConnectionTable;
    Slot(std::shared_ptr<ConnectionTable> table, std::list<Entry>::iterator entry)
        : table_(std::move(table)), entry_(entry) {}
    std::shared_ptr<ConnectionTable> table_;
    std::list<Entry>::iterator entry_;
  };

  struct Admission {
    std::unique_ptr<Slot> slot;  // null: refused
    Refusal refusal = Refusal::connection_cap;
    bool evicted_one = false;  // an idle connection was closed to make room
  };

  static std::shared_ptr<ConnectionTable> create(ConnectionLimits limits);

  // At accept. May close the longest-idle connection (through the `evict`
  // it registered with set_idle) to make room.
  Admission admit(const boost::asio::ip::address& address);
  // The connection waits for a request: from now on it may be evicted, by
  // calling `evict` (once, from the acceptor's thread; it must only post).
  void set_idle(Slot& slot, std::function<void()> evict);
  // The connection has a request again. False if it was evicted meanwhile:
  // its place is gone and it must close.
  bool set_busy(Slot& slot);

  std::size_t open() const;
  std::size_t idle() const;
  const ConnectionLimits& limits() const { return limits_; }

 private:
  explicit ConnectionTable(ConnectionLimits limits) : limits_(limits) {}
  void release(std::list<Entry>::iterator entry);
  // Under mutex_: forget `entry`'s place (counts, idle list), once.
  void forget(std::list<Entry>::iterator entry);

  struct Entry {
    std::string address;
    std::function<void()> evict;
    std::list<std::list<Entry>::iterator>::iterator idle_position;
    bool idle = false;
    bool counted = true;  // false once evicted: the slot no longer counts
  };

  const ConnectionLimits limits_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;
  // Idle connections, longest idle first.
  std::list<std::list<Entry>::iterator> idle_;
  std::unordered_map<std::string, std::size_t> per_address_;
  std::size_t counted_ = 0;
};

}  // namespace senim::server
