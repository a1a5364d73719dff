// senim-worked-example: a tiny election with fixed seeds, written as a record
// and as a JSON file with every intermediate value, for people who write
// their own verifier (docs/record.md "Worked example"). The secrets are
// included on purpose: this election exists only to be studied.
#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "crypto/dlog.hpp"
#include "crypto/merkle.hpp"
#include "crypto/threshold_decryption.hpp"
#include "protocol/box_key.hpp"
#include "protocol/decryption.hpp"
#include "protocol/tracking_code.hpp"
#include "sim/deterministic_random.hpp"
#include "sim/election_builder.hpp"
#include "tlog/vkey.hpp"

namespace {

using nlohmann::ordered_json;
using senim::ByteView;
using senim::to_hex;

constexpr std::uint64_t kSeed = 2022;  // the year of Kazakhstan's constitutional referendum

std::string hex(const std::string& bytes) {
  return to_hex(senim::as_bytes(bytes));
}

ordered_json hex_list(const google::protobuf::RepeatedPtrField<std::string>& items) {
  ordered_json out = ordered_json::array();
  for (const auto& item : items)
    out.push_back(hex(item));
  return out;
}

senim::protocol::BallotChoices choices(std::vector<std::uint32_t> referendum,
                                       std::vector<std::uint32_t> council) {
  using senim::protocol::ChoiceRow;
  return senim::protocol::BallotChoices{
      {ChoiceRow(referendum.begin(), referendum.end()), ChoiceRow(council.begin(), council.end())}};
}

struct Voter {
  std::uint32_t index;
  senim::protocol::BallotChoices picks;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: senim-worked-example OUTPUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  senim::sim::use_deterministic_randomness(kSeed);
  if (sodium_init() < 0)
    return 2;

  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("worked-example-2026", 2);
  plan.voters = 4;
  plan.trustees = 3;
  plan.threshold = 2;
  senim::sim::ElectionBuilder b(std::move(plan));
  b.prepare();
  const auto params = b.state().parameters();

  ordered_json ballots = ordered_json::array();
  auto cast = [&](std::uint32_t voter, const senim::protocol::BallotChoices& picks) {
    auto encrypted = senim::protocol::encrypt_ballot(*params, b.voter_key(voter).public_key(),
                                                     b.next_sequence(voter), picks);
    const senim::Hash32 code = b.cast_encrypted(voter, encrypted->ballot);
    ordered_json contests = ordered_json::array();
    for (std::size_t c = 0; c < encrypted->secrets.size(); ++c) {
      const auto& in = encrypted->ballot.contests(static_cast<int>(c));
      const auto& secret = encrypted->secrets[c];
      ordered_json nonces = ordered_json::array();
      for (const auto& r : secret.nonces)
        nonces.push_back(to_hex(r.encode()));
      ordered_json contest{{"choices", secret.choices},
                           {"selections", hex_list(in.selections())},
                           {"nonces", nonces}};
      if (!in.blank().empty()) {
        contest["blank"] = secret.blank;
        contest["blank_ciphertext"] = hex(in.blank());
        contest["blank_nonce"] = to_hex(secret.blank_nonce.encode());
      }
      contests.push_back(contest);
    }
    ballots.push_back({{"leaf", b.entries().size() - 1},
                       {"voter", voter},
                       {"credential", to_hex(b.voter_key(voter).public_key())},
                       {"sequence", encrypted->ballot.sequence()},
                       {"tracking_code", to_hex(code)},
                       {"short_tracking_code", senim::protocol::short_tracking_code(code)},
                       {"contests", contests}});
  };
  cast(0, choices({1, 0}, {1, 1, 0, 0, 0}));
  cast(1, choices({0, 1}, {0, 0, 1, 0, 0}));
  cast(2, choices({0, 0}, {0, 0, 0, 0, 0}));  // blank in both contests
  const senim::Hash32 challenged = b.challenge(3, choices({1, 0}, {1, 0, 0, 0, 1}));
  cast(3, choices({1, 0}, {0, 1, 1, 0, 0}));
  cast(0, choices({0, 1}, {0, 0, 0, 1, 1}));  // re-vote: this one counts
  b.finish({1, 3});                           // trustee 2 is absent
  if (auto s = b.write_record(dir + "/record.senim"); !s) {
    std::cerr << s.error().message << "\n";
    return 1;
  }

