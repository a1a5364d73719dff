// docs/protocol.md §11.6: checking a voter's view. An honest view passes;
// each way a board can lie in one is refused with its own error, named by
// the leaf (cases named for what they break).
#include "protocol/voter_view.hpp"

#include <catch2/catch.hpp>

#include "crypto/merkle.hpp"
#include "sim/election_builder.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"

using senim::Errc;
using senim::protocol::check_voter_view;
namespace v1 = senim::v1;

namespace {

constexpr const char* kElection = "view-2026";
constexpr std::uint32_t kVoter = 700;  // on the second of three lists

// A witness of the election's policy (§11.4), when it names one.
struct Witness {
  senim::protocol::SigningKey key = senim::protocol::SigningKey::generate();
  senim::tlog::VerifierKey vkey =
      *senim::tlog::make_verifier_key("w1.example", 0x04, key.public_key());
  std::string policy() const {
    return "witness w1 " + senim::tlog::format_vkey(vkey) + "\nquorum w1\n";
  }
};

struct Election {
  Witness witness;
  senim::sim::ElectionBuilder builder;
  senim::crypto::merkle::MerkleLog log;
  std::size_t first_list = 0;
  std::size_t open = 0;

  explicit Election(bool witnessed = false) : builder(plan(witnessed ? witness.policy() : "")) {
    builder.prepare();
    builder.cast(1, senim::protocol::BallotChoices{{{1U, 0U}}});  // the log goes on past the open
    for (const senim::Bytes& e : builder.entries())
      log.append(e);
    first_list = *builder.find(v1::Statement::kCredentials);
    open = *builder.find(v1::Statement::kOpen);
  }

  static senim::sim::ElectionPlan plan(const std::string& witness_policy) {
    senim::sim::ElectionPlan p;
    p.manifest = senim::sim::referendum_manifest(kElection, false, 3);
    p.manifest.set_witness_policy(witness_policy);
    p.trustees = 3;
    p.threshold = 2;
    p.voters = 1200;
    return p;
  }

  v1::ProvenEntry proven(std::uint64_t leaf) const {
    v1::ProvenEntry e;
    e.set_leaf_index(leaf);
    e.set_entry(senim::to_string(builder.entries().at(leaf)));
    auto path = log.inclusion_proof(leaf, log.size());
    REQUIRE(path.ok());
    for (const senim::Hash32& h : *path)
      e.add_inclusion_proof(senim::to_string(h));
    return e;
  }

  // What an honest board serves voter kVoter.
  v1::VoterView view() const {
    v1::VoterView v;
    v.set_checkpoint(builder.checkpoint());
    for (std::uint64_t leaf = 0; leaf <= open; ++leaf) {
      if (leaf < first_list || leaf == first_list + 1 || leaf == open)
        *v.add_entries() = proven(leaf);
    }
    return v;
  }

  senim::Expected<senim::protocol::CheckedVoterView> check(const v1::VoterView& v) const {
    return check_voter_view(v, kElection, builder.voter_public_key(kVoter));
  }

  // The view's position of leaf `leaf`.
  static int at(const v1::VoterView& v, std::uint64_t leaf) {
    for (int i = 0; i < v.entries_size(); ++i) {
      if (v.entries(i).leaf_index() == leaf)
        return i;
    }
    throw std::runtime_error("no such leaf in the view");
  }
};

const Election& election() {
  static const Election e;
  return e;
}

void require_refused(const senim::Expected<senim::protocol::CheckedVoterView>& got, Errc code,
                     const std::string& message) {
  REQUIRE(!got.ok());
  INFO(got.error().message);
  CHECK(got.error().code == code);
  CHECK_THAT(got.error().message, Catch::Contains(message));
}

void erase(v1::VoterView& v, int position) {
  v.mutable_entries()->erase(v.mutable_entries()->begin() + position);
}

}  // namespace

TEST_CASE("an honest voter view checks: the set-up replayed, one list, the open",
          "[protocol][voter-view]") {
  const Election& e = election();
  auto got = e.check(e.view());
  INFO((got ? "" : got.error().message));
  REQUIRE(got.ok());
  CHECK(got->state->phase() == senim::protocol::Phase::voting);
  CHECK(got->credential_list_leaf == e.first_list + 1);
  CHECK(got->open_leaf == e.open);
  CHECK(got->skipped == 2);
  CHECK(got->given == e.first_list + 2);
  CHECK(got->district == *e.builder.state().district_of(e.builder.voter_public_key(kVoter)));
  CHECK(got->state->joint_key()->bytes == e.builder.state().joint_key()->bytes);
  // The manifest names no witnesses (quorum none): every checkpoint meets it.
  CHECK(got->checkpoint.quorum_met);
  CHECK(got->checkpoint.witnesses.empty());
  CHECK(got->checkpoint.checkpoint.size == e.builder.entries().size());
}

TEST_CASE("voter view: an inclusion proof with a flipped bit", "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView v = e.view();
  std::string& hash = *v.mutable_entries(3)->mutable_inclusion_proof(0);
  hash[5] = static_cast<char>(hash[5] ^ 0x10);
  require_refused(e.check(v), Errc::merkle_root_mismatch, "leaf 3: ");
}

TEST_CASE("voter view: a proof one hash short", "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView v = e.view();
  v.mutable_entries(1)->mutable_inclusion_proof()->RemoveLast();
  require_refused(e.check(v), Errc::merkle_bad_proof, "leaf 1: ");
}

