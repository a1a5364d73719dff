// Ceremony box keys in the set-up (docs/protocol.md §6.3.1, §8.2): every
// refusal of check_setup, the rule the board, every client and the verifier
// share, with its error code and message; and the attack it stops, a box key
// revealed by a complaint in one election named again in the next.
#include <catch2/catch.hpp>
#include <functional>

#include "crypto/key_ceremony.hpp"
#include "protocol/box_key.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/trustee_messages.hpp"
#include "sim/election_builder.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using senim::Errc;
using senim::to_hex;
using senim::to_string;
using senim::crypto::BoxKeyPair;
using senim::crypto::BoxPublicKey;
using senim::protocol::ElectionConfig;
using senim::protocol::PublicKey;
using senim::sim::ElectionBuilder;
using senim::sim::ElectionPlan;
using senim::v1::Statement;
using senim::v1::TrusteeInfo;

namespace {

constexpr const char* kElection = "city-2026";

ElectionPlan plan(const std::string& election_id = kElection,
                  std::vector<senim::Bytes> trustee_seeds = {}) {
  ElectionPlan p;
  p.manifest = senim::sim::referendum_manifest(election_id);
  p.trustees = 3;
  p.threshold = 2;
  p.voters = 1;
  p.trustee_seeds = std::move(trustee_seeds);
  return p;
}

// The set-up `b` would post, changed by `edit`, signed by its authority, checked.
senim::Expected<ElectionConfig> checked(const ElectionBuilder& b,
                                        const std::function<void(Statement&)>& edit = {}) {
  Statement st = b.setup_statement();
  if (edit)
    edit(st);
  const auto parsed = senim::protocol::parse_entry(ElectionBuilder::sign(b.authority_key(), st));
  REQUIRE(parsed.ok());
  return senim::protocol::check_setup(*parsed);
}

// Trustee t's entry in a set-up statement.
TrusteeInfo& trustee(Statement& st, int t) {
  return *st.mutable_setup()->mutable_trustees(t - 1);
}

BoxPublicKey box_of(const TrusteeInfo& info) {
  BoxPublicKey box{};
  REQUIRE(senim::copy_exact(info.box_key(), box));
  return box;
}

// Trustee t of `b` signs `box` for `election_id` on `board`, and it becomes
// trustee t's box key in the set-up.
void sign_into(const ElectionBuilder& b, Statement& st, int t, const BoxPublicKey& box,
               const std::string& election_id, const PublicKey& board) {
  trustee(st, t).set_box_key(to_string(box));
  trustee(st, t).set_box_key_signature(to_string(senim::protocol::sign_box_key(
      b.trustee_key(static_cast<std::uint32_t>(t)), election_id, board, box)));
}

std::vector<senim::Bytes> seeds_of(const ElectionBuilder& b) {
  std::vector<senim::Bytes> out;
  for (std::uint32_t t = 1; t <= b.plan().trustees; ++t)
    out.push_back(b.trustee_key(t).seed());
  return out;
}

}  // namespace

TEST_CASE("the box-key signing message is laid out as §6.3.1 says", "[protocol][box-key]") {
  PublicKey board{};
  board.fill(0xbb);
  BoxPublicKey box{};
  box.fill(0x0b);
  const senim::Bytes m = senim::protocol::box_key_signing_message("e-1", board, box);
  // LP("senim/v1/ceremony-box-key") ‖ LP("e-1") ‖ board (32) ‖ box (32)
  const std::string expected = "00000019" + to_hex(senim::as_bytes("senim/v1/ceremony-box-key")) +
                               "00000003" + to_hex(senim::as_bytes("e-1")) + to_hex(board) +
                               to_hex(box);
  CHECK(to_hex(m) == expected);
  CHECK(m.size() == 4 + 25 + 4 + 3 + 32 + 32);
}

TEST_CASE("an honest set-up binds every box key to its election and board", "[protocol][box-key]") {
  const ElectionBuilder b(plan());
  const auto config = checked(b);
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  for (std::uint32_t t = 1; t <= 3; ++t) {
    const TrusteeInfo& info = config->setup.trustees(static_cast<int>(t - 1));
    CHECK(info.box_key_signature().size() == 64);
    CHECK(senim::protocol::verify_box_key_signature(b.trustee_key(t).public_key(), kElection,
                                                    b.board_key().public_key(), box_of(info),
                                                    senim::as_bytes(info.box_key_signature()))
              .ok());
  }
}

