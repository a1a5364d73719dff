// What the board answers to readers (docs/api.md). Every read takes the
// shared lock, so it sees a state that storage holds and a head covers.
#include <algorithm>
#include <mutex>

#include "server/board.hpp"
#include "server/limits.hpp"

namespace senim::server {

std::uint64_t Board::size() const {
  const std::shared_lock lock(mutex_);
  return log_.size();
}

std::optional<v1::SignedTreeHead> Board::tree_head() const {
  const std::shared_lock lock(mutex_);
  return head_;
}

v1::BoardInfo Board::info() const {
  const std::shared_lock lock(mutex_);
  v1::BoardInfo info;
  info.set_board_key(to_string(key_.public_key()));
  info.set_phase(protocol::phase_name(state_.phase()));
  info.set_tree_size(log_.size());
  if (const protocol::ElectionConfig* config = state_.config()) {
    info.set_election_id(config->election_id());
    info.set_trustees(config->ceremony.trustees);
    info.set_threshold(config->ceremony.threshold);
  }
  const auto& deals = state_.deals();
  info.set_trustees_dealt(static_cast<std::uint32_t>(
      std::count_if(deals.begin(), deals.end(), [](const auto& d) { return d.has_value(); })));
  info.set_trustees_ready(trustees_ready_);
  info.set_credentials(state_.credential_count());
  info.set_ballots_cast(state_.ballots_cast());
  info.set_partial_decryptions(static_cast<std::uint32_t>(state_.partial_trustees().size()));
  if (state_.joint_key())
    info.set_joint_key(to_string(state_.joint_key()->bytes));
  if (auto base = state_.base_hash())
    info.set_base_hash(to_string(*base));
  return info;
}

Expected<v1::InclusionProof> Board::inclusion_proof(std::uint64_t index,
                                                    std::uint64_t tree_size) const {
  const std::shared_lock lock(mutex_);
  // Preconditions first, with the values (STYLE.md).
  if (tree_size > log_.size()) {
    return make_error(Errc::invalid_argument, "size " + std::to_string(tree_size) +
                                                  " exceeds the board's size " +
                                                  std::to_string(log_.size()));
  }
  if (index >= tree_size) {
    return make_error(Errc::invalid_argument, "index " + std::to_string(index) +
                                                  " out of bounds for tree of size " +
                                                  std::to_string(tree_size));
  }
  auto path = log_.inclusion_proof(index, tree_size);
  if (!path)
    return path.error();
  v1::InclusionProof proof;
  proof.set_leaf_index(index);
  proof.set_tree_size(tree_size);
  for (const Hash32& h : *path)
    proof.add_hashes(to_string(h));
  return proof;
}

Expected<v1::ConsistencyProof> Board::consistency_proof(std::uint64_t old_size,
                                                        std::uint64_t new_size) const {
  const std::shared_lock lock(mutex_);
  if (new_size > log_.size()) {
    return make_error(Errc::invalid_argument, "new size " + std::to_string(new_size) +
                                                  " exceeds the board's size " +
                                                  std::to_string(log_.size()));
  }
  // §7.5: a proof from the empty tree proves nothing, so none is given.
  if (old_size == 0 || old_size > new_size) {
    return make_error(Errc::invalid_argument, "old size " + std::to_string(old_size) +
                                                  " must be in [1, new size " +
                                                  std::to_string(new_size) + "]");
  }
  auto path = log_.consistency_proof(old_size, new_size);
  if (!path)
    return path.error();
  v1::ConsistencyProof proof;
  proof.set_old_size(old_size);
  proof.set_new_size(new_size);
  for (const Hash32& h : *path)
    proof.add_hashes(to_string(h));
  return proof;
}

Expected<v1::BallotStatus> Board::ballot_status(const Hash32& tracking_code) const {
  auto hit = storage_->find_tracking_code(tracking_code, "");
  if (!hit)
    return hit.error();
  const std::shared_lock lock(mutex_);
  // Storage may already hold a batch whose head is not yet published.
  if (!*hit || (*hit)->index >= log_.size()) {
    return make_error(Errc::not_found, "no ballot with tracking code " + to_hex(tracking_code));
  }
  v1::BallotStatus status;
  status.set_tracking_code(to_string(tracking_code));
  status.set_leaf_index((*hit)->index);
  if ((*hit)->kind == "challenge") {
    status.set_state("challenged");
  } else if (state_.tally()) {
    // After the tally (§12), a ballot is counted unless a re-vote replaced it.
    const auto& superseded = state_.superseded();
    const bool replaced =
        std::find(superseded.begin(), superseded.end(), (*hit)->index) != superseded.end();
    status.set_state(replaced ? "superseded" : "counted");
  } else {
    status.set_state("cast");
  }
  return status;
}

v1::CredentialStatus Board::credential_status(const protocol::PublicKey& credential) const {
  const std::shared_lock lock(mutex_);
  v1::CredentialStatus status;
  const auto district = state_.district_of(credential);
  if (!district)
    return status;
  status.set_listed(true);
  const auto& districts = state_.config()->shape.districts;
  if (*district < districts.size())
    status.set_district(districts[*district]);
  status.set_last_sequence(state_.last_sequence(credential).value_or(0));
  return status;
}

Expected<v1::EntryList> Board::entries(std::uint64_t start, std::uint64_t count) const {
  const std::uint64_t published = size();
  v1::EntryList list;
  list.set_start(start);
  if (start >= published || count == 0)
    return list;
  const std::uint64_t end = start + std::min(count, published - start);
  std::size_t bytes = 0;
  auto s = storage_->scan_leaves(start, end, [&](const LeafRecord& leaf) {
    if (list.entries_size() > 0 && bytes + leaf.bytes.size() > limits::kMaxEntryPageBytes) {
      // Stop early; the caller asks again from start + entries_size().
      return Status(make_error(Errc::out_of_range, "page full"));
    }
    bytes += leaf.bytes.size();
    list.add_entries(to_string(leaf.bytes));
    return Status::success();
  });
  if (!s && s.error().code != Errc::out_of_range)
    return s.error();
  return list;
}

}  // namespace senim::server
