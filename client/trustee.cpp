// `senim trustee …`: a trustee's part (docs/operator-guide.md). A trustee
// acts only on what its own replica of the board has checked.
#include <filesystem>
#include <iostream>
#include <optional>

#include "client/board_client.hpp"
#include "client/ceremony_view.hpp"
#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/followed_replica.hpp"
#include "client/key_files.hpp"
#include "client/replica.hpp"
#include "crypto/key_ceremony.hpp"
#include "proto/files.pb.h"
#include "protocol/decryption.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/tracking_code.hpp"
#include "protocol/trustee_messages.hpp"

namespace senim::client {
namespace {

// The trustee's state file in memory: its polynomial or its key share,
// wiped when the command ends.
struct SecretProgress {
  v1::TrusteeStateFile file;
  SecretProgress() = default;
  SecretProgress(SecretProgress&&) = default;
  SecretProgress& operator=(SecretProgress&&) = default;
  SecretProgress(const SecretProgress&) = delete;
  SecretProgress& operator=(const SecretProgress&) = delete;
  ~SecretProgress() {
    for (auto& c : *file.mutable_coefficients())
      wipe_string(c);
    wipe_string(*file.mutable_share());
    wipe_string(*file.mutable_box_secret());
  }
};

struct TrusteeSession {
  BoardClient board;
  protocol::SigningKey signing;
  crypto::BoxKeyPair box;
  Replica replica;
  std::unique_ptr<FollowedReplica> followed;  // --replica, instead of `replica`
  std::uint32_t index = 0;
  std::string election_id;
  std::string state_path;
  SecretProgress progress;
  // What the ceremony's steps act on, from whichever replica synced.
  CeremonyView view() const { return followed ? ceremony_view(*followed) : ceremony_view(replica); }
};

Expected<protocol::SigningKey> load_trustee_key(const std::string& path,
                                                std::string* name = nullptr) {
  v1::TrusteeKeyFile file;
  if (auto s = read_message_file(path, file); !s)
    return s.error();
  auto signing = protocol::SigningKey::from_seed(as_bytes(file.signing_seed()));
  wipe_string(*file.mutable_signing_seed());
  if (name != nullptr)
    *name = file.name();
  return signing;
}

std::string state_path_of(const TrusteeOptions& o) {
  return o.state.empty() ? o.key + ".state" : o.state;
}

// docs/protocol.md §6.3.1, at the trustee: it takes part in a ceremony only
// under the box key it made for that ceremony (this election on this board),
// one that no complaint has revealed and that no other set-up has used.
Status check_ceremony_state(const v1::TrusteeStateFile& state, const std::string& path,
                            const protocol::ElectionConfig& config, std::uint32_t trustee) {
  const std::string again =
      ": the election must be set up again on a new board, with new box keys (`senim trustee "
      "box-key`)";
  if (state.box_key().empty()) {
    return make_error(Errc::not_found, path + " holds no box key for election \"" +
                                           config.election_id() +
                                           "\": give the state file `senim trustee box-key` "
                                           "wrote for it (--state)");
  }
  if (state.election_id() != config.election_id() || !same_bytes(state.board_key(), config.board)) {
    return make_error(Errc::invalid_argument,
                      path + " belongs to election \"" + state.election_id() + "\" on board " +
                          short_hex(as_bytes(state.board_key())) + ", not to election \"" +
                          config.election_id() + "\" on board " + short_hex(config.board));
  }
  if (state.trustee() != 0 && state.trustee() != trustee) {
    return make_error(Errc::invalid_argument, path + " belongs to trustee " +
                                                  std::to_string(state.trustee()) +
                                                  ", not to trustee " + std::to_string(trustee));
  }
  if (!same_bytes(state.box_key(), config.box_keys[trustee - 1])) {
    return make_error(Errc::not_authorized,
                      "the set-up names another box key for trustee " + std::to_string(trustee) +
                          " than the one this trustee made for it in " + path +
                          ": use the --state file that `senim trustee box-key` wrote with the "
                          ".pub file the authority was given");
  }
  if (state.box_key_revealed()) {
    return make_error(
        Errc::not_authorized,
        "the box key in " + path + " was revealed by a complaint and is never used again" + again);
  }
  if (!state.setup_hash().empty() && !same_bytes(state.setup_hash(), config.setup_hash)) {
    return make_error(Errc::not_authorized,
                      "the box key in " + path +
                          " was already used in another set-up of this election on this board, "
                          "and a box key serves one ceremony only" +
                          again);
  }
  return Status::success();
}

Expected<TrusteeSession> start(const TrusteeOptions& o) {
  auto signing = load_trustee_key(o.key);
  if (!signing)
    return signing.error();
  auto board = BoardClient::connect(o.server);
  if (!board)
    return board.error();
  TrusteeSession s{std::move(*board),
                   std::move(*signing),
                   crypto::BoxKeyPair{},
                   Replica(),
                   nullptr,
                   0,
                   {},
                   state_path_of(o),
                   {}};
  const protocol::ElectionConfig* config = nullptr;
  if (o.replica.empty()) {
    if (auto st = s.replica.sync(s.board); !st)
      return st.error();
    config = s.replica.state().config();
  } else {
    auto followed = open_current_replica({o.replica, o.server, 50'000, false});
    if (!followed)
      return followed.error();
    s.followed = std::move(*followed);
    config = s.followed->config();
  }
  if (config == nullptr)
    return make_error(Errc::wrong_phase, "the board holds no election yet");
  auto t = config->trustee_of(s.signing.public_key());
  if (!t) {
    return make_error(Errc::not_authorized,
                      "this key is not one of the trustees of \"" + config->election_id() + "\"");
  }
  s.index = *t;
  s.election_id = config->election_id();
  if (std::filesystem::exists(s.state_path)) {  // absent: check_ceremony_state says so
    if (auto r = read_message_file(s.state_path, s.progress.file); !r)
      return r.error();
  }
  if (auto st = check_ceremony_state(s.progress.file, s.state_path, *config, s.index); !st)
    return st.error();
  s.box.public_key = config->box_keys[s.index - 1];
  if (!s.progress.file.box_secret().empty()) {  // erased once the share is final
    auto secret = crypto::BoxSecretKey::decode(as_bytes(s.progress.file.box_secret()));
    if (!secret)
      return make_error(secret.error().code,
                        s.state_path + " is damaged: " + secret.error().message);
    if (!(secret->public_key() == s.box.public_key))
      return make_error(Errc::invalid_argument, s.state_path +
                                                    " is damaged: its box secret key "
                                                    "does not match its box key");
    s.box.secret_key = *secret;
  }
  return s;
}

v1::Statement statement_for(const TrusteeSession& s) {
  v1::Statement st;
  st.set_election_id(s.election_id);
  return st;
}

Status post(TrusteeSession& s, const v1::Statement& st) {
  auto receipt = s.board.post(post_path(st), protocol::make_entry(s.signing, st));
  if (!receipt)
    return receipt.error();
  return Status::success();
}

}  // namespace

int trustee_keygen(const TrusteeOptions& o) {
  if (o.name.empty())
    return fail("give the trustee a --name");
  const auto signing = protocol::SigningKey::generate();
  v1::TrusteeKeyFile secret;
  secret.set_name(o.name);
  Bytes seed = signing.seed();
  secret.set_signing_seed(to_string(seed));
  wipe(seed);
  if (auto s = write_message_file(o.key, secret, Secrecy::secret_file); !s)
    return fail(s.error());
  wipe_string(*secret.mutable_signing_seed());
  std::cout << "trustee key written to " << o.key << " (keep it secret)\n"
            << "signing key " << to_hex(signing.public_key()) << "\n"
            << "for each election: `senim trustee box-key --key " << o.key
            << " --election ID --server URL`, and give the .pub file it writes to the authority\n";
  return 0;
}

// docs/protocol.md §6.3.1: a fresh box key for one ceremony (this election on
// this board), signed once. Asked again for the same ceremony with the same
// state file, it writes the same public file again and signs nothing; it
// never overwrites the state of another ceremony.
int trustee_box_key(const TrusteeOptions& o) {
  if (o.election_id.empty())
    return fail("name the election with --election");
  std::string name;
  auto signing = load_trustee_key(o.key, &name);
  if (!signing)
    return fail(signing.error());
  auto board = BoardClient::connect(o.server);
  if (!board)
    return fail(board.error());
  auto id = board->identity();
  if (!id)
    return fail(id.error());
  const protocol::PublicKey& board_key = id->key;
  if (!id->info.election_id().empty()) {
    return fail("the board at " + o.server + " already holds election \"" + id->info.election_id() +
                "\": a box key is made before the authority creates the election, on the board "
                "it will run on");
  }
  const std::string state_path = state_path_of(o);
  const std::string public_path = o.public_out.empty() ? o.key + ".pub" : o.public_out;
  SecretProgress progress;
  v1::TrusteeStateFile& state = progress.file;
  const bool again = std::filesystem::exists(state_path);
  if (again) {
    if (auto r = read_message_file(state_path, state); !r)
      return fail(r.error());
    if (state.election_id() != o.election_id || !same_bytes(state.board_key(), board_key) ||
        state.box_key().empty()) {
      return fail(state_path + " belongs to election \"" + state.election_id() + "\" on board " +
                  short_hex(as_bytes(state.board_key())) +
                  ": keep it until that election is over, and give this ceremony its own state "
                  "file with --state (and the same --state to deal, finalize and decrypt)");
    }
    if (state.box_key_revealed()) {
      return fail("the box key in " + state_path +
                  " was revealed by a complaint and is never used again; a new ceremony needs a "
                  "new board, and a new state file (--state)");
    }
  } else {
    const auto box = crypto::BoxKeyPair::generate();
    state.set_election_id(o.election_id);
    state.set_board_key(to_string(board_key));
    state.set_box_key(to_string(box.public_key));
    const ByteView secret = box.secret_key.bytes();
    state.set_box_secret(secret.data(), secret.size());  // no unwiped temporary copy
    state.set_box_key_signature(
        to_string(protocol::sign_box_key(*signing, o.election_id, board_key, box.public_key)));
    if (auto w = write_message_file(state_path, state, Secrecy::secret_file); !w)
      return fail(w.error());
  }
  v1::TrusteePublicFile pub;
  pub.set_name(name);
  pub.set_signing_key(to_string(signing->public_key()));
  pub.set_box_key(state.box_key());
  pub.set_box_key_signature(state.box_key_signature());
  pub.set_election_id(o.election_id);
  pub.set_board_key(to_string(board_key));
  if (auto w = write_message_file(public_path, pub, Secrecy::public_file); !w)
    return fail(w.error());
  if (again) {
    std::cout << state_path << " already holds this trustee's box key for election \""
              << o.election_id << "\" on this board: " << public_path
              << " written again with the same key\n";
  } else {
    std::cout << "box key made for election \"" << o.election_id << "\" on board "
              << to_hex(board_key) << "\n"
              << "its secret half is in " << state_path << " (keep it secret)\n";
  }
  std::cout << "give " << public_path << " to the election authority; to read back, its keys' "
            << "fingerprints (docs/api.md, \"Encodings\"): signing key "
            << protocol::key_fingerprint(as_bytes(pub.signing_key())) << ", box key "
            << protocol::key_fingerprint(as_bytes(pub.box_key())) << "\n";
  return 0;
}

int trustee_deal(const TrusteeOptions& o) {
  auto s = start(o);
  if (!s)
    return fail(s.error());
  const CeremonyView view = s->view();
  if (view.phase != protocol::Phase::ceremony) {
    return fail("the ceremony is over (phase " + protocol::phase_name(view.phase) + ")");
  }
  if (view.dealt(s->index))
    return fail("trustee " + std::to_string(s->index) + " has already dealt");
  const auto& config = *view.config;
  // Keep the polynomial before posting: after the deal is on the board, the
  // trustee needs f(t) for its own share.
  auto polynomial = crypto::SecretPolynomial::random(config.ceremony.threshold);
  s->progress.file.set_trustee(s->index);
  s->progress.file.set_setup_hash(to_string(config.setup_hash));  // §6.3.1: used here, only here
  for (auto& c : *s->progress.file.mutable_coefficients())
    wipe_string(c);
  s->progress.file.clear_coefficients();
  for (std::size_t j = 0; j < polynomial.threshold(); ++j)
    s->progress.file.add_coefficients(secret_scalar_bytes(polynomial.coefficient(j)));
  if (auto w = write_message_file(s->state_path, s->progress.file, Secrecy::secret_file, true); !w)
    return fail(w.error());
  auto deal = protocol::make_deal(config, s->index, polynomial);
  if (!deal)
    return fail(deal.error());
  v1::Statement st = statement_for(*s);
  *st.mutable_deal() = *deal;
  if (auto p = post(*s, st); !p)
    return fail(p.error());
  std::cout << "trustee " << s->index << " dealt: commitments, proofs and "
            << config.ceremony.trustees - 1
            << " sealed shares are on the board\nnext: `senim trustee finalize` once every trustee "
               "has dealt\n";
  return 0;
}

int trustee_finalize(const TrusteeOptions& o) {
  auto s = start(o);
  if (!s)
    return fail(s.error());
  const CeremonyView view = s->view();
  const auto& config = *view.config;
  if (view.phase != protocol::Phase::ceremony)
    return fail("the ceremony is over");
  if (view.is_ready(s->index))
    return fail("trustee " + std::to_string(s->index) + " is already ready");
  std::string waiting;
  for (std::uint32_t i = 1; i <= config.ceremony.trustees; ++i) {
    if (!view.dealt(i))
      waiting += " " + std::to_string(i);
  }
  if (!waiting.empty())
    return fail("still waiting for trustee(s)" + waiting + " to deal");
  if (s->progress.file.coefficients_size() == 0)
    return fail(s->state_path + " holds no polynomial: did this trustee deal?");
  if (s->progress.file.box_secret().empty())
    return fail(s->state_path + " holds no box secret key: the shares sent to it cannot be opened");
  std::vector<crypto::Scalar> coefficients;  // Scalars wipe themselves; reserve: no stray copies
  coefficients.reserve(static_cast<std::size_t>(s->progress.file.coefficients_size()));
  for (const auto& c : s->progress.file.coefficients()) {
    auto a = crypto::Scalar::decode(as_bytes(c));
    if (!a)
      return fail(s->state_path + " is damaged: " + a.error().message);
    coefficients.push_back(*a);
  }
  const auto polynomial = crypto::SecretPolynomial::from_coefficients(std::move(coefficients));
  // §6.5, rule 3: x_t sums the shares of the dealers in Q only (the same Q
  // the board and the verifier compute), this trustee's own f_t(t) included
  // if it is one of them.
  const std::vector<crypto::DealerCommitment>& qualified = view.qualified;
  std::vector<crypto::Scalar> shares;
  shares.reserve(qualified.size());
  for (const crypto::DealerCommitment& dealer : qualified) {
    const std::uint32_t i = dealer.dealer;
    if (i == s->index) {
      shares.push_back(polynomial.evaluate(i));
      continue;
    }
    const std::string& box = view.deals[i - 1]->encrypted_shares(static_cast<int>(s->index - 1));
    auto share = crypto::open_share(as_bytes(box), i, s->index, s->box);
    Status good = share ? crypto::verify_share(dealer, s->index, *share) : Status(share.error());
    if (!good) {
      // §6.4.2: publish the evidence; the ceremony must be run again. The box
      // key is marked revealed first, so that it is never used again (§6.3.1).
      s->progress.file.set_box_key_revealed(true);
      if (auto w = write_message_file(s->state_path, s->progress.file, Secrecy::secret_file, true);
          !w) {
        return fail(w.error());
      }
      v1::Statement st = statement_for(*s);
      auto* c = st.mutable_complaint();
      c->set_trustee(s->index);
      c->set_dealer(i);
      c->set_box_secret_key(to_string(s->box.secret_key.bytes()));
      if (auto p = post(*s, st); !p)
        return fail(p.error());
      return fail(
          "trustee " + std::to_string(i) + " sent a bad share (" + good.error().message +
          "); a complaint with the evidence is on the board, and the ceremony must be run again");
    }
    shares.push_back(*share);
  }
  auto x = crypto::final_secret_share(s->index, shares, qualified);
  if (!x)
    return fail(x.error());
  for (auto& c : *s->progress.file.mutable_coefficients())
    wipe_string(c);
  s->progress.file.clear_coefficients();
  s->progress.file.set_share(secret_scalar_bytes(*x));
  wipe_string(*s->progress.file.mutable_box_secret());  // every share is open: sk_t is done
  if (auto w = write_message_file(s->state_path, s->progress.file, Secrecy::secret_file, true); !w)
    return fail(w.error());
  v1::Statement st = statement_for(*s);
  *st.mutable_ready() = protocol::make_ready(config, s->index, *x, view.trustee_keys[s->index - 1]);
  if (auto p = post(*s, st); !p)
    return fail(p.error());
  std::cout << "trustee " << s->index
            << " checked every share it received and holds its key share\n"
            << "joint election key " << to_hex(view.joint_key->bytes) << "\n";
  return 0;
}

namespace {

// What a partial decryption is made from, from either kind of replica.
struct DecryptInputs {
  protocol::Phase phase = protocol::Phase::empty;
  const std::vector<std::uint32_t>* partial_trustees = nullptr;
  const protocol::DecodedTally* tally = nullptr;
  std::optional<Hash32> base_hash;
  const crypto::Element* public_share = nullptr;  // X_t of this trustee
  std::uint64_t entries = 0;
};

DecryptInputs decrypt_inputs(const TrusteeSession& s) {
  DecryptInputs in;
  if (s.followed) {
    const verifier::Engine& engine = s.followed->engine();
    in.phase = s.followed->phase();
    in.partial_trustees = &engine.partial_trustees();
    in.tally = engine.tally();
    if (auto params = engine.parameters())
      in.base_hash = params->base_hash;
    if (engine.trustee_keys().size() >= s.index)
      in.public_share = &engine.trustee_keys()[s.index - 1];
    in.entries = s.followed->size();
    return in;
  }
  const auto& state = s.replica.state();
  in.phase = state.phase();
  in.partial_trustees = &state.partial_trustees();
  in.tally = state.tally() ? &*state.tally() : nullptr;
  in.base_hash = state.base_hash();
  if (state.trustee_public_keys().size() >= s.index)
    in.public_share = &state.trustee_public_keys()[s.index - 1];
  in.entries = s.replica.entries().size();
  return in;
}

}  // namespace

int trustee_decrypt(const TrusteeOptions& o) {
  auto s = start(o);
  if (!s)
    return fail(s.error());
  const DecryptInputs in = decrypt_inputs(*s);
  for (std::uint32_t t : *in.partial_trustees) {
    if (t == s->index)
      return fail("trustee " + std::to_string(t) + " has already decrypted");
  }
  if (in.phase != protocol::Phase::decrypting || in.tally == nullptr || !in.base_hash ||
      in.public_share == nullptr) {
    return fail("there is no tally to decrypt (phase " + protocol::phase_name(in.phase) + ")");
  }
  auto share = crypto::Scalar::decode(as_bytes(s->progress.file.share()));
  if (!share)
    return fail(s->state_path + " holds no final key share: did this trustee finalize?");
  // The replica accepted the posted tally only because it equals the tally
  // this trustee computed from every ballot it checked itself.
  const auto ciphertexts = protocol::flatten(*in.tally);
  v1::Statement st = statement_for(*s);
  *st.mutable_partial() =
      protocol::make_partial(*in.base_hash, s->index, *share, *in.public_share, ciphertexts);
  if (auto p = post(*s, st); !p)
    return fail(p.error());
  std::uint64_t counted = 0;
  for (auto c : in.tally->ballots_counted)
    counted += c;
  std::cout << "trustee " << s->index << " decrypted its share of the tally of " << counted
            << " ballots, which it recomputed from " << in.entries
            << " board entries it checked itself\n";
  return 0;
}

}  // namespace senim::client
