// A STUB witness for the board's tests, not senim's witness (that is
// `senim witness`): a small HTTP server on 127.0.0.1 that answers
// POST /add-checkpoint with tlog-witness's decision (tlog/witness_protocol.hpp)
// and cosigns with tlog::cosignature_v1_signer over real HTTP, remembering
// only its latest cosigned checkpoint, in memory. It can be told to be down,
// to hang, to fail, or to cosign with a key the policy does not name, so
// that the board's pusher (server/witness_pusher.hpp) meets each case.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "protocol/signing.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/vkey.hpp"

namespace senim::test {

class StubWitness {
 public:
  enum class Mode {
    cosign,     // tlog-witness, exactly
    down,       // closes every connection at once
    hang,       // holds the connection and never answers
    fail,       // 500 to everything
    wrong_key,  // cosigns, with another key than its vkey's
    slow,       // cosigns, answering after set_delay() (a witness catching up)
  };
  struct Request {
    std::uint64_t old_size = 0;
    std::uint64_t size = 0;  // the submitted checkpoint's
    unsigned status = 0;
    std::chrono::steady_clock::time_point at;
  };

  // Trusts `board_vkey` for its origin.
  StubWitness(std::string name, tlog::VerifierKey board_vkey);
  ~StubWitness();
  StubWitness(const StubWitness&) = delete;
  StubWitness& operator=(const StubWitness&) = delete;

  std::string url() const;
  const tlog::VerifierKey& vkey() const { return vkey_; }
  void set_mode(Mode mode) { mode_ = mode; }
  void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  std::vector<Request> requests() const;
  std::optional<tlog::Checkpoint> latest() const;

 private:
  void serve();
  std::atomic<long long> delay_ms_{0};
  // The answer to one add-checkpoint body: status, content type, body.
  struct Answer {
    unsigned status;
    std::string content_type;
    std::string body;
  };
  Answer answer(const std::string& body);

  protocol::SigningKey key_;
  protocol::SigningKey other_key_;
  tlog::VerifierKey vkey_;
  tlog::VerifierKey board_vkey_;
  std::atomic<Mode> mode_{Mode::cosign};
  mutable std::mutex mutex_;
  std::optional<tlog::Checkpoint> latest_;
  std::vector<Request> requests_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace senim::test
