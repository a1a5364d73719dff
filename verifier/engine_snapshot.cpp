// The engine's state as a snapshot (verifier/snapshot.hpp), and back.
//
// What is saved is what the checks have learnt from the entries so far —
// the stage, the ceremony's deals and keys, the voting parameters, the
// running sum of the ballots, the superseded ballots and challenged
// ciphertexts, the tally and partial decryptions — plus one fixed-size record
// per credential and, for a live engine, per cast ciphertext's fingerprint.
// The set-up itself is not copied: it is entry 0 of the record, read back
// and judged again on restore (check_setup is a pure function of its bytes),
// so that a snapshot cannot hold a configuration the record does not.
#include <algorithm>

#include "crypto/schnorr_proof.hpp"
#include "protocol/decryption.hpp"
#include "protocol/record.hpp"
#include "verifier/engine.hpp"

namespace senim::verifier {
namespace {

// A record that breaks a rule is found as it is read, before the file's hash
// at its end is compared: say it is damaged, as the hash would.
Status damaged(const std::string& what) {
  return make_error(Errc::invalid_encoding, "snapshot: " + what + " (damaged)");
}

std::string to_string(const Hash32& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

template <std::size_t N>
std::string to_string(const std::array<std::uint8_t, N>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), N};
}

std::string to_string(const Bytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Expected<crypto::Element> element_from(const std::string& bytes, const std::string& what) {
  auto e = crypto::Element::decode(as_bytes(bytes));
  if (!e)
    return make_error(Errc::invalid_encoding, "snapshot: " + what + ": " + e.error().message);
  return e;
}

Expected<Hash32> hash_from(const std::string& bytes, const std::string& what) {
  Hash32 h{};
  if (!copy_exact(bytes, h))
    return make_error(Errc::invalid_length, "snapshot: " + what + " is not 32 bytes");
  return h;
}

// Fixed layout of a credential record (kCredentialRecordBytes):
//   key (32) ‖ district u32 ‖ flags u8 (1: voted, 2: has a last ballot) ‖
//   last_sequence u32 ‖ last_leaf u64 ‖ last_offset u64
void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8)
    p[i] = static_cast<std::uint8_t>(v);
}
void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8)
    p[i] = static_cast<std::uint8_t>(v);
}
std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v = (v << 8) | p[i];
  return v;
}
std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}

void save_deal(const std::optional<v1::TrusteeDeal>& raw,
               const std::optional<Expected<crypto::DealerCommitment>>& verdict,
               v1::DealState& out) {
  out.set_posted(raw.has_value());
  if (raw)
    out.set_deal(protocol::serialize(*raw));
  const bool usable = verdict && static_cast<bool>(*verdict);
  out.set_usable(usable);
  if (!usable)
    return;
  for (const crypto::Element& a : (*verdict)->coefficients)
    out.add_coefficients(to_string(a.bytes));
  for (const crypto::SchnorrProof& p : (*verdict)->proofs)
    out.add_proofs(to_string(p.encode()));
}

// The deal as posted; its verdict is judged again from it (check_deal, the
// one rule of §8.3), not taken from the snapshot, and must agree with it.
Status restore_deal(std::uint32_t dealer, const v1::DealState& in,
                    const protocol::ElectionConfig& config, std::optional<v1::TrusteeDeal>& raw,
                    std::optional<Expected<crypto::DealerCommitment>>& verdict) {
  const std::string who = "deal of trustee " + std::to_string(dealer);
  if (!in.posted()) {
    if (in.usable())
      return damaged(who + " is usable but was never posted");
    return Status::success();
  }
  v1::TrusteeDeal deal;
  if (!deal.ParseFromString(in.deal()))
    return damaged(who + " does not parse");
  verdict = protocol::check_deal(config, deal);
  raw = std::move(deal);
  if (static_cast<bool>(*verdict) != in.usable())
    return damaged(who + ": its verdict differs from the one saved");
  return Status::success();
}

