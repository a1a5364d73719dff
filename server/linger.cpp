#include "server/linger.hpp"

#include <array>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "server/limits.hpp"

namespace senim::server {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

std::atomic<std::size_t> lingering{0};

class Lingering : public std::enable_shared_from_this<Lingering> {
 public:
  Lingering(tcp::socket socket, std::shared_ptr<const std::string> answer, std::size_t max_bytes)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        answer_(std::move(answer)),
        max_bytes_(max_bytes) {}
  ~Lingering() { lingering.fetch_sub(1); }
  Lingering(const Lingering&) = delete;
  Lingering& operator=(const Lingering&) = delete;

  void start() {
    // The whole linger, the answer included, has one deadline.
    timer_.expires_after(limits::kLingerTimeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec)
        self->close();
    });
    if (!answer_ || answer_->empty())
      return stop_sending();
    net::async_write(socket_, net::buffer(*answer_),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec)
                         return self->close();
                       self->stop_sending();
                     });
  }

 private:
  void stop_sending() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    drain();
  }

  void drain() {
    socket_.async_read_some(net::buffer(sink_), [self = shared_from_this()](
                                                    boost::system::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec)
        return self->close();
      if (self->drained_ > self->max_bytes_)
        return self->reset();
      self->drain();
    });
  }

  void close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  // More than we read for anyone: cut it off without reading the rest.
  void reset() {
    boost::system::error_code ignored;
    socket_.set_option(net::socket_base::linger(true, 0), ignored);
    close();
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  std::shared_ptr<const std::string> answer_;
  std::size_t max_bytes_;
  std::array<char, 16384> sink_{};
  std::size_t drained_ = 0;
};

}  // namespace

void linger_and_close(tcp::socket socket, std::shared_ptr<const std::string> answer,
                      std::size_t max_bytes) {
  if (lingering.fetch_add(1) >= limits::kMaxLingeringRefusals) {
    lingering.fetch_sub(1);
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  std::make_shared<Lingering>(std::move(socket), std::move(answer), max_bytes)->start();
}

}  // namespace senim::server
