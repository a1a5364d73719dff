// The board's HTTP API (docs/api.md) as typed calls, for the command-line
// tools and `senim-verify --server`.
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "net/http_client.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "protocol/signing.hpp"

namespace senim::client {

class BoardClient {
 public:
  static Expected<BoardClient> connect(const std::string& url);

  Expected<v1::BoardInfo> info();
  // info() and the board's key, checked to be 32 bytes: what `admin create`
  // and `trustee box-key` bind a ceremony to (docs/protocol.md §6.3.1).
  struct Identity {
    v1::BoardInfo info;
    protocol::PublicKey key{};
  };
  Expected<Identity> identity();
  Expected<std::vector<Bytes>> entries(std::uint64_t start, std::uint64_t count);
  Expected<v1::InclusionProof> inclusion(std::uint64_t index, std::uint64_t size);
  Expected<v1::ConsistencyProof> consistency(std::uint64_t old_size, std::uint64_t new_size);
  Expected<v1::BallotStatus> ballot_status(const Hash32& tracking_code);
  Expected<v1::CredentialStatus> credential_status(ByteView key);
  // GET /v1/voter-view/{key}: unchecked (protocol::check_voter_view checks it).
  Expected<v1::VoterView> voter_view(ByteView key);
  // POSTs an entry to /v1/<kind> ("ballots", "setup", …). A refusal is an
  // Error whose message is the board's, prefixed "the board refused: ".
  Expected<v1::Receipt> post(const std::string& kind, const Bytes& entry);
  // Saves the election record (GET /v1/record) to `path`.
  Status download_record(const std::string& path);

  const std::string& url() const { return url_; }
  // Bytes of every answer read so far (net::HttpClient::bytes_received).
  std::uint64_t bytes_received() const { return http_.bytes_received(); }

 private:
  BoardClient(std::string url, net::HttpClient http)
      : url_(std::move(url)), http_(std::move(http)) {}
  template <class Message>
  Expected<Message> get_message(const std::string& target);

  std::string url_;
  net::HttpClient http_;
};

// The kind path for a statement body (docs/api.md): "ballots" for a ballot, …
std::string post_path(const v1::Statement& statement);

}  // namespace senim::client
