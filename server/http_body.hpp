// A Boost.Beast Body whose value is the API's Response: its `body` string is
// sent first, then, for a streamed answer, every piece Response::stream
// produces (the session sets chunked encoding for those). A stream error
// becomes a write error, which aborts the connection.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/optional.hpp>
#include <string>
#include <utility>

#include "server/http_message.hpp"

namespace senim::server {

struct ResponseBody {
  using value_type = Response;

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>& /*header*/, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (!fixed_sent_) {
        fixed_sent_ = true;
        if (!body_.body.empty()) {
          return std::pair{const_buffers_type(body_.body.data(), body_.body.size()),
                           static_cast<bool>(body_.stream)};
        }
      }
      if (!body_.stream)
        return boost::none;
      // An empty piece would read as the last chunk: skip it.
      for (;;) {
        auto piece = body_.stream();
        if (!piece) {
          ec = boost::asio::error::make_error_code(boost::asio::error::broken_pipe);
          return boost::none;
        }
        if (!piece->has_value())
          return boost::none;
        if ((*piece)->empty())
          continue;
        piece_ = std::move(**piece);
        return std::pair{const_buffers_type(piece_.data(), piece_.size()), true};
      }
    }

   private:
    const value_type& body_;
    std::string piece_;
    bool fixed_sent_ = false;
  };
};

}  // namespace senim::server
