#include "tests/server/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <stdexcept>

#include "net/url.hpp"

namespace senim::test {

namespace http = boost::beast::http;

RawConnection::RawConnection(const std::string& url, const std::string& source,
                             int receive_buffer) {
  auto parsed = net::parse_url(url);
  if (!parsed)
    throw std::runtime_error("RawConnection: bad URL " + url);
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0)
    throw std::runtime_error("RawConnection: socket() failed");
  if (receive_buffer != 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (!source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0)
      throw std::runtime_error("RawConnection: cannot bind to " + source);
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(parsed->port);
  ::inet_pton(AF_INET, parsed->host.c_str(), &to.sin_addr);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
    throw std::runtime_error("RawConnection: cannot connect to " + url);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0)
    ::close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_), peer_closed_(other.peer_closed_), pending_(std::move(other.pending_)) {
  other.fd_ = -1;
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<std::string> RawConnection::read_some(
    std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0)
      continue;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      peer_closed_ = true;
      return std::string();
    }
    return std::string(buf, static_cast<std::size_t>(n));
  }
}

std::string RawConnection::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string got;
  while (got.find(needle) == std::string::npos && !peer_closed_) {
    auto piece = read_some(deadline);
    if (!piece)
      break;
    got += *piece;
  }
  return got;
}

std::string RawConnection::read_to_end(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string got;
  while (!peer_closed_) {
    auto piece = read_some(deadline);
    if (!piece)
      break;
    got += *piece;
  }
  return got;
}

std::optional<RawResponse> RawConnection::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto parsed = parse_responses(pending_);
    if (!parsed.empty()) {
      pending_.erase(0, parsed.front().wire_bytes);
      return std::move(parsed.front());
    }
    if (peer_closed_)
      return std::nullopt;
    auto piece = read_some(deadline);
    if (!piece)
      return std::nullopt;
    pending_ += *piece;
  }
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  read_to_end(timeout);
  return peer_closed_;
}

std::vector<RawResponse> parse_responses(const std::string& bytes) {
  std::vector<RawResponse> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    const std::size_t used =
        parser.put(boost::asio::buffer(bytes.data() + at, bytes.size() - at), ec);
    if (ec || !parser.is_done())
      break;
    at += used;
    const auto& res = parser.get();
    RawResponse r;
    r.wire_bytes = used;
    r.status = res.result_int();
    const auto type = res[http::field::content_type];
    r.content_type.assign(type.data(), type.size());
    r.body = res.body();
    r.keep_alive = res.keep_alive();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace senim::test