  const auto& state = b.state();
  const auto& config = *state.config();
  ordered_json trustees = ordered_json::array();
  for (std::uint32_t t = 1; t <= 3; ++t) {
    ordered_json commitments = ordered_json::array();
    for (const auto& a : state.deals()[t - 1]->coefficients)
      commitments.push_back(to_hex(a.bytes));
    const auto& info = config.setup.trustees(static_cast<int>(t - 1));
    trustees.push_back({{"trustee", t},
                        {"signing_key", to_hex(b.trustee_key(t).public_key())},
                        {"box_key", to_hex(b.trustee_box(t).public_key)},
                        {"box_key_signing_message",
                         to_hex(senim::protocol::box_key_signing_message(
                             config.election_id(), config.board, b.trustee_box(t).public_key))},
                        {"box_key_signature", hex(info.box_key_signature())},
                        {"commitments", commitments},
                        {"public_share", to_hex(state.trustee_public_keys()[t - 1].bytes)},
                        {"secret_share", to_hex(b.trustee_share(t).encode())}});
  }
  ordered_json entries = ordered_json::array();
  for (std::size_t i = 0; i < b.entries().size(); ++i) {
    const auto parsed = b.parsed(i);
    entries.push_back({{"leaf", i},
                       {"body", senim::protocol::body_id(parsed.statement)},
                       {"signer", hex(parsed.entry.signer())},
                       {"leaf_hash", to_hex(senim::crypto::merkle::leaf_hash(b.entries()[i]))}});
  }
  // The combination of §10.3 with trustees {1, 3}, ciphertext by ciphertext.
  const std::vector<std::uint32_t> set{1, 3};
  ordered_json lagrange = ordered_json::object();
  for (std::uint32_t t : set) {
    lagrange[std::to_string(t)] = to_hex(senim::crypto::lagrange_coefficient(t, set)->encode());
  }
  const auto flat = senim::protocol::flatten(*state.tally());
  ordered_json decrypted = ordered_json::array();
  std::size_t position = 0;
  for (std::size_t d = 0; d < params->shape.districts.size(); ++d) {
    const senim::crypto::DiscreteLog dlog(state.tally()->ballots_counted[d]);
    for (std::size_t i = 0; i < params->shape.tally_width(); ++i, ++position) {
      std::vector<senim::crypto::PartialDecryption> shares{state.partials()[0][position],
                                                           state.partials()[1][position]};
      const auto m_g = *senim::crypto::combine_partial_decryptions(shares, 2, flat[position]);
      decrypted.push_back({{"district", params->shape.districts[d]},
                           {"tally_position", i},
                           {"ciphertext", to_hex(flat[position].encode())},
                           {"share_trustee_1", to_hex(shares[0].share.bytes)},
                           {"share_trustee_3", to_hex(shares[1].share.bytes)},
                           {"m_G", to_hex(m_g.encode())},
                           {"count", *dlog.solve(m_g)}});
    }
  }
  const std::string checkpoint = b.checkpoint();
  ordered_json out{
      {"description",
       "A tiny senim election made by tools/worked_example.cpp with deterministic randomness "
       "(ChaCha20 keystream, seed 2022). Secrets are included on purpose. The record is "
       "record.senim in this directory; docs/record.md and docs/protocol.md explain every value."},
      {"seed", kSeed},
      {"election_id", config.election_id()},
      {"authority_key", to_hex(config.authority)},
      {"board_key", to_hex(config.board)},
      {"threshold", config.ceremony.threshold},
      {"trustees", trustees},
      {"setup_hash", to_hex(config.setup_hash)},
      {"joint_key", to_hex(state.joint_key()->bytes)},
      {"base_hash", to_hex(*state.base_hash())},
      {"entries", entries},
      {"ballots", ballots},
      {"challenged_tracking_code", to_hex(challenged)},
      {"superseded", state.superseded()},
      {"superseded_hash", to_hex(senim::protocol::superseded_hash(state.superseded()))},
      {"lagrange_coefficients", lagrange},
      {"decryption", decrypted},
      {"log_origin", config.log_origin},
      {"board_vkey", senim::tlog::format_vkey(config.board_vkey)},
      {"checkpoint", checkpoint}};
  std::ofstream json(dir + "/values.json");
  json << out.dump(2) << "\n";
  if (!json)
    return 1;
  std::cerr << "worked example written to " << dir << "\n";
  return 0;
}
