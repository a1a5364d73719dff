#include "witness/http_server.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "tlog/witness_protocol.hpp"

namespace senim::witness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 8 * 1024;
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

struct HttpServer::State {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::thread_pool worker{1};
  HttpRoutes routes;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> waiting{0};

  // A coroutine's parameters live in its frame (a lambda's captures would
  // not: they die with the lambda object while the coroutine still runs).
  asio::awaitable<Answer> add_checkpoint(std::string body) {
    co_return routes.add_checkpoint(body);
  }

  asio::awaitable<Answer> answer(http::request<http::string_body>& request) {
    const std::string target(request.target());
    if (target == "/add-checkpoint") {
      if (request.method() != http::verb::post)
        co_return plain(405, "add-checkpoint takes POST");
      if (waiting.fetch_add(1) >= kMaxWaiting) {
        --waiting;
        Answer busy = plain(503, "too many add-checkpoint requests waiting");
        busy.retry_after = 1;
        co_return busy;
      }
      // On the worker, one request at a time; the answer comes back here.
      Answer a = co_await asio::co_spawn(worker, add_checkpoint(std::move(request.body())),
                                         asio::use_awaitable);
      --waiting;
      co_return a;
    }
    const std::string_view hash = origin_hash_of(target);
    if (!hash.empty()) {
      if (request.method() != http::verb::get)
        co_return plain(405, "the checkpoint takes GET");
      co_return routes.checkpoint(hash);
    }
    co_return plain(404, "not a witness endpoint");
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    const bool over_limit = connections.fetch_add(1) >= kMaxConnections;
    for (bool open = true; open;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(tlog::kMaxAddCheckpointBodyBytes);
      stream.expires_after(kReadTimeout);
      beast::error_code ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      Answer a;
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::eof) {
        break;
      }
      if (ec) {
        // A body over the limit, a malformed request: answer, then close,
        // since the rest of the stream cannot be trusted to be a request.
        a = plain(400, ec == http::error::body_limit
                           ? "the body exceeds " +
                                 std::to_string(tlog::kMaxAddCheckpointBodyBytes) + " bytes"
                           : "malformed HTTP request: " + ec.message());
        open = false;
      } else if (over_limit) {
        a = plain(503, "too many connections");
        a.retry_after = 1;
        open = false;
      } else {
        auto request = parser.release();
        open = request.keep_alive();
        a = co_await answer(request);
      }
      http::response<http::string_body> response{static_cast<http::status>(a.status), 11};
      response.set(http::field::server, "senim-witness");
      response.set(http::field::content_type, a.content_type);
      response.set(http::field::cache_control, "no-store");
      if (a.retry_after > 0)
        response.set(http::field::retry_after, std::to_string(a.retry_after));
      response.keep_alive(open);
      response.body() = std::move(a.body);
      response.prepare_payload();
      stream.expires_after(kReadTimeout);
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    --connections;
  }

  asio::awaitable<void> accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open())
        co_return;
      if (ec) {
        // Out of descriptors, most likely: wait a little instead of spinning.
        asio::steady_timer wait(io, std::chrono::milliseconds(100));
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

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
  asio::co_spawn(state_->io, state_->accept(), asio::detached);
  state_->io.run();
}

void HttpServer::stop() {
  asio::post(state_->io, [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    state_->io.stop();
  });
}

}  // namespace senim::witness