// The tally as posted, from its decoded form (the superseded list, no
// longer needed, is left out).
v1::EncryptedTally tally_message(const protocol::ElectionShape& shape,
                                 const protocol::DecodedTally& tally) {
  v1::EncryptedTally out;
  for (std::size_t d = 0; d < tally.sums.size(); ++d) {
    auto* district = out.add_districts();
    district->set_district(shape.districts[d]);
    district->set_ballots_counted(tally.ballots_counted[d]);
    std::size_t pos = 0;
    for (const protocol::ContestShape& contest : shape.contests) {
      auto* c = district->add_contests();
      auto encoding = [&] {
        const protocol::DecodedCiphertext& ct = tally.sums[d][pos++];
        return to_string(ct.alpha.bytes) + to_string(ct.beta.bytes);
      };
      for (std::uint32_t i = 0; i < contest.options; ++i)
        c->add_options(encoding());
      if (contest.has_blank())
        c->set_blank(encoding());
    }
  }
  return out;
}

}  // namespace

void Engine::save(v1::EngineState& out) const {
  out.set_stage(static_cast<std::uint32_t>(stage_));
  out.set_election_id(election_id_);
  out.set_setup(config_ ? 1 : 0);
  for (std::size_t i = 0; i < deals_.size(); ++i)
    save_deal(deals_raw_[i], deals_[i], *out.add_deals());
  for (bool r : ready_)
    out.add_ready(r);
  if (joint_key_)
    out.set_joint_key(to_string(joint_key_->bytes));
  for (const crypto::Element& x : trustee_keys_)
    out.add_trustee_keys(to_string(x.bytes));
  if (base_hash_)
    out.set_base_hash(to_string(*base_hash_));
  out.set_ceremony_complete(ceremony_complete_);
  if (params_) {
    out.set_voting_key(to_string(params_->key.bytes));
    out.set_voting_base_hash(to_string(params_->base_hash));
    *out.mutable_all_ballots() = all_ballots_->to_message();
  }
  for (const auto& [leaf, offset] : superseded_) {
    out.add_superseded_leaves(leaf);
    out.add_superseded_offsets(offset);
  }
  for (const auto& [alpha, leaf] : challenged_alphas_) {
    out.add_challenged_alphas(to_string(alpha));
    out.add_challenged_leaves(leaf);
  }
  out.set_live(cast_alphas_ != nullptr);
  if (cast_alphas_)
    out.set_cast_alpha_key(to_string(cast_alphas_->key()));
  if (tally_) {
    *out.mutable_tally() = tally_message(params_->shape, *tally_);
  }
  for (const auto& shares : partials_) {
    std::string joined;
    for (const crypto::PartialDecryption& p : shares)
      joined += to_string(p.encode());
    out.add_partials(std::move(joined));
  }
  for (std::uint32_t t : partial_trustees_)
    out.add_partial_trustees(t);
  out.set_result_seen(result_seen_);
  out.set_open_leaf(open_leaf_);
  out.set_close_leaf(close_leaf_);
}

