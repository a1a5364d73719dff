// Helpers for tests that talk to a real senim-server over HTTP: posting
// entries to the right endpoint, reading answers, checking receipts, and a
// fixture with a running server and an ElectionBuilder whose set-up names
// that server's board key.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "net/http_client.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "protocol/signing.hpp"
#include "sim/election_builder.hpp"
#include "tests/server/server_process.hpp"

namespace senim::test {

// "/v1/ballots" for a ballot entry, and so on (docs/api.md).
std::string endpoint_for(const Bytes& entry);

struct Posted {
  unsigned status = 0;
  v1::Receipt receipt;  // when status is 200
  v1::ApiError error;   // otherwise
};
// POSTs `entry` to `path` (default: its own endpoint) and parses the answer.
Posted post_entry(net::HttpClient& client, const Bytes& entry, std::string path = {});

protocol::PublicKey fetch_board_key(net::HttpClient& client);
// The latest head; tree_size 0 and no root if the board is empty.
v1::SignedTreeHead fetch_tree_head(net::HttpClient& client);
// GET `target` as protobuf into `message`; the HTTP status.
unsigned get_message(net::HttpClient& client, const std::string& target,
                     google::protobuf::Message& message);

// The receipt holds: its head is signed by `board_key`, its leaf hash is the
// hash of `entry`, and its inclusion proof leads to the head's root.
void check_receipt(const v1::Receipt& receipt, const Bytes& entry, ByteView board_key);

// `older` is a prefix of `newer`: equal roots at equal sizes, otherwise the
// board's consistency proof between them verifies (docs/protocol.md §7.4).
void check_consistent(net::HttpClient& client, const v1::SignedTreeHead& older,
                      const v1::SignedTreeHead& newer);

// Board state that bad input must not change.
struct BoardSnapshot {
  std::uint64_t size = 0;
  std::string root;
  bool operator==(const BoardSnapshot&) const = default;
};
BoardSnapshot snapshot(net::HttpClient& client);

// A running server with an empty board, and an election for it.
struct ElectionFixture {
  // `validate`: ElectionPlan::validate (false: the builder skips verifying
  // its own ballots, for tests that make many).
  // `server_args`: more senim-server options (limits, for instance).
  explicit ElectionFixture(std::uint32_t voters = 4, std::uint32_t trustees = 2,
                           std::uint32_t threshold = 2, bool validate = true,
                           std::vector<std::string> server_args = {});

  // Posts builder entries [begin, end) and requires a valid receipt for each.
  void post_range(std::size_t begin, std::size_t end);
  // prepare(), everything posted, then the first `ballots` voters vote, one
  // ballot per request (one batch each); their receipts.
  std::vector<v1::Receipt> open_and_vote(std::uint32_t ballots);
  // The server's data directory.
  std::string data_dir() const { return dir.path() + "/board"; }
  // The builder's first entry of this kind (throws if none).
  std::size_t index_of(v1::Statement::BodyCase kind) const;

  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<net::HttpClient> client;
  protocol::PublicKey board_key{};
  std::unique_ptr<sim::ElectionBuilder> builder;
};

}  // namespace senim::test
