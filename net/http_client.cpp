#include "net/http_client.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <type_traits>

namespace senim::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kDownloadPiece = std::size_t{64} * 1024;

Error io(const std::string& what, const beast::error_code& ec) {
  return make_error(Errc::io_error, what + ": " + ec.message());
}

// What a server that closed a kept-alive connection looks like to the next
// request on it.
bool stale_connection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::eof;
}

}  // namespace

// The socket and the io_context that runs its operations. Every operation is
// asynchronous under a deadline and run to completion here, which is how
// Beast gives a synchronous caller timeouts.
struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;

  // Bytes the answers' parsers took from the socket (headers, body and
  // chunk framing): a read's handler gets (error, bytes), a connect's
  // (error, endpoint) and a write's (error, bytes sent), so `counted` says
  // which to count.
  std::uint64_t received = 0;

  template <class Start>
  beast::error_code run(std::chrono::milliseconds timeout, Start start, bool counted = false) {
    beast::error_code result = asio::error::would_block;
    stream.expires_after(timeout);
    start([this, &result, counted](beast::error_code ec, auto&&... rest) {
      result = ec;
      if constexpr (sizeof...(rest) == 1 &&
                    (std::is_integral_v<std::remove_cvref_t<decltype(rest)>> && ...)) {
        if (counted)
          ((received += static_cast<std::uint64_t>(rest)), ...);
      }
    });
    io.restart();
    io.run();
    return result;
  }
};

HttpClient::HttpClient(Url url, ClientOptions options)
    : url_(std::move(url)), options_(options), connection_(std::make_unique<Connection>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Expected<HttpClient> HttpClient::create(std::string_view base_url, ClientOptions options) {
  auto url = parse_url(base_url);
  if (!url)
    return url.error();
  return HttpClient(std::move(*url), options);
}

std::uint64_t HttpClient::bytes_received() const {
  return connection_->received;
}

void HttpClient::disconnect() {
  beast::error_code ignored;
  connection_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  connection_->stream.close();
  connection_->buffer.clear();
  connection_->open = false;
}

Expected<HttpResponse> HttpClient::get(std::string_view target, std::string_view accept) {
  return request(false, target, {}, {}, accept, nullptr);
}

Expected<HttpResponse> HttpClient::post(std::string_view target, std::string_view body,
                                        std::string_view content_type, std::string_view accept) {
  return request(true, target, body, content_type, accept, nullptr);
}

Expected<HttpResponse> HttpClient::download(std::string_view target,
                                            const std::function<Status(ByteView)>& sink) {
  return request(false, target, {}, {}, {}, &sink);
}

Expected<HttpResponse> HttpClient::request(bool post, std::string_view target,
                                           std::string_view body, std::string_view content_type,
                                           std::string_view accept,
                                           const std::function<Status(ByteView)>* sink) {
  Connection& c = *connection_;
  http::request<http::string_body> req{post ? http::verb::post : http::verb::get,
                                       url_.base_path + std::string(target), 11};
  req.set(http::field::host, url_.host + ":" + std::to_string(url_.port));
  req.set(http::field::user_agent, "senim");
  if (!accept.empty())
    req.set(http::field::accept, std::string(accept));
  if (post) {
    req.set(http::field::content_type, std::string(content_type));
    req.body() = std::string(body);
  }
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = c.open;
    if (!c.open) {
      tcp::resolver resolver(c.io);
      beast::error_code ec;
      const auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
      if (ec)
        return io("cannot resolve " + url_.host, ec);
      ec = c.run(options_.timeout,
                 [&](auto handler) { c.stream.async_connect(endpoints, handler); });
      if (ec) {
        disconnect();
        return io("cannot connect to " + url_.host + ":" + std::to_string(url_.port), ec);
      }
      c.open = true;
    }
    beast::error_code ec =
        c.run(options_.timeout, [&](auto handler) { http::async_write(c.stream, req, handler); });
    // The answer: headers first, then the body into memory or to the sink.
    std::optional<http::response_parser<http::string_body>> parser;
    if (!ec) {
      parser.emplace();
      parser->body_limit(options_.max_body_bytes);
      ec = c.run(
          options_.timeout,
          [&](auto handler) { http::async_read_header(c.stream, c.buffer, *parser, handler); },
          true);
    }
    if (ec) {
      disconnect();
      if (reused && attempt == 0 && stale_connection(ec))
        continue;
      return io(std::string(post ? "POST " : "GET ") + std::string(target), ec);
    }
    HttpResponse out;
    out.status = parser->get().result_int();
    out.content_type = std::string(parser->get()[http::field::content_type]);
    out.cache_control = std::string(parser->get()[http::field::cache_control]);
    out.retry_after = std::string(parser->get()[http::field::retry_after]);
    const bool keep_alive = parser->get().keep_alive();
    if (sink != nullptr && out.status == 200 && !parser->is_done()) {
      http::response_parser<http::buffer_body> stream_parser(std::move(*parser));
      stream_parser.body_limit(boost::none);
      std::array<std::uint8_t, kDownloadPiece> piece{};
      while (!stream_parser.is_done()) {
        stream_parser.get().body().data = piece.data();
        stream_parser.get().body().size = piece.size();
        ec = c.run(
            options_.timeout,
            [&](auto handler) { http::async_read(c.stream, c.buffer, stream_parser, handler); },
            true);
        if (ec == http::error::need_buffer)
          ec = {};
        if (ec) {
          disconnect();
          return io("GET " + std::string(target) + " (body)", ec);
        }
        const std::size_t got = piece.size() - stream_parser.get().body().size;
        if (auto s = (*sink)(ByteView(piece.data(), got)); !s) {
          disconnect();
          return s.error();
        }
      }
    } else if (!parser->is_done()) {
      ec = c.run(
          options_.timeout,
          [&](auto handler) { http::async_read(c.stream, c.buffer, *parser, handler); }, true);
      if (ec) {
        disconnect();
        return io(std::string(post ? "POST " : "GET ") + std::string(target) + " (body)", ec);
      }
      out.body = std::move(parser->get().body());
    } else {
      out.body = std::move(parser->get().body());
    }
    if (!keep_alive)
      disconnect();
    return out;
  }
}

}  // namespace senim::net
