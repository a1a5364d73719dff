#include "sim/election_builder.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "protocol/board_checkpoint.hpp"
#include "protocol/decryption.hpp"
#include "protocol/record.hpp"
#include "protocol/tracking_code.hpp"
#include "protocol/trustee_messages.hpp"

namespace senim::sim {
namespace {

// Ballots per credential in the simulated manifests (§9.6): room for every
// re-vote the tests and benchmarks make.
constexpr std::uint32_t kSimMaxBallots = 10;

v1::Text text(const std::string& kk, const std::string& ru, const std::string& en) {
  v1::Text t;
  (*t.mutable_text())["kk"] = kk;
  (*t.mutable_text())["ru"] = ru;
  (*t.mutable_text())["en"] = en;
  return t;
}

protocol::ParsedEntry parsed_entry(const Bytes& entry) {
  auto p = protocol::parse_entry(entry);
  if (!p) {
    throw std::runtime_error("ElectionBuilder: entry does not parse: " +
                             std::string(errc_name(p.error().code)) + ": " + p.error().message);
  }
  return std::move(*p);
}

void must(const Status& s, const std::string& step) {
  if (!s) {
    throw std::runtime_error("ElectionBuilder " + step + ": " +
                             std::string(errc_name(s.error().code)) + ": " + s.error().message);
  }
}

void add_districts(v1::Manifest& m, std::uint32_t districts) {
  for (std::uint32_t d = 1; d <= districts; ++d) {
    auto* district = m.add_districts();
    district->set_id("region-" + std::to_string(d));
    *district->mutable_name() = text("Аймақ " + std::to_string(d), "Регион " + std::to_string(d),
                                     "Region " + std::to_string(d));
  }
}

v1::Contest* add_referendum(v1::Manifest& m, bool allow_blank) {
  auto* c = m.add_contests();
  c->set_id("referendum");
  *c->mutable_title() =
      text("Конституцияға түзетулерді қабылдайсыз ба?", "Принимаете ли вы поправки в Конституцию?",
           "Do you accept the amendments to the Constitution?");
  c->set_min_selections(allow_blank ? 0 : 1);
  c->set_max_selections(1);
  auto* yes = c->add_options();
  yes->set_id("yes");
  *yes->mutable_label() = text("Иә", "Да", "Yes");
  auto* no = c->add_options();
  no->set_id("no");
  *no->mutable_label() = text("Жоқ", "Нет", "No");
  return c;
}

}  // namespace

v1::Manifest referendum_manifest(const std::string& election_id, bool allow_blank,
                                 std::uint32_t districts) {
  v1::Manifest m;
  m.set_election_id(election_id);
  *m.mutable_title() =
      text("Республикалық референдум", "Республиканский референдум", "National referendum");
  m.add_languages("kk");
  m.add_languages("ru");
  m.add_languages("en");
  add_districts(m, districts);
  add_referendum(m, allow_blank);
  m.set_max_ballots_per_credential(kSimMaxBallots);
  return m;
}

v1::Manifest demo_manifest(const std::string& election_id, std::uint32_t districts) {
  v1::Manifest m = referendum_manifest(election_id, true, districts);
  auto* c = m.add_contests();
  c->set_id("council");
  *c->mutable_title() = text("Қоғамдық кеңес: екеуін таңдаңыз",
                             "Общественный совет: выберите двоих", "Public council: choose two");
  c->set_min_selections(0);
  c->set_max_selections(2);
  const char* names[][3] = {{"Айгүл", "Айгуль", "Aigul"},
                            {"Бауыржан", "Бауыржан", "Baurzhan"},
                            {"Гүлнар", "Гульнар", "Gulnar"},
                            {"Дәурен", "Даурен", "Dauren"},
                            {"Ержан", "Ержан", "Yerzhan"}};
  for (int i = 0; i < 5; ++i) {
    auto* o = c->add_options();
    o->set_id("candidate-" + std::to_string(i + 1));
    *o->mutable_label() = text(names[i][0], names[i][1], names[i][2]);
  }
  return m;
}

protocol::BallotChoices demo_choices(std::uint32_t referendum, std::vector<std::uint32_t> council) {
  protocol::BallotChoices c;
  c.contests.push_back({referendum == 0 ? 1U : 0U, referendum == 1 ? 1U : 0U});
  c.contests.emplace_back(council.begin(), council.end());
  return c;
}

std::vector<std::pair<std::uint32_t, protocol::BallotChoices>> referendum_votes(
    std::uint32_t voters) {
  std::vector<std::pair<std::uint32_t, protocol::BallotChoices>> votes;
  votes.reserve(voters);
  for (std::uint32_t v = 0; v < voters; ++v)
    votes.push_back({v, protocol::BallotChoices{{{v % 2, 1 - v % 2}}}});
  return votes;
}

ElectionBuilder::ElectionBuilder(ElectionPlan plan)
    : plan_(std::move(plan)),
      authority_(std::make_unique<protocol::SigningKey>(protocol::SigningKey::generate())),
      board_(std::make_unique<protocol::SigningKey>(protocol::SigningKey::generate())) {
  if (!plan_.trustee_seeds.empty() && plan_.trustee_seeds.size() != plan_.trustees)
    throw std::invalid_argument("ElectionBuilder: one trustee seed per trustee");
  for (std::uint32_t t = 0; t < plan_.trustees; ++t) {
    Trustee trustee;
    trustee.signing = std::make_unique<protocol::SigningKey>(
        plan_.trustee_seeds.empty() ? protocol::SigningKey::generate()
                                    : *protocol::SigningKey::from_seed(plan_.trustee_seeds[t]));
    trustee.box = crypto::BoxKeyPair::generate();
    trustees_.push_back(std::move(trustee));
  }
  for (std::uint32_t v = 0; v < plan_.voters; ++v) {
    const auto key = protocol::CredentialKey::generate();
    voter_seeds_.push_back(key.seed());
    voter_public_.push_back(key.public_key());
  }
  sequence_.assign(plan_.voters, 0);
  state_ = std::make_unique<protocol::ElectionState>(
      [this](std::uint64_t leaf) -> Expected<Bytes> {
        if (leaf >= entries_.size())
          return make_error(Errc::not_found, "no such leaf");
        return entries_[leaf];
      },
      [this](const Hash32& alpha) -> Expected<std::vector<std::uint64_t>> {
        std::vector<std::uint64_t> leaves;
        for (auto [it, end] = cast_alphas_.equal_range(alpha); it != end; ++it)
          leaves.push_back(it->second);
        return leaves;
      });
}

ElectionBuilder::~ElectionBuilder() {
  for (auto& seed : voter_seeds_)
    wipe(seed);
}

protocol::CredentialKey ElectionBuilder::voter_key(std::uint32_t v) const {
  return *protocol::CredentialKey::from_seed(voter_seeds_.at(v));
}

std::uint32_t ElectionBuilder::district_of(std::uint32_t voter) const {
  const auto districts = static_cast<std::uint32_t>(plan_.manifest.districts_size());
  return districts == 0 ? 0 : voter % districts;
}

Bytes ElectionBuilder::sign(const protocol::SigningKey& key, const v1::Statement& statement) {
  return protocol::make_entry(key, statement);
}

Bytes ElectionBuilder::sign(const protocol::CredentialKey& key, const v1::Statement& statement) {
  return protocol::make_entry(key, statement);
}

Bytes ElectionBuilder::sign_as(const std::string& signer,
                               const std::string& statement_bytes) const {
  for (const protocol::SigningKey* key : {authority_.get(), board_.get()}) {
    if (same_bytes(signer, key->public_key()))
      return protocol::make_entry_from_statement_bytes(*key, statement_bytes);
  }
  for (const Trustee& t : trustees_) {
    if (same_bytes(signer, t.signing->public_key()))
      return protocol::make_entry_from_statement_bytes(*t.signing, statement_bytes);
  }
  for (std::uint32_t v = 0; v < voter_public_.size(); ++v) {
    if (same_bytes(signer, voter_public_[v]))
      return protocol::make_entry_from_statement_bytes(voter_key(v), statement_bytes);
  }
  throw std::invalid_argument("ElectionBuilder::sign_as: not a principal of this election");
}

v1::Statement ElectionBuilder::statement() const {
  v1::Statement st;
  st.set_election_id(plan_.manifest.election_id());
  return st;
}

protocol::ParsedEntry ElectionBuilder::parsed(std::size_t i) const {
  return parsed_entry(entries_.at(i));
}

std::optional<std::size_t> ElectionBuilder::find(v1::Statement::BodyCase body) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (parsed(i).statement.body_case() == body)
      return i;
  }
  return std::nullopt;
}