Status Engine::restore(const v1::EngineState& in) {
  if (in.stage() > static_cast<std::uint32_t>(Stage::finished))
    return damaged("unknown stage " + std::to_string(in.stage()));
  stage_ = static_cast<Stage>(in.stage());
  election_id_ = in.election_id();
  if (in.setup() != 0) {
    // The set-up is entry 0, right after the record's header.
    auto reader = protocol::RecordReader::open(path_);
    if (!reader)
      return reader.error();
    auto frame = reader->read_at(protocol::kRecordHeaderBytes);
    if (!frame)
      return frame.error();
    auto parsed = protocol::parse_entry(frame->payload);
    if (!parsed)
      return damaged("the record's set-up does not parse");
    // As on_setup judged it: the checked configuration, else what is usable.
    if (auto checked = protocol::check_setup(*parsed)) {
      config_ = std::move(*checked);
    } else {
      config_ = usable_setup(*parsed);
      if (!config_)
        return damaged("the record's set-up is not usable");
    }
  }
  const std::size_t n = static_cast<std::size_t>(in.deals_size());
  if (static_cast<std::size_t>(in.ready_size()) != n)
    return damaged("deals and ready flags differ in number");
  if (n > 0 && !config_)
    return damaged("deals without a set-up");
  deals_raw_.assign(n, std::nullopt);
  deals_.assign(n, std::nullopt);
  ready_.assign(in.ready().begin(), in.ready().end());
  for (std::size_t i = 0; i < n; ++i) {
    if (auto s = restore_deal(static_cast<std::uint32_t>(i + 1), in.deals(static_cast<int>(i)),
                              *config_, deals_raw_[i], deals_[i]);
        !s) {
      return s;
    }
  }
  if (!in.joint_key().empty()) {
    auto k = element_from(in.joint_key(), "joint key");
    if (!k)
      return k.error();
    joint_key_ = *k;
  }
  for (const std::string& x : in.trustee_keys()) {
    auto k = element_from(x, "trustee key");
    if (!k)
      return k.error();
    trustee_keys_.push_back(*k);
  }
  if (!in.base_hash().empty()) {
    auto h = hash_from(in.base_hash(), "base hash");
    if (!h)
      return h.error();
    base_hash_ = *h;
  }
  ceremony_complete_ = in.ceremony_complete();
  if (!in.voting_key().empty()) {
    if (!config_)
      return damaged("voting parameters without a set-up");
    auto key = element_from(in.voting_key(), "voting key");
    auto base = hash_from(in.voting_base_hash(), "voting base hash");
    if (!key)
      return key.error();
    if (!base)
      return base.error();
    params_ = std::make_shared<const protocol::VotingParameters>(config_->shape, key->point, *base);
    all_ballots_ = std::make_unique<protocol::TallyAccumulator>(params_->shape);
    if (auto s = all_ballots_->restore(in.all_ballots()); !s)
      return damaged("the running sum: " + s.error().message);
  }
  if (in.superseded_leaves_size() != in.superseded_offsets_size())
    return damaged("superseded leaves and offsets differ in number");
  for (int i = 0; i < in.superseded_leaves_size(); ++i)
    superseded_.emplace_back(in.superseded_leaves(i), in.superseded_offsets(i));
  if (in.challenged_alphas_size() != in.challenged_leaves_size())
    return damaged("challenged ciphertexts and their leaves differ in number");
  for (int i = 0; i < in.challenged_alphas_size(); ++i) {
    auto alpha = hash_from(in.challenged_alphas(i), "a challenged α");
    if (!alpha)
      return alpha.error();
    challenged_alphas_.emplace(*alpha, in.challenged_leaves(i));
  }
  if (in.live() != (cast_alphas_ != nullptr))
    return damaged(in.live() ? "a live verifier's, not a record's"
                             : "a record's, not a live one's");
  if (cast_alphas_) {
    CastAlphaIndex::Key key{};
    if (!copy_exact(in.cast_alpha_key(), key))
      return damaged("the fingerprint key is not 16 bytes");
    cast_alphas_ = std::make_unique<CastAlphaIndex>(key);
  }
  if (in.has_tally()) {
    if (!params_)
      return damaged("a tally without voting parameters");
    auto decoded = protocol::decode_tally(params_->shape, in.tally());
    if (!decoded)
      return damaged("the tally: " + decoded.error().message);
    tally_ = std::move(*decoded);
    tally_flat_ = protocol::flatten(*tally_);
  }
  if (in.partials_size() != in.partial_trustees_size())
    return damaged("partial decryptions and trustees differ in number");
  for (const std::string& joined : in.partials()) {
    if (joined.size() % crypto::PartialDecryption::kBytes != 0)
      return damaged("a partial decryption has a bad length");
    std::vector<crypto::PartialDecryption> shares;
    for (std::size_t at = 0; at < joined.size(); at += crypto::PartialDecryption::kBytes) {
      auto p = crypto::PartialDecryption::decode(
          as_bytes(joined).subspan(at, crypto::PartialDecryption::kBytes));
      if (!p)
        return damaged("a partial decryption: " + p.error().message);
      shares.push_back(*p);
    }
    partials_.push_back(std::move(shares));
  }
  partial_trustees_.assign(in.partial_trustees().begin(), in.partial_trustees().end());
  result_seen_ = in.result_seen();
  open_leaf_ = in.open_leaf();
  close_leaf_ = in.close_leaf();
  return Status::success();
}

