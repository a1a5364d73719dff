// Helpers for tests that talk to a real senim-server over HTTP: posting
// entries to the right endpoint, reading answers, checking receipts, and a
// fixture with a running server and an ElectionBuilder whose set-up names
// that server's board key.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "net/http_client.hpp"
#include "proto/api.pb.h"
#include "proto/board.pb.h"
#include "protocol/board_checkpoint.hpp"
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
// A checkpoint note, parsed (not verified); REQUIREs that it parses.
protocol::BoardCheckpoint parse_checkpoint_note(const std::string& note);
// GET /checkpoint, parsed; size 0 and no note if the board is empty (404).
protocol::BoardCheckpoint fetch_checkpoint(net::HttpClient& client);
// The checkpoint a receipt is under, and its size.
protocol::BoardCheckpoint receipt_checkpoint(const v1::Receipt& receipt);
std::uint64_t receipt_size(const v1::Receipt& receipt);
// GET `target` as protobuf into `message`; the HTTP status.
unsigned get_message(net::HttpClient& client, const std::string& target,
                     google::protobuf::Message& message);

// The receipt holds (docs/protocol.md §11.3): its entry is `entry`, its
// checkpoint is signed under `board_vkey`, and its inclusion proof leads to
// the checkpoint's root.
void check_receipt(const v1::Receipt& receipt, const Bytes& entry,
                   const tlog::VerifierKey& board_vkey);

// `older` is a prefix of `newer`: equal roots at equal sizes, otherwise the
// board's consistency proof between them verifies (docs/protocol.md §7.4).
void check_consistent(net::HttpClient& client, const protocol::BoardCheckpoint& older,
                      const protocol::BoardCheckpoint& newer);

// Board state that bad input must not change.
struct BoardSnapshot {
  std::uint64_t size = 0;
  Hash32 root{};
  bool operator==(const BoardSnapshot&) const = default;
};
BoardSnapshot snapshot(net::HttpClient& client);

// A running server with an empty board, and an election for it.
struct ElectionFixture {
  // `validate`: ElectionPlan::validate (false: the builder skips verifying
  // its own ballots, for tests that make many).
  // `witnesses(origin, board vkey)`, if given, makes the manifest's witness
  // policy (docs/protocol.md §8.1 rule 8) once the board's key is known.
  // `server_args`: more senim-server options (limits, for instance).
  // `districts`: the referendum's districts (sim::referendum_manifest).
  using PolicyMaker = std::function<std::string(const tlog::VerifierKey& board_vkey)>;
  explicit ElectionFixture(std::uint32_t voters = 4, std::uint32_t trustees = 2,
                           std::uint32_t threshold = 2, bool validate = true,
                           const PolicyMaker& witnesses = {},
                           std::vector<std::string> server_args = {}, std::uint32_t districts = 0);

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
  tlog::VerifierKey vkey;  // the board's, under the builder's origin (§11.2)
};

}  // namespace senim::test