void ElectionBuilder::index_cast(const Bytes& entry, std::uint64_t leaf) {
  for (const Hash32& alpha : protocol::ciphertext_alphas(parsed_entry(entry).statement.ballot()))
    cast_alphas_.emplace(alpha, leaf);
}

void ElectionBuilder::append(Bytes entry) {
  const std::uint64_t leaf = entries_.size();
  must(state_->apply(entry, leaf), "entry " + std::to_string(leaf));
  entries_.push_back(std::move(entry));
}

v1::Statement ElectionBuilder::setup_statement() const {
  v1::Statement st = statement();
  v1::ElectionSetup* setup = st.mutable_setup();
  *setup->mutable_manifest() = plan_.manifest;
  const protocol::PublicKey board = plan_.board_public_key.value_or(board_->public_key());
  setup->set_authority_key(to_string(authority_->public_key()));
  setup->set_board_key(to_string(board));
  setup->set_threshold(plan_.threshold);
  setup->set_log_origin(log_origin());
  for (std::uint32_t t = 0; t < plan_.trustees; ++t) {
    auto* info = setup->add_trustees();
    info->set_name("Trustee " + std::to_string(t + 1));
    info->set_signing_key(to_string(trustees_[t].signing->public_key()));
    info->set_box_key(to_string(trustees_[t].box.public_key));
    info->set_box_key_signature(to_string(protocol::sign_box_key(
        *trustees_[t].signing, plan_.manifest.election_id(), board, trustees_[t].box.public_key)));
  }
  return st;
}