void Engine::save_credentials(const std::function<void(ByteView record)>& sink) const {
  std::array<std::uint8_t, kCredentialRecordBytes> r{};
  const bool sealed = credentials_sealed();
  credentials_.for_each(
      [&](const Hash32& key, const CredentialRecord& c, std::uint32_t list_index) {
        std::uint8_t* p = r.data();
        std::copy(key.begin(), key.end(), p);
        put_u32(p + 32, c.district());
        p[36] = static_cast<std::uint8_t>((c.voted() ? 1 : 0) | (c.last_leaf() ? 2 : 0));
        // Before voting opens the table is not sealed: the record says where
        // the credential was listed (its list's leaf, its place in it).
        put_u32(p + 37, sealed ? c.last_sequence() : list_index);
        put_u64(p + 41, c.last_leaf().value_or(0));
        put_u64(p + 49, c.last_offset());
        sink(r);
      });
}

bool Engine::credentials_sealed() const {
  return stage_ == Stage::voting || stage_ == Stage::closed || stage_ == Stage::tallied ||
         stage_ == Stage::finished;
}

Status Engine::restore_credential(ByteView record) {
  if (record.size() != kCredentialRecordBytes)
    return damaged("a credential record is not " + std::to_string(kCredentialRecordBytes) +
                   " bytes");
  const std::uint8_t* p = record.data();
  Hash32 key{};
  std::copy_n(p, 32, key.begin());
  const std::uint32_t district = get_u32(p + 32);
  if (p[36] > 3)
    return damaged("a credential record has unknown flags");
  if (config_ == std::nullopt || district >= config_->shape.districts.size())
    return damaged("a credential record names no district of the set-up");
  const std::uint64_t leaf = get_u64(p + 41);
  const std::uint64_t offset = get_u64(p + 49);
  if (leaf >= CredentialRecord::kMax48 || offset > CredentialRecord::kMax48)
    return damaged("a credential record's leaf or offset is beyond 2^48");
  CredentialRecord c;
  c.set_district(district);
  if ((p[36] & 1) != 0)
    c.set_voted();
  if ((p[36] & 2) != 0)
    c.set_last_leaf(leaf);
  // Sealed: the last sequence; before voting opens, the place in its list.
  c.set_last_sequence(get_u32(p + 37));
  c.set_last_offset(offset);
  credentials_.restore(key, c);
  return Status::success();
}

Status Engine::finish_restoring_credentials() {
  if (credentials_sealed() && !credentials_.restore_sealed())
    return damaged("the credential records are not in order, or one is recorded twice");
  return Status::success();
}

void Engine::save_cast_alphas(const std::function<void(ByteView record)>& sink) const {
  std::array<std::uint8_t, kCastAlphaRecordBytes> r{};
  cast_alphas_->for_each([&](std::uint64_t fingerprint) {
    put_u64(r.data(), fingerprint);
    sink(r);
  });
}

Status Engine::restore_cast_alpha(ByteView record) {
  if (!cast_alphas_ || record.size() != kCastAlphaRecordBytes)
    return damaged("a cast ciphertext's fingerprint where none belongs");
  cast_alphas_->insert_fingerprint(get_u64(record.data()));
  return Status::success();
}

}  // namespace senim::verifier
