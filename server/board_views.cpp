// The board's readable answers (docs/api.md, "Readable answers"): the
// election, turnout, result and opened challenges with the manifest's ids and
// texts beside every number, and entries decoded. Every read takes the
// shared lock, so it sees a state that storage holds and a checkpoint covers.
#include <mutex>

#include "protocol/ballot.hpp"
#include "protocol/challenge_view.hpp"
#include "protocol/entry.hpp"
#include "server/board.hpp"

namespace senim::server {
namespace {

Error not_yet(const std::string& what) {
  return make_error(Errc::not_found, what);
}

// The manifest's name of district `index` of the shape ("" and no name for
// an election without districts, §8.1).
void name_district(const v1::Manifest& manifest, std::size_t index, std::string* id,
                   v1::Text* name) {
  if (index < static_cast<std::size_t>(manifest.districts_size())) {
    const v1::District& d = manifest.districts(static_cast<int>(index));
    *id = d.id();
    *name = d.name();
  }
}

v1::ContestCount contest_count(const v1::Contest& contest, const v1::ContestResult& counts) {
  v1::ContestCount out;
  out.set_id(contest.id());
  *out.mutable_title() = contest.title();
  for (int i = 0; i < contest.options_size(); ++i) {
    v1::OptionCount* option = out.add_options();
    option->set_id(contest.options(i).id());
    *option->mutable_label() = contest.options(i).label();
    option->set_count(i < counts.options_size() ? counts.options(i) : 0);
  }
  out.set_has_blank(contest.min_selections() == 0);
  out.set_blank(counts.blank());
  return out;
}

v1::DistrictCount district_count(const v1::Manifest& manifest, const v1::DistrictResult& result) {
  v1::DistrictCount out;
  out.set_district(result.district());
  out.set_ballots_counted(result.ballots_counted());
  for (int c = 0; c < manifest.contests_size() && c < result.contests_size(); ++c)
    *out.add_contests() = contest_count(manifest.contests(c), result.contests(c));
  return out;
}

}  // namespace

Expected<Hash32> Board::resolve_tracking_code(const protocol::TrackingCodeQuery& query) const {
  if (query.full)
    return *query.full;
  // Two matches tell the voter to give the full code (an 80-bit collision
  // among the board's codes: about 2^-40 at 12 M ballots, §9.4).
  auto codes = storage_->find_tracking_code_prefix(query.prefix, 2);
  if (!codes)
    return codes.error();
  const std::string shown = protocol::short_tracking_code([&] {
    Hash32 padded{};
    std::copy(query.prefix.begin(), query.prefix.end(), padded.begin());
    return padded;
  }());
  if (codes->empty())
    return make_error(Errc::not_found, "no ballot with tracking code " + shown);
  if (codes->size() > 1) {
    return make_error(Errc::invalid_argument,
                      "two ballots have the short code " + shown + ": give the full code");
  }
  return codes->front();
}

Expected<v1::ElectionView> Board::election_view() const {
  const std::shared_lock lock(mutex_);
  const protocol::ElectionConfig* config = state_.config();
  if (!config)
    return not_yet("the board holds no election yet: its set-up is not posted");
  v1::ElectionView view;
  view.set_election_id(config->election_id());
  *view.mutable_manifest() = config->setup.manifest();
  view.set_threshold(config->setup.threshold());
  for (int t = 0; t < config->setup.trustees_size(); ++t) {
    const v1::TrusteeInfo& info = config->setup.trustees(t);
    v1::TrusteeView* trustee = view.add_trustees();
    trustee->set_number(static_cast<std::uint32_t>(t + 1));
    trustee->set_name(info.name());
    trustee->set_signing_key(to_hex(as_bytes(info.signing_key())));
    trustee->set_fingerprint(protocol::key_fingerprint(as_bytes(info.signing_key())));
  }
  view.set_authority_key(to_hex(config->authority));
  view.set_authority_fingerprint(protocol::key_fingerprint(config->authority));
  view.set_board_key(to_hex(config->board));
  view.set_board_fingerprint(protocol::key_fingerprint(config->board));
  view.set_log_origin(config->log_origin);
  view.set_board_vkey(tlog::format_vkey(config->board_vkey));
  view.set_phase(protocol::phase_name(state_.phase()));
  for (const auto& change : state_.timeline()) {
    v1::PhaseStep* step = view.add_timeline();
    step->set_phase(protocol::phase_name(change.phase));
    step->set_leaf_index(change.leaf);
  }
  return view;
}

v1::Turnout Board::turnout() const {
  const std::shared_lock lock(mutex_);
  v1::Turnout out;
  out.set_phase(protocol::phase_name(state_.phase()));
  out.set_tree_size(log_.size());
  out.set_ballots_cast(state_.ballots_cast());
  const protocol::ElectionConfig* config = state_.config();
  if (!config)
    return out;
  v1::DistrictTurnout* total = out.mutable_total();
  const auto& counts = state_.turnout();
  for (std::size_t d = 0; d < counts.size(); ++d) {
    v1::DistrictTurnout* district = out.add_districts();
    name_district(config->setup.manifest(), d, district->mutable_district(),
                  district->mutable_name());
    district->set_credentials(counts[d].credentials);
    district->set_voters(counts[d].voted);
    total->set_credentials(total->credentials() + counts[d].credentials);
    total->set_voters(total->voters() + counts[d].voted);
  }
  return out;
}

Expected<v1::ResultView> Board::result_view() const {
  const std::shared_lock lock(mutex_);
  const auto& result = state_.result();
  if (!result || !state_.config())
    return not_yet("no result yet: the election is in phase " +
                   protocol::phase_name(state_.phase()));
  const v1::Manifest& manifest = state_.config()->setup.manifest();
  const auto& counts = state_.turnout();
  v1::ResultView view;
  std::uint64_t credentials = 0;
  for (int d = 0; d < result->districts_size(); ++d) {
    v1::DistrictCount district = district_count(manifest, result->districts(d));
    name_district(manifest, static_cast<std::size_t>(d), district.mutable_district(),
                  district.mutable_name());
    const auto at = static_cast<std::size_t>(d);
    district.set_credentials(at < counts.size() ? counts[at].credentials : 0);
    credentials += district.credentials();
    *view.add_districts() = std::move(district);
  }
  *view.mutable_total() = district_count(manifest, result->total());
  view.mutable_total()->set_credentials(credentials);
  if (!state_.timeline().empty())
    view.set_leaf_index(state_.timeline().back().leaf);
  return view;
}

Expected<v1::ChallengeView> Board::challenge_view(const Hash32& tracking_code) const {
  auto hit = storage_->find_tracking_code(tracking_code, "challenge");
  if (!hit)
    return hit.error();
  const std::shared_lock lock(mutex_);
  if (!*hit || (*hit)->index >= log_.size()) {
    return make_error(Errc::not_found, "no challenged ballot with tracking code " +
                                           protocol::short_tracking_code(tracking_code));
  }
  auto bytes = storage_->leaf((*hit)->index);
  if (!bytes)
    return bytes.error();
  auto parsed = protocol::parse_entry(*bytes);
  auto params = state_.parameters();
  if (!parsed || !parsed->statement.has_challenge() || !params)
    return make_error(Errc::io_error, "the stored challenge cannot be read");
  // One engine: the opening is checked as at admission, and its choices are
  // what that check returns (docs/protocol.md §9.5).
  auto opened =
      protocol::check_challenge(*params, state_.config()->election_id(),
                                parsed->statement.challenge(), as_bytes(parsed->entry.signer()));
  if (!opened)
    return opened.error();
  return protocol::challenge_view(state_.config()->setup.manifest(), tracking_code, (*hit)->index,
                                  *opened, parsed->statement.challenge());
}

}  // namespace senim::server