void ElectionBuilder::setup() {
  append(sign(*authority_, setup_statement()));
}

void ElectionBuilder::ceremony() {
  deal();
  finalize();
}

void ElectionBuilder::deal() {
  const protocol::ElectionConfig& config = *state_->config();
  for (std::uint32_t t = 1; t <= plan_.trustees; ++t) {
    trustees_[t - 1].polynomial = std::make_unique<crypto::SecretPolynomial>(
        crypto::SecretPolynomial::random(plan_.threshold));
    auto deal = protocol::make_deal(config, t, *trustees_[t - 1].polynomial);
    must(deal.ok() ? Status::success() : Status(deal.error()), "deal");
    v1::Statement st = statement();
    *st.mutable_deal() = *deal;
    append(sign(*trustees_[t - 1].signing, st));
  }
}

void ElectionBuilder::finalize() {
  const protocol::ElectionConfig& config = *state_->config();
  // Every trustee opens its shares from the board and announces it is ready.
  std::vector<crypto::DealerCommitment> qualified;
  for (const auto& d : state_->deals())
    qualified.push_back(*d);
  for (std::uint32_t t = 1; t <= plan_.trustees; ++t) {
    std::vector<crypto::Scalar> shares;
    for (std::uint32_t i = 1; i <= plan_.trustees; ++i) {
      if (i == t) {
        shares.push_back(trustees_[t - 1].polynomial->evaluate(t));
        continue;
      }
      const protocol::ParsedEntry dealt = parsed(i);  // entry i is dealer i's deal
      const v1::TrusteeDeal& deal = dealt.statement.deal();
      auto share = crypto::open_share(as_bytes(deal.encrypted_shares(static_cast<int>(t - 1))), i,
                                      t, trustees_[t - 1].box);
      must(share.ok() ? Status::success() : Status(share.error()), "open share");
      must(crypto::verify_share(qualified[i - 1], t, *share), "verify share");
      shares.push_back(*share);
    }
    auto x = crypto::final_secret_share(t, shares, qualified);
    must(x.ok() ? Status::success() : Status(x.error()), "final share");
    trustees_[t - 1].share = *x;
    v1::Statement st = statement();
    *st.mutable_ready() = protocol::make_ready(config, t, *x, state_->trustee_public_keys()[t - 1]);
    append(sign(*trustees_[t - 1].signing, st));
  }
}

void ElectionBuilder::complain(std::uint32_t accuser, std::uint32_t dealer) {
  v1::Statement st = statement();
  auto* c = st.mutable_complaint();
  c->set_trustee(accuser);
  c->set_dealer(dealer);
  c->set_box_secret_key(to_string(trustees_.at(accuser - 1).box.secret_key.bytes()));
  append(sign(*trustees_[accuser - 1].signing, st));
}