TEST_CASE("voter view: the voter's list claimed at the next list's index",
          "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView v = e.view();
  v.mutable_entries(Election::at(v, e.first_list + 1))->set_leaf_index(e.first_list + 2);
  require_refused(e.check(v), Errc::merkle_root_mismatch,
                  "leaf " + std::to_string(e.first_list + 2) + ": ");
}

TEST_CASE("voter view: a list that does not hold the voter's key", "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView v = e.view();
  *v.mutable_entries(Election::at(v, e.first_list + 1)) = e.proven(e.first_list);
  require_refused(e.check(v), Errc::not_found,
                  "the credential list at leaf " + std::to_string(e.first_list) +
                      " does not list credential " +
                      senim::to_hex(e.builder.voter_public_key(kVoter)));
}

TEST_CASE("voter view: a checkpoint not signed by the board key of the set-up",
          "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView v = e.view();
  const auto other = senim::protocol::SigningKey::generate();
  auto forged = senim::protocol::sign_board_checkpoint(other, e.builder.log_origin(), e.log.size(),
                                                       e.log.root());
  REQUIRE(forged.ok());
  v.set_checkpoint(*forged);
  require_refused(e.check(v), Errc::note_unverified, "the voter view's checkpoint: ");
}

TEST_CASE("voter view: the board's checkpoint of another size", "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView v = e.view();
  v.set_checkpoint(e.builder.checkpoint(e.builder.entries().size() - 1));
  require_refused(e.check(v), Errc::merkle_root_mismatch,
                  "leaf 0: inclusion of index 0 in tree of size " +
                      std::to_string(e.builder.entries().size() - 1));
}

TEST_CASE("voter view: a ceremony entry left out fails the replay with the state machine's error",
          "[protocol][voter-view]") {
  const Election& e = election();
  const auto ready = *e.builder.find(v1::Statement::kReady);
  v1::VoterView no_ready = e.view();
  erase(no_ready, Election::at(no_ready, ready));
  require_refused(
      e.check(no_ready), Errc::invalid_argument,
      "leaf " + std::to_string(e.open) + ": every trustee must be ready before voting opens");
  const auto deal = *e.builder.find(v1::Statement::kDeal);
  v1::VoterView no_deal = e.view();
  erase(no_deal, Election::at(no_deal, deal));
  require_refused(e.check(no_deal), Errc::invalid_argument,
                  "leaf " + std::to_string(ready) + ": not every trustee has dealt yet");
}

TEST_CASE("voter view: no open, two lists, an entry after the open", "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView no_open = e.view();
  no_open.mutable_entries()->RemoveLast();
  require_refused(e.check(no_open), Errc::invalid_argument,
                  "ends at leaf " + std::to_string(e.first_list + 1) +
                      " without an open: the election is in phase ceremony");

  v1::VoterView two_lists = e.view();
  *two_lists.mutable_entries()->Add() = two_lists.entries(two_lists.entries_size() - 1);
  *two_lists.mutable_entries(two_lists.entries_size() - 2) = e.proven(e.first_list + 2);
  require_refused(e.check(two_lists), Errc::invalid_argument, "holds 2 credential lists");

  v1::VoterView after_open = e.view();
  *after_open.add_entries() = e.proven(e.open + 1);
  require_refused(
      e.check(after_open), Errc::invalid_argument,
      "leaf " + std::to_string(e.open + 1) + ": the voter view holds an entry after the open");
}

TEST_CASE("voter view: out of order, not from the set-up, empty, another election",
          "[protocol][voter-view]") {
  const Election& e = election();
  v1::VoterView swapped = e.view();
  swapped.mutable_entries()->SwapElements(1, 2);
  require_refused(e.check(swapped), Errc::invalid_argument, "not in ascending leaf order");

  v1::VoterView headless = e.view();
  erase(headless, 0);
  require_refused(e.check(headless), Errc::invalid_argument,
                  "does not begin with the set-up at leaf 0");

  require_refused(e.check(v1::VoterView{}), Errc::invalid_argument, "holds no entries");

  require_refused(check_voter_view(e.view(), "other-2026", e.builder.voter_public_key(kVoter)),
                  Errc::invalid_argument,
                  "the board holds election \"view-2026\", not \"other-2026\"");
}

TEST_CASE("voter view: the checkpoint's witnesses are reported and a failing cosignature refused",
          "[protocol][voter-view]") {
  const Election e(true);
  v1::VoterView v = e.view();
  auto alone = e.check(v);
  REQUIRE(alone.ok());
  CHECK(!alone->checkpoint.quorum_met);  // the board's word only
  CHECK(alone->checkpoint.witnesses.empty());

  const auto text = senim::tlog::parse_note(v.checkpoint())->text;
  const auto cosigner = *senim::tlog::cosignature_v1_signer(
      e.witness.vkey, [&](senim::ByteView m) { return e.witness.key.sign(m); }, 1700000000);
  auto line = *senim::tlog::sign_note_text(text, cosigner);
  v.set_checkpoint(v.checkpoint() + senim::tlog::format_signature_line(line));
  auto cosigned = e.check(v);
  REQUIRE(cosigned.ok());
  CHECK(cosigned->checkpoint.quorum_met);
  CHECK(cosigned->checkpoint.witnesses == std::set<std::string>{"w1"});

  line.signature.back() ^= 0x01;
  v1::VoterView forged = e.view();
  forged.set_checkpoint(forged.checkpoint() + senim::tlog::format_signature_line(line));
  require_refused(e.check(forged), Errc::signature_invalid, "the voter view's checkpoint: ");
}
