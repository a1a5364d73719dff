#include "witness/http_server.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

#include "tlog/witness_protocol.hpp"

namespace senim::witness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = std::size_t{8} * 1024;
constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxConnections = 256;
constexpr std::size_t kMaxWaiting = 16;

Answer plain(unsigned status, std::string message) {
  return {status, "text/plain; charset=utf-8", std::move(message) + "\n", 0};
}

// The monitoring path "/<64 lowercase hex>/checkpoint": the hash, or "".
std::string_view origin_hash_of(std::string_view target) {
  constexpr std::string_view kSuffix = "/checkpoint";
  if (target.size() != 1 + 64 + kSuffix.size() || target[0] != '/' ||
      target.substr(65) != kSuffix) {
    return {};
  }
  return target.substr(1, 64);
}

}  // namespace

// Members in the order they must outlive each other: sessions still queued
// on `io` are destroyed with it and count themselves out of `connections`;
// the worker is joined (~HttpServer) before anything here goes.
struct HttpServer::State {
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> waiting{0};
  HttpRoutes routes;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  asio::thread_pool worker{1};

  void accept();
};

namespace {

// One connection: read a request within the limits, answer it, repeat while
// keep-alive. Its handlers run on the I/O thread; add-checkpoint runs on the
// worker and its answer is posted back.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::State& server)
      : stream_(std::move(socket)),
        server_(server),
        over_limit_(server.connections.fetch_add(1) >= kMaxConnections) {}
  ~Session() { --server_.connections; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(tlog::kMaxAddCheckpointBodyBytes);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return close();
    }
    if (ec) {
      // A body over the limit, a malformed request: answer, then close,
      // since the rest of the stream cannot be trusted to be a request.
      return send(plain(400, ec == http::error::body_limit
                                 ? "the body exceeds " +
                                       std::to_string(tlog::kMaxAddCheckpointBodyBytes) + " bytes"
                                 : "malformed HTTP request: " + ec.message()),
                  false);
    }
    if (over_limit_) {
      Answer busy = plain(503, "too many connections");
      busy.retry_after = 1;
      return send(std::move(busy), false);
    }
    http::request<http::string_body> request = parser_->release();
    const bool keep_alive = request.keep_alive();
    const std::string target(request.target());
    if (target == "/add-checkpoint" && request.method() == http::verb::post)
      return add_checkpoint(std::move(request.body()), keep_alive);
    send(answer_now(target, request.method()), keep_alive);
  }

  Answer answer_now(const std::string& target, http::verb method) const {
    if (target == "/add-checkpoint")
      return plain(405, "add-checkpoint takes POST");
    const std::string_view hash = origin_hash_of(target);
    if (hash.empty())
      return plain(404, "not a witness endpoint");
    if (method != http::verb::get)
      return plain(405, "the checkpoint takes GET");
    return server_.routes.checkpoint(hash);
  }

  // On the worker, one request at a time; the answer comes back here.
  void add_checkpoint(std::string body, bool keep_alive) {
    if (server_.waiting.fetch_add(1) >= kMaxWaiting) {
      --server_.waiting;
      Answer busy = plain(503, "too many add-checkpoint requests waiting");
      busy.retry_after = 1;
      return send(std::move(busy), keep_alive);
    }
    asio::post(server_.worker, [self = shared_from_this(), body = std::move(body), keep_alive] {
      Answer a = self->server_.routes.add_checkpoint(body);
      --self->server_.waiting;
      asio::post(self->stream_.get_executor(), [self, a = std::move(a), keep_alive]() mutable {
        self->send(std::move(a), keep_alive);
      });
    });
  }

  void send(Answer a, bool keep_alive) {
    response_ = {static_cast<http::status>(a.status), 11};
    response_.set(http::field::server, "senim-witness");
    response_.set(http::field::content_type, a.content_type);
    response_.set(http::field::cache_control, "no-store");
    if (a.retry_after > 0)
      response_.set(http::field::retry_after, std::to_string(a.retry_after));
    response_.keep_alive(keep_alive);
    response_.body() = std::move(a.body);
    response_.prepare_payload();
    stream_.expires_after(kReadTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive)
                          return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  HttpServer::State& server_;
  bool over_limit_;
};

}  // namespace

void HttpServer::State::accept() {
  acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      return;
    if (ec) {
      // Out of descriptors, most likely: wait a little instead of spinning.
      retry.expires_after(std::chrono::milliseconds(100));
      retry.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec)
          accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), *this)->read();
    accept();
  });
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() {
  state_->worker.join();
}

Expected<std::unique_ptr<HttpServer>> HttpServer::bind(const std::string& host,
                                                       std::uint16_t port) {
  auto state = std::make_unique<State>();
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec)
    return make_error(Errc::io_error, "not an IP address: " + host);
  const tcp::endpoint at(address, port);
  auto fail = [&](const char* what) {
    return make_error(Errc::io_error, std::string("cannot ") + what + " " + host + ":" +
                                          std::to_string(port) + ": " + ec.message());
  };
  if (state->acceptor.open(at.protocol(), ec))
    return fail("open a socket for");
  if (state->acceptor.set_option(asio::socket_base::reuse_address(true), ec))
    return fail("set SO_REUSEADDR on");
  if (state->acceptor.bind(at, ec))
    return fail("bind");
  if (state->acceptor.listen(asio::socket_base::max_listen_connections, ec))
    return fail("listen on");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void HttpServer::run(HttpRoutes routes) {
  state_->routes = std::move(routes);
  asio::signal_set signals(state_->io, SIGINT, SIGTERM);
  signals.async_wait([this](const beast::error_code&, int) { stop(); });
  state_->accept();
  state_->io.run();
}

void HttpServer::stop() {
  asio::post(state_->io, [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    state_->retry.cancel();
    state_->io.stop();
  });
}

}  // namespace senim::witness
