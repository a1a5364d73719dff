// senim-test-cheating-dealer: a trustee that cheats in the key ceremony, for
// the operator guide's complaint (docs/operator-guide.md §6.4, replayed by
// scripts/check-transcripts). It posts the trustee's deal as `senim trustee
// deal` does, except that the share sealed to one recipient is not the value
// of the dealer's polynomial: the recipient's `finalize` then complains
// (docs/protocol.md §6.4). The real senim always deals correctly; this is
// never part of an election.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "client/board_client.hpp"
#include "client/common.hpp"
#include "client/key_files.hpp"
#include "client/replica.hpp"
#include "crypto/key_ceremony.hpp"
#include "crypto/polynomial.hpp"
#include "proto/files.pb.h"
#include "protocol/entry.hpp"
#include "protocol/trustee_messages.hpp"

namespace {

using namespace senim;

int cheat(const std::string& server, const std::string& key_path, std::uint32_t victim) {
  using client::fail;
  v1::TrusteeKeyFile key_file;
  if (auto s = client::read_message_file(key_path, key_file); !s)
    return fail(s.error());
  auto signing = protocol::SigningKey::from_seed(as_bytes(key_file.signing_seed()));
  client::wipe_string(*key_file.mutable_signing_seed());
  if (!signing)
    return fail(signing.error());
  auto board = client::BoardClient::connect(server);
  if (!board)
    return fail(board.error());
  client::Replica replica;
  if (auto s = replica.sync(*board); !s)
    return fail(s.error());
  const auto* config = replica.state().config();
  if (config == nullptr)
    return fail("the board holds no election yet");
  const auto dealer = config->trustee_of(signing->public_key());
  if (!dealer || victim == *dealer || victim < 1 || victim > config->box_keys.size())
    return fail("give a trustee's key and another trustee's number");

  const auto polynomial = crypto::SecretPolynomial::random(config->ceremony.threshold);
  auto deal = protocol::make_deal(*config, *dealer, polynomial);
  if (!deal)
    return fail(deal.error());
  // The victim's slot (recipient t at t − 1) carries 1 instead of f(t).
  auto bad =
      crypto::seal_share(*dealer, victim, crypto::Scalar::one(), config->box_keys[victim - 1]);
  if (!bad)
    return fail(bad.error());
  deal->set_encrypted_shares(static_cast<int>(victim - 1), to_string(*bad));
  v1::Statement st;
  st.set_election_id(config->election_id());
  *st.mutable_deal() = *deal;
  auto receipt = board->post(client::post_path(st), protocol::make_entry(*signing, st));
  if (!receipt)
    return fail(receipt.error());
  std::cout << "trustee " << *dealer << " dealt, with a bad share for trustee " << victim
            << " (entry " << receipt->leaf_index() << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"senim-test-cheating-dealer: posts a deal with one bad share (tests only)"};
  std::string server;
  std::string key;
  std::uint32_t victim = 0;
  app.add_option("--server", server, "the board's URL")->required();
  app.add_option("--key", key, "the cheating trustee's key file")->required();
  app.add_option("--bad-share-for", victim, "the trustee whose share is wrong")->required();
  CLI11_PARSE(app, argc, argv);
  if (sodium_init() < 0)
    return 2;
  return cheat(server, key, victim);
}
