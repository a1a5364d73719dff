#include "tests/verifier/tamper_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include "crypto/key_ceremony.hpp"
#include "crypto/merkle.hpp"
#include "crypto/polynomial.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/ceremony_keys.hpp"
#include "protocol/decryption.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/trustee_messages.hpp"
#include "verifier/record_verifier.hpp"

namespace senim::tamper {
namespace {

sim::ElectionPlan plan() {
  sim::ElectionPlan p;
  p.manifest = sim::demo_manifest("tamper-2026", 2);
  p.trustees = kTrustees;
  p.threshold = kThreshold;
  p.voters = kVoters;
  return p;
}

template <class T>
T must(Expected<T> value, const std::string& what) {
  if (!value)
    throw std::runtime_error("tamper fixture: " + what + ": " + value.error().message);
  return std::move(*value);
}

protocol::ParsedEntry parse(const Bytes& entry) {
  return must(protocol::parse_entry(entry), "entry does not parse");
}

}  // namespace

TamperFixture::TamperFixture() : b(plan()) {
  b.prepare();
  std::vector<std::uint32_t> sequence(kVoters, 0);
  auto cast = [&](std::uint32_t voter, const protocol::BallotChoices& choices) {
    const std::uint64_t index = b.entries().size();
    b.cast(voter, choices);
    casts_.push_back({index, voter, ++sequence[voter], choices, false});
  };
  auto challenge = [&](std::uint32_t voter, const protocol::BallotChoices& choices) {
    const std::uint64_t index = b.entries().size();
    b.challenge(voter, choices);
    casts_.push_back({index, voter, sequence[voter] + 1, choices, true});
  };
  cast(0, sim::demo_choices(0, {1, 1, 0, 0, 0}));
  cast(1, sim::demo_choices(1, {0, 0, 1, 0, 0}));
  challenge(2, sim::demo_choices(0, {0, 1, 1, 0, 0}));
  cast(2, sim::demo_choices(2, {0, 0, 0, 0, 0}));
  cast(3, sim::demo_choices(0, {0, 0, 0, 1, 1}));
  cast(0, sim::demo_choices(1, {1, 0, 0, 0, 1}));  // re-vote
  cast(4, sim::demo_choices(1, {0, 1, 0, 0, 0}));
  b.finish({1, 2, 3});

  const std::pair<std::uint64_t, v1::Statement::BodyCase> layout[] = {
      {leaf::kSetup, v1::Statement::kSetup},
      {leaf::kDeal1, v1::Statement::kDeal},
      {leaf::kReady1, v1::Statement::kReady},
      {leaf::kCredentials, v1::Statement::kCredentials},
      {leaf::kOpen, v1::Statement::kOpen},
      {leaf::kBallotV0, v1::Statement::kBallot},
      {leaf::kChallengeV2, v1::Statement::kChallenge},
      {leaf::kRevoteV0, v1::Statement::kBallot},
      {leaf::kClose, v1::Statement::kClose},
      {leaf::kTally, v1::Statement::kTally},
      {leaf::kPartial1, v1::Statement::kPartial},
      {leaf::kResult, v1::Statement::kResult},
  };
  for (const auto& [index, body] : layout) {
    if (statement(index).body_case() != body)
      throw std::logic_error("tamper fixture: leaf " + std::to_string(index) + " moved");
  }
  if (b.entries().size() != leaf::kCount)
    throw std::logic_error("tamper fixture: the honest record changed size");

  keys_.params = b.state().parameters();
  keys_.trustee_public_keys = b.state().trustee_public_keys();
  for (std::uint32_t t = 1; t <= kTrustees; ++t)
    keys_.shares.push_back(b.trustee_share(t));
}

v1::Statement TamperFixture::statement(std::uint64_t index) const {
  return parse(b.entries().at(index)).statement;
}

void TamperFixture::restate(std::uint64_t index, const v1::Statement& st) {
  const protocol::ParsedEntry old = parse(b.entries().at(index));
  b.replace_entry(index, b.sign_as(old.entry.signer(), protocol::serialize(st)));
}

void TamperFixture::edit(std::uint64_t index, const std::function<void(v1::Statement&)>& mutate) {
  v1::Statement st = statement(index);
  mutate(st);
  restate(index, st);
}

std::uint64_t TamperFixture::find(v1::Statement::BodyCase body, std::uint64_t from) const {
  for (std::uint64_t i = from; i < b.entries().size(); ++i) {
    auto p = protocol::parse_entry(b.entries()[i]);
    if (p && p->statement.body_case() == body)
      return i;
  }
  throw std::logic_error("tamper fixture: no such entry");
}

protocol::EncryptedBallot TamperFixture::encrypt(const protocol::PublicKey& credential,
                                                 std::uint32_t sequence,
                                                 const protocol::BallotChoices& choices) const {
  return must(protocol::encrypt_ballot(*keys_.params, credential, sequence, choices), "encrypt");
}

Bytes TamperFixture::ballot(std::uint32_t voter, std::uint32_t sequence,
                            const protocol::BallotChoices& choices) const {
  return ballot(b.voter_key(voter), sequence, choices);
}

Bytes TamperFixture::ballot(const protocol::CredentialKey& key, std::uint32_t sequence,
                            const protocol::BallotChoices& choices) const {
  v1::Statement st = b.statement();
  *st.mutable_ballot() = encrypt(key.public_key(), sequence, choices).ballot;
  return sim::ElectionBuilder::sign(key, st);
}

Bytes TamperFixture::challenge(std::uint32_t voter, std::uint32_t sequence,
                               const protocol::BallotChoices& choices) const {
  return challenge(b.voter_key(voter), sequence, choices);
}

Bytes TamperFixture::challenge(const protocol::CredentialKey& key, std::uint32_t sequence,
                               const protocol::BallotChoices& choices) const {
  const protocol::EncryptedBallot made = encrypt(key.public_key(), sequence, choices);
  v1::Statement shown = b.statement();
  *shown.mutable_ballot() = made.ballot;
  v1::Statement st = b.statement();
  *st.mutable_challenge() = protocol::reveal_ballot(made, shown.SerializeAsString());
  return sim::ElectionBuilder::sign(key, st);
}

void TamperFixture::retally(const Retally& how) {
  // Step 1: take away the old tally, partial decryptions and result.
  for (std::size_t i = b.entries().size(); i-- > 0;) {
    auto p = protocol::parse_entry(b.entries()[i]);
    if (p &&
        (p->statement.has_tally() || p->statement.has_partial() || p->statement.has_result())) {
      b.erase_entry(i);
    }
  }
  // Step 2: the re-vote rule over the log as it stands: listed credentials
  // (first listing wins), ballots of the voting period that decode, the last
  // one of each credential counted.
  const protocol::ElectionShape& shape = keys_.params->shape;
  const std::string authority = to_string(b.authority_key().public_key());
  std::map<std::string, std::size_t> district;  // credential → district index
  std::map<std::string, std::uint64_t> last;    // credential → leaf of its last ballot
  std::vector<std::uint64_t> counted;
  std::vector<std::uint64_t> superseded;
  bool open = false;
  for (std::uint64_t i = 0; i < b.entries().size(); ++i) {
    auto p = protocol::parse_entry(b.entries()[i]);
    if (!p)
      continue;
    const v1::Statement& st = p->statement;
    if (st.election_id() != b.plan().manifest.election_id())
      continue;
    if (st.has_credentials() && !open && p->entry.signer() == authority) {
      for (const auto& c : st.credentials().credentials()) {
        if (auto d = shape.district_index(c.district()))
          district.emplace(c.key(), *d);
      }
    } else if (st.has_open()) {
      open = true;
    } else if (st.has_close()) {
      break;
    } else if (st.has_ballot() && open && district.count(p->entry.signer()) != 0 &&
               protocol::decode_ballot(shape, st.ballot())) {
      if (auto it = last.find(p->entry.signer()); it != last.end())
        superseded.push_back(it->second);
      last[p->entry.signer()] = i;
    }
  }
  counted.reserve(last.size());
  for (const auto& [credential, index] : last)
    counted.push_back(index);
  if (how.choose)
    how.choose(counted, superseded);
  std::sort(superseded.begin(), superseded.end());

  // Step 3: the tally.
  protocol::TallyAccumulator sums(shape);
  for (std::uint64_t index : counted) {
    const protocol::ParsedEntry p = parse(b.entries().at(index));
    const protocol::DecodedBallot decoded =
        must(protocol::decode_ballot(shape, p.statement.ballot()), "decode counted ballot");
    sums.add(district.at(p.entry.signer()), protocol::tally_vector(decoded));
  }
  if (how.adjust)
    how.adjust(sums);
  v1::Statement tally = b.statement();
  *tally.mutable_tally() = sums.to_message();
  protocol::set_superseded(*tally.mutable_tally(), superseded);
  if (how.edit_tally)
    how.edit_tally(*tally.mutable_tally());
  append(sim::ElectionBuilder::sign(b.authority_key(), tally));

  // Step 4: every trustee's partial decryption of what was posted, and the result.
  const protocol::DecodedTally posted =
      must(protocol::decode_tally(shape, tally.tally()), "decode tally");
  const std::vector<crypto::Ciphertext> flat = protocol::flatten(posted);
  std::vector<std::vector<crypto::PartialDecryption>> partials;
  for (std::uint32_t t : how.trustees) {
    v1::Statement partial = b.statement();
    *partial.mutable_partial() =
        protocol::make_partial(keys_.params->base_hash, t, keys_.shares.at(t - 1),
                               keys_.trustee_public_keys.at(t - 1), flat);
    append(sim::ElectionBuilder::sign(b.trustee_key(t), partial));
    partials.push_back(must(protocol::check_partial(keys_.params->base_hash, partial.partial(),
                                                    keys_.trustee_public_keys.at(t - 1), flat),
                            "check own partial"));
  }
  v1::Statement result = b.statement();
  *result.mutable_result() =
      must(protocol::combine_result(shape, kThreshold, posted, partials), "combine");
  append(sim::ElectionBuilder::sign(b.authority_key(), result));
}

void TamperFixture::rebuild_under(const v1::Statement& setup, const Redeal& redeal) {
  restate(leaf::kSetup, setup);
  // The set-up as everyone read it: its bytes and ceremony context are new,
  // its shape and keys those of the builder's.
  protocol::ElectionConfig config = *b.state().config();
  config.statement_bytes = parse(b.entries()[leaf::kSetup]).entry.statement();
  config.setup = setup.setup();
  config.setup_hash = protocol::setup_hash(as_bytes(config.statement_bytes));

  // §6: every trustee deals again under the new context.
  std::vector<crypto::SecretPolynomial> polynomials;
  std::vector<Expected<crypto::DealerCommitment>> verdicts;
  for (std::uint32_t t = 1; t <= kTrustees; ++t) {
    polynomials.push_back(redeal.polynomial ? redeal.polynomial(t)
                                            : crypto::SecretPolynomial::random(kThreshold));
    v1::Statement deal = b.statement();
    *deal.mutable_deal() = must(protocol::make_deal(config, t, polynomials.back()), "deal");
    if (redeal.edit)
      redeal.edit(t, *deal.mutable_deal());
    restate(leaf::kDeal1 + t - 1, deal);
    verdicts.push_back(protocol::check_deal(config, deal.deal()));
  }
  // §6.5: the keys over Q; x_t sums the shares of Q's dealers only.
  const protocol::Qualification q = protocol::qualify_dealers(verdicts);
  const protocol::CeremonyKeys ceremony = must(protocol::ceremony_keys(config, q), "keys");
  const crypto::Element& joint_key = ceremony.joint_key;
  Keys keys;
  keys.trustee_public_keys = ceremony.trustee_keys;
  for (std::uint32_t t = 1; t <= kTrustees; ++t) {
    crypto::Scalar x;
    for (const crypto::DealerCommitment& dealer : q.qualified)
      x += polynomials[dealer.dealer - 1].evaluate(t);  // x_t = Σ_{i∈Q} f_i(t)
    keys.shares.push_back(x);
    v1::Statement ready = b.statement();
    *ready.mutable_ready() = protocol::make_ready(config, t, x, keys.trustee_public_keys[t - 1]);
    restate(leaf::kReady1 + t - 1, ready);
  }
  const Hash32 base = ceremony.base_hash;
  edit(leaf::kOpen, [&](v1::Statement& st) {
    st.mutable_open()->set_joint_key(to_string(joint_key.bytes));
    st.mutable_open()->set_base_hash(to_string(base));
  });
  keys.params =
      std::make_shared<const protocol::VotingParameters>(config.shape, joint_key.point, base);
  keys_ = std::move(keys);

  // Every voter makes the same choices again under the new keys.
  for (const Cast& c : casts_) {
    b.replace_entry(c.leaf, c.challenged ? challenge(c.voter, c.sequence, c.choices)
                                         : ballot(c.voter, c.sequence, c.choices));
  }
  retally();
}

verifier::Report TamperFixture::verify() const {
  const std::string path = temp_record_path("record");
  if (auto s = b.write_record(path); !s)
    throw std::runtime_error("tamper fixture: write record: " + s.error().message);
  verifier::Report report = verify_file(path);
  std::filesystem::remove(path);
  return report;
}

std::vector<RecordFrame> TamperFixture::frames() const {
  std::vector<RecordFrame> out;
  for (const Bytes& e : b.entries())
    out.push_back({protocol::FrameKind::entry, e});
  out.push_back(checkpoint_frame(checkpoint(b.entries().size())));
  return out;
}

std::string TamperFixture::checkpoint(std::uint64_t size, const protocol::SigningKey* key,
                                      const std::string& origin) const {
  crypto::merkle::MerkleLog log;
  for (std::uint64_t i = 0; i < size; ++i)
    log.append(b.entries().at(i));
  return must(
      protocol::sign_board_checkpoint(key != nullptr ? *key : b.board_key(),
                                      origin.empty() ? b.log_origin() : origin, size, log.root()),
      "sign a checkpoint");
}

std::string temp_record_path(const std::string& name) {
  static std::atomic<unsigned> counter{0};
  return (std::filesystem::temp_directory_path() /
          ("senim-tamper-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
           name + ".rec"))
      .string();
}

void write_frames(const std::string& path, const std::vector<RecordFrame>& frames) {
  auto writer = must(protocol::RecordWriter::create(path), "create record");
  for (const RecordFrame& f : frames) {
    if (auto s = writer.write(f.kind, f.payload); !s)
      throw std::runtime_error("tamper fixture: write frame: " + s.error().message);
  }
  if (auto s = writer.finish(); !s)
    throw std::runtime_error("tamper fixture: finish record: " + s.error().message);
}

RecordFrame checkpoint_frame(const std::string& note) {
  return {protocol::FrameKind::checkpoint, Bytes(note.begin(), note.end())};
}

verifier::Report verify_file(const std::string& path) {
  verifier::Options options;
  options.threads = 2;
  return verifier::verify_record(path, options);
}

std::vector<std::string> failed(const verifier::Report& report) {
  std::vector<std::string> out;
  for (const verifier::CheckInfo& c : verifier::kChecks) {
    if (!report.result(c.check).passed())
      out.emplace_back(c.id);
  }
  return out;
}

std::vector<std::string> only(verifier::Check check) {
  return {std::string(verifier::info(check).id)};
}

std::string at(std::uint64_t leaf) {
  return "entry " + std::to_string(leaf) + ": ";
}

std::string first_failure(const verifier::Report& report, verifier::Check check) {
  const verifier::CheckResult& r = report.result(check);
  if (r.passed())
    return "passed";
  return (r.first_entry ? at(*r.first_entry) : std::string("record: ")) + r.first_message;
}

Bytes with_signature(const Bytes& entry, const std::string& signature) {
  v1::Entry e;
  if (!e.ParseFromArray(entry.data(), static_cast<int>(entry.size())))
    throw std::logic_error("tamper fixture: not an entry");
  e.set_signature(signature);
  const std::string out = e.SerializeAsString();
  return {out.begin(), out.end()};
}

Bytes flip_signature_byte(const Bytes& entry, std::size_t at) {
  std::string signature = parse(entry).entry.signature();
  signature.at(at) = static_cast<char>(signature.at(at) ^ 0x01);
  return with_signature(entry, signature);
}

}  // namespace senim::tamper
