#include "tests/client/hostile_board.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace senim::test {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

HostileBoard::HostileBoard(std::vector<Route> routes, Answer fallback)
    : routes_(std::move(routes)),
      fallback_(std::move(fallback)),
      acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
      thread_([this] { serve(); }) {}

HostileBoard::~HostileBoard() {
  stopping_ = true;
  boost::system::error_code ec;
  tcp::socket wake(io_);
  wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
  thread_.join();
}

std::string HostileBoard::url() const {
  return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

const Answer& HostileBoard::answer_for(const std::string& target) const {
  for (const Route& r : routes_) {
    if (target.rfind(r.prefix, 0) == 0)
      return r.answer;
  }
  return fallback_;
}

void HostileBoard::serve() {
  while (true) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (stopping_)
      return;
    if (ec)
      continue;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec)
      continue;
    const Answer& answer = answer_for(std::string(request.target()));
    http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                               request.version()};
    response.set(http::field::content_type, "application/x-protobuf");
    response.body() = answer.body;
    response.keep_alive(false);
    response.prepare_payload();
    http::write(socket, response, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
}

}  // namespace senim::test