void ElectionBuilder::post_credentials() {
  // §8.5: in lists of at most kCredentialsPerList, each one entry.
  for (std::uint32_t first = 0; first < plan_.voters;
       first += static_cast<std::uint32_t>(protocol::kCredentialsPerList)) {
    v1::Statement st = statement();
    const std::uint32_t end = std::min<std::uint32_t>(
        plan_.voters, first + static_cast<std::uint32_t>(protocol::kCredentialsPerList));
    for (std::uint32_t v = first; v < end; ++v) {
      auto* c = st.mutable_credentials()->add_credentials();
      c->set_key(to_string(voter_public_[v]));
      if (plan_.manifest.districts_size() > 0) {
        c->set_district(plan_.manifest.districts(static_cast<int>(district_of(v))).id());
      }
    }
    append(sign(*authority_, st));
  }
}

void ElectionBuilder::open() {
  v1::Statement st = statement();
  st.mutable_open()->set_joint_key(to_string(state_->joint_key()->bytes));
  st.mutable_open()->set_base_hash(to_string(*state_->base_hash()));
  append(sign(*authority_, st));
}

void ElectionBuilder::prepare() {
  setup();
  ceremony();
  post_credentials();
  open();
}

Hash32 ElectionBuilder::cast(std::uint32_t voter, const protocol::BallotChoices& choices) {
  cast_many({{voter, choices}}, 1);
  return protocol::tracking_code(as_bytes(parsed(entries_.size() - 1).entry.statement()));
}

Hash32 ElectionBuilder::cast_encrypted(std::uint32_t voter, const v1::Ballot& ballot) {
  v1::Statement st = statement();
  *st.mutable_ballot() = ballot;
  const Bytes entry = sign(voter_key(voter), st);
  append(entry);
  sequence_[voter] = ballot.sequence();
  index_cast(entry, entries_.size() - 1);
  return protocol::tracking_code(as_bytes(parsed(entries_.size() - 1).entry.statement()));
}

void ElectionBuilder::cast_many(
    const std::vector<std::pair<std::uint32_t, protocol::BallotChoices>>& ballots,
    unsigned threads) {
  const auto params = state_->parameters();
  std::vector<std::uint32_t> sequences;
  sequences.reserve(ballots.size());
  for (const auto& [voter, _] : ballots)
    sequences.push_back(++sequence_.at(voter));
  std::vector<Bytes> made(ballots.size());
  auto work = [&](std::size_t begin, std::size_t step) {
    for (std::size_t i = begin; i < ballots.size(); i += step) {
      const auto& [voter, choices] = ballots[i];
      auto ballot = protocol::encrypt_ballot(*params, voter_public_[voter], sequences[i], choices);
      if (!ballot)
        throw std::runtime_error("cast: " + ballot.error().message);
      v1::Statement st = statement();
      *st.mutable_ballot() = ballot->ballot;
      made[i] = sign(voter_key(voter), st);
    }
  };
  if (threads <= 1) {
    work(0, 1);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back(work, t, threads);
    for (auto& th : pool)
      th.join();
  }
  for (Bytes& entry : made) {
    const std::uint64_t leaf = entries_.size();
    if (plan_.validate) {
      must(state_->apply(entry, leaf), "ballot " + std::to_string(leaf));
    } else {
      // Trust our own encryption: skip the proofs, keep the bookkeeping.
      protocol::ElectionState::Prechecked pre;
      pre.bytes = entry;
      pre.parsed = *protocol::parse_entry(entry);
      auto decoded = protocol::decode_ballot(params->shape, pre.parsed.statement.ballot());
      must(decoded.ok() ? Status::success() : Status(decoded.error()), "decode own ballot");
      pre.ballot = std::move(*decoded);
      pre.tracking_code = protocol::tracking_code(as_bytes(pre.parsed.entry.statement()));
      pre.alphas = protocol::ciphertext_alphas(pre.parsed.statement.ballot());
      must(state_->admit(pre, leaf), "ballot " + std::to_string(leaf));
    }
    index_cast(entry, leaf);
    entries_.push_back(std::move(entry));
  }
}

