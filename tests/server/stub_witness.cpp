#include "tests/server/stub_witness.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <ctime>

#include "tlog/cosignature.hpp"
#include "tlog/note.hpp"
#include "tlog/witness_protocol.hpp"

namespace senim::test {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

StubWitness::StubWitness(std::string name, tlog::VerifierKey board_vkey)
    : key_(protocol::SigningKey::generate()),
      other_key_(protocol::SigningKey::generate()),
      vkey_(*tlog::make_verifier_key(name, tlog::kSignatureTypeCosignatureV1, key_.public_key())),
      board_vkey_(std::move(board_vkey)),
      acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
      thread_([this] { serve(); }) {}

StubWitness::~StubWitness() {
  stopping_ = true;
  boost::system::error_code ec;
  tcp::socket wake(io_);
  wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
  thread_.join();
}

std::string StubWitness::url() const {
  return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

std::vector<StubWitness::Request> StubWitness::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

std::optional<tlog::Checkpoint> StubWitness::latest() const {
  const std::lock_guard lock(mutex_);
  return latest_;
}

StubWitness::Answer StubWitness::answer(const std::string& body) {
  if (mode_ == Mode::fail)
    return {500, "text/plain", "stub witness: failing on purpose\n"};
  auto request = tlog::parse_add_checkpoint_request(body);
  if (!request)
    return {400, "text/plain", request.error().message + "\n"};
  const std::lock_guard lock(mutex_);
  Request seen{request->old_size, request->checkpoint.size, 0, std::chrono::steady_clock::now()};
  // tlog-witness: check and store as one step (the lock).
  const std::vector<tlog::VerifierKey> keys{board_vkey_};
  tlog::WitnessOriginState state;
  state.origin_known = request->checkpoint.origin == board_vkey_.name;
  state.log_keys = keys;
  state.latest = latest_;
  const tlog::AddCheckpointOutcome outcome = tlog::decide_add_checkpoint(*request, state);
  Answer out{static_cast<unsigned>(outcome.status), "text/plain", ""};
  if (outcome.status == 409) {
    out.content_type = std::string(tlog::kTlogSizeContentType);
    out.body = tlog::format_tlog_size(outcome.latest_size);
  } else if (outcome.status != 200) {
    out.body = (outcome.error ? outcome.error->message : std::string("refused")) + "\n";
  } else {
    const protocol::SigningKey& signing = mode_ == Mode::wrong_key ? other_key_ : key_;
    auto signer = tlog::cosignature_v1_signer(
        vkey_, [&signing](ByteView m) { return signing.sign(m); },
        static_cast<std::uint64_t>(std::time(nullptr)));
    auto line = tlog::sign_note_text(outcome.note.text, *signer);
    latest_ = outcome.checkpoint;
    const std::vector<tlog::NoteSignature> lines{*line};
    out.body = tlog::format_add_checkpoint_response(lines);
  }
  seen.status = out.status;
  requests_.push_back(seen);
  return out;
}

void StubWitness::serve() {
  while (true) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (stopping_)
      return;
    if (ec)
      continue;
    if (mode_ == Mode::down) {
      socket.close(ec);
      continue;
    }
    if (mode_ == Mode::hang) {
      while (mode_ == Mode::hang && !stopping_)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      socket.close(ec);
      continue;
    }
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec)
      continue;
    if (mode_ == Mode::slow)
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    Answer a = request.method() == http::verb::post && request.target() == "/add-checkpoint"
                   ? answer(request.body())
                   : Answer{404, "text/plain", "stub witness: POST /add-checkpoint only\n"};
    http::response<http::string_body> response{static_cast<http::status>(a.status),
                                               request.version()};
    response.set(http::field::content_type, a.content_type);
    response.body() = std::move(a.body);
    response.keep_alive(false);
    response.prepare_payload();
    http::write(socket, response, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
}

}  // namespace senim::test