TEST_CASE("check_setup refuses each bad box key with its own error, naming the trustee",
          "[protocol][box-key]") {
  const ElectionBuilder b(plan());
  const PublicKey board = b.board_key().public_key();
  struct Case {
    const char* name;
    std::function<void(Statement&)> edit;
    Errc code;
    std::string message;
  };
  Statement honest = b.setup_statement();
  const BoxPublicKey box2 = box_of(trustee(honest, 2));
  const BoxPublicKey fresh = BoxKeyPair::generate().public_key;
  PublicKey other_board = board;
  other_board[0] ^= 0x01;
  const std::vector<Case> cases{
      {"missing signature", [](Statement& st) { trustee(st, 2).clear_box_key_signature(); },
       Errc::invalid_length, "set-up: trustee 2: box key signature must be 64 bytes, got 0"},
      {"truncated signature",
       [](Statement& st) {
         trustee(st, 2).set_box_key_signature(trustee(st, 2).box_key_signature().substr(0, 63));
       },
       Errc::invalid_length, "set-up: trustee 2: box key signature must be 64 bytes, got 63"},
      {"signature for another election id",
       [&](Statement& st) { sign_into(b, st, 2, box2, "city-2025", board); },
       Errc::signature_invalid,
       "set-up: trustee 2: box key " + to_hex(box2) +
           " is not signed by its trustee for election \"city-2026\" on board " + to_hex(board)},
      {"signature for another board",
       [&](Statement& st) { sign_into(b, st, 2, box2, kElection, other_board); },
       Errc::signature_invalid, "set-up: trustee 2: box key"},
      {"another box key under the old signature",
       [&](Statement& st) { trustee(st, 2).set_box_key(to_string(fresh)); },
       Errc::signature_invalid,
       "set-up: trustee 2: box key " + to_hex(fresh) + " is not signed by its trustee"},
      {"signed by another trustee",
       [&](Statement& st) {
         trustee(st, 2).set_box_key_signature(
             to_string(senim::protocol::sign_box_key(b.trustee_key(1), kElection, board, box2)));
       },
       Errc::signature_invalid, "set-up: trustee 2: box key"},
      {"two trustees with the same box key, each signed",
       [&](Statement& st) { sign_into(b, st, 3, box_of(trustee(st, 1)), kElection, board); },
       Errc::invalid_argument, "set-up: trustee 3 repeats trustee 1's box key"},
      {"a box key equal to its own signing key",
       [&](Statement& st) { sign_into(b, st, 2, b.trustee_key(2).public_key(), kElection, board); },
       Errc::invalid_argument, "set-up: trustee 2's box key is its own signing key"},
      {"a box key equal to another trustee's signing key",
       [&](Statement& st) { sign_into(b, st, 2, b.trustee_key(3).public_key(), kElection, board); },
       Errc::invalid_argument, "set-up: trustee 2's box key is trustee 3's signing key"},
      {"the all-zero box key", [&](Statement& st) { sign_into(b, st, 2, {}, kElection, board); },
       Errc::invalid_argument,
       "set-up: trustee 2's box key " + std::string(64, '0') + " is a point of small order"},
      {"a box key of order 8",
       [&](Statement& st) {
         const BoxPublicKey order8{0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
                                   0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
                                   0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00};
         sign_into(b, st, 2, order8, kElection, board);
       },
       Errc::invalid_argument, "is a point of small order"},
      {"a box key with bit 255 set",
       [&](Statement& st) {
         BoxPublicKey high = box2;
         high[31] |= 0x80;
         sign_into(b, st, 2, high, kElection, board);
       },
       Errc::invalid_encoding, "is not canonical"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const auto config = checked(b, c.edit);
    REQUIRE(!config.ok());
    CHECK(config.error().code == c.code);
    CHECK_THAT(config.error().message, StartsWith("set-up: ") && Contains(c.message));
  }
}

// Issue 7, item 2: with n = 3 and k = 2, two box keys revealed by complaints
// in earlier ceremonies, plus one corrupt trustee, would give the election
// key, if the revealed keys were accepted again. Each is refused now.
TEST_CASE("a box key revealed by a complaint in one election is refused in the next set-up",
          "[protocol][box-key][regression]") {
  // The first ceremony: trustee 1 complains against dealer 2, revealing sk_1.
  ElectionBuilder first(plan());
  first.setup();
  first.deal();
  first.complain(1, 2);
  REQUIRE(first.state().phase() == senim::protocol::Phase::ceremony_failed);
  const auto complaint = first.parsed(first.entries().size() - 1).statement.complaint();
  const auto revealed =
      senim::crypto::BoxSecretKey::decode(senim::as_bytes(complaint.box_secret_key()));
  REQUIRE(revealed.ok());
  const TrusteeInfo exposed = first.parsed(0).statement.setup().trustees(0);
  REQUIRE(senim::same_bytes(exposed.box_key(), revealed->public_key()));
  // Anyone can now open every share sealed to that key.
  const auto deal2 = first.parsed(2).statement.deal();
  BoxKeyPair anyone;
  anyone.public_key = revealed->public_key();
  anyone.secret_key = *revealed;
  CHECK(senim::crypto::open_share(senim::as_bytes(deal2.encrypted_shares(0)), 2, 1, anyone).ok());

  // The same trustees, the same election id, on a new board: the exposed key
  // with its old signature is refused, naming the trustee and the new board.
  for (const std::string election_id : {kElection, "city-2027"}) {
    INFO(election_id);
    const ElectionBuilder next(plan(election_id, seeds_of(first)));
    REQUIRE(senim::same_bytes(next.setup_statement().setup().trustees(0).signing_key(),
                              senim::as_bytes(exposed.signing_key())));
    REQUIRE(checked(next).ok());
    const auto config = checked(next, [&](Statement& st) { trustee(st, 1) = exposed; });
    REQUIRE(!config.ok());
    CHECK(config.error().code == Errc::signature_invalid);
    CHECK_THAT(config.error().message,
               StartsWith("set-up: trustee 1: box key " + to_hex(anyone.public_key) +
                          " is not signed by its trustee for election \"" + election_id +
                          "\" on board " + to_hex(next.board_key().public_key())));
  }
}