Hash32 ElectionBuilder::challenge(std::uint32_t voter, const protocol::BallotChoices& choices) {
  const auto params = state_->parameters();
  auto ballot =
      protocol::encrypt_ballot(*params, voter_public_[voter], sequence_[voter] + 1, choices);
  if (!ballot)
    throw std::runtime_error("challenge: " + ballot.error().message);
  v1::Statement shown = statement();
  *shown.mutable_ballot() = ballot->ballot;
  const std::string shown_bytes = protocol::serialize(shown);
  v1::Statement st = statement();
  *st.mutable_challenge() = protocol::reveal_ballot(*ballot, shown_bytes);
  append(sign(voter_key(voter), st));
  return protocol::tracking_code(as_bytes(shown_bytes));
}

void ElectionBuilder::close() {
  v1::Statement st = statement();
  st.mutable_close();
  append(sign(*authority_, st));
}

void ElectionBuilder::post_tally() {
  v1::Statement st = statement();
  *st.mutable_tally() = state_->running_tally()->to_message();
  protocol::set_superseded(*st.mutable_tally(), state_->superseded());
  append(sign(*authority_, st));
}

void ElectionBuilder::decrypt(std::uint32_t trustee) {
  v1::Statement st = statement();
  *st.mutable_partial() = protocol::make_partial(
      *state_->base_hash(), trustee, *trustees_[trustee - 1].share,
      state_->trustee_public_keys()[trustee - 1], protocol::flatten(*state_->tally()));
  append(sign(*trustees_[trustee - 1].signing, st));
}

void ElectionBuilder::post_result() {
  auto result = protocol::combine_result(state_->parameters()->shape, plan_.threshold,
                                         *state_->tally(), state_->partials());
  must(result.ok() ? Status::success() : Status(result.error()), "combine");
  v1::Statement st = statement();
  *st.mutable_result() = *result;
  append(sign(*authority_, st));
}

void ElectionBuilder::finish(std::vector<std::uint32_t> decrypting) {
  if (decrypting.empty()) {
    for (std::uint32_t t = 1; t <= plan_.threshold; ++t)
      decrypting.push_back(t);
  }
  close();
  post_tally();
  for (std::uint32_t t : decrypting)
    decrypt(t);
  post_result();
}

void ElectionBuilder::replace_entry(std::size_t i, Bytes bytes) {
  entries_.at(i) = std::move(bytes);
}

void ElectionBuilder::erase_entry(std::size_t i) {
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
}

void ElectionBuilder::insert_entry(std::size_t i, Bytes bytes) {
  entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(i), std::move(bytes));
}

std::string ElectionBuilder::log_origin() const {
  return plan_.log_origin.empty() ? "senim.example/" + plan_.manifest.election_id()
                                  : plan_.log_origin;
}

std::string ElectionBuilder::checkpoint(std::optional<std::uint64_t> size) const {
  crypto::merkle::MerkleLog log;
  for (const auto& e : entries_)
    log.append(e);
  const std::uint64_t n = size.value_or(log.size());
  auto root = log.root_at(n);
  must(root.ok() ? Status::success() : Status(root.error()), "checkpoint size");
  auto note = protocol::sign_board_checkpoint(*board_, log_origin(), n, *root);
  must(note.ok() ? Status::success() : Status(note.error()), "checkpoint");
  return *note;
}

Status ElectionBuilder::write_record(const std::string& path) const {
  auto writer = protocol::RecordWriter::create(path);
  if (!writer)
    return writer.error();
  for (const auto& e : entries_) {
    if (auto s = writer->write(protocol::FrameKind::entry, e); !s)
      return s;
  }
  if (auto s = writer->write(protocol::FrameKind::checkpoint, as_bytes(checkpoint())); !s)
    return s;
  return writer->finish();
}

std::unique_ptr<ElectionBuilder> failed_earlier_ceremony(const ElectionBuilder& b,
                                                         std::uint32_t accuser,
                                                         std::uint32_t dealer) {
  ElectionPlan plan;
  plan.manifest = b.plan().manifest;
  plan.trustees = b.plan().trustees;
  plan.threshold = b.plan().threshold;
  plan.voters = 1;
  for (std::uint32_t t = 1; t <= plan.trustees; ++t)
    plan.trustee_seeds.push_back(b.trustee_key(t).seed());
  auto earlier = std::make_unique<ElectionBuilder>(std::move(plan));
  earlier->setup();
  earlier->deal();
  earlier->complain(accuser, dealer);
  if (earlier->state().phase() != protocol::Phase::ceremony_failed)
    throw std::logic_error("failed_earlier_ceremony: the complaint did not end the ceremony");
  return earlier;
}

}  // namespace senim::sim
