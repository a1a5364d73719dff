// What the board answers to readers (docs/api.md). Every read takes the
// shared lock, so it sees a state that storage holds and a head covers.
#include <algorithm>
#include <mutex>

#include "server/board.hpp"
#include "server/limits.hpp"
#include "tlog/entry_bundle.hpp"

namespace senim::server {

std::uint64_t Board::size() const {
  const std::shared_lock lock(mutex_);
  return log_.size();
}

std::optional<protocol::BoardCheckpoint> Board::latest_checkpoint() const {
  const std::shared_lock lock(mutex_);
  if (!checkpoint_)
    return std::nullopt;
  return published(*checkpoint_);
}

std::optional<std::string> Board::cosigned_checkpoint() const {
  const std::shared_lock lock(mutex_);
  if (!checkpoint_)
    return std::nullopt;
  if (!cosignatures_)
    return checkpoint_->note;
  return cosignatures_->cosigned_note(published(*checkpoint_));
}

std::optional<std::string> Board::witnessed_checkpoint() const {
  const std::shared_lock lock(mutex_);
  if (!checkpoint_ || !cosignatures_)
    return std::nullopt;
  // §11.4: under `quorum none` every checkpoint of the election meets it.
  if (cosignatures_->policy().quorum == tlog::kQuorumNone)
    return cosignatures_->cosigned_note(published(*checkpoint_));
  return cosignatures_->witnessed();
}

std::optional<tlog::Policy> Board::policy() const {
  const std::shared_lock lock(mutex_);
  if (!cosignatures_)
    return std::nullopt;
  return cosignatures_->policy();
}

void Board::add_cosignature(const protocol::BoardCheckpoint& checkpoint,
                            const tlog::VerifiedSignature& cosignature) {
  const std::shared_lock lock(mutex_);
  if (cosignatures_)
    cosignatures_->add(checkpoint, cosignature);
}

std::uint64_t Board::cosigned_size(const tlog::VerifierKey& witness) const {
  const std::shared_lock lock(mutex_);
  return cosignatures_ ? cosignatures_->cosigned_size(witness) : 0;
}

Status Board::store_pending_cosignatures(std::chrono::steady_clock::duration quiet) {
  // The exclusive lock: no commit runs meanwhile, and none ran for `quiet`.
  const std::unique_lock lock(mutex_);
  if (!cosignatures_ || !cosignatures_->has_pending() || failed_)
    return Status::success();
  const auto last = std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(last_commit_.load()));
  if (std::chrono::steady_clock::now() - last < quiet)
    return Status::success();
  std::vector<StoredCosignature> pending = cosignatures_->take_pending();
  if (auto s = storage_->append_cosignatures(pending); !s) {
    cosignatures_->restore_pending(std::move(pending));
    return s;
  }
  return Status::success();
}

Status Board::check_tile(const tlog::Tile& tile, const std::string& path) const {
  // docs/protocol.md §11.5, §13.9.1: with s_L = floor(s / 256^L), the tree
  // of the latest checkpoint has full tiles N < floor(s_L / 256), and a
  // partial tile of width W at N is served if some checkpoint's size c has
  // floor(c / 256^L) = N·256 + W.
  const std::uint64_t size = checkpoint_ ? checkpoint_->size : 0;
  const unsigned shift = tile.level * tlog::kTileHeight;
  const std::uint64_t at_level = shift >= 64 ? 0 : size >> shift;
  const std::uint64_t full_tiles = at_level / tlog::kFullTileWidth;
  if (tile.full()) {
    if (tile.index < full_tiles)
      return Status::success();
    return make_error(Errc::not_found,
                      path + " is beyond the board's log of " + std::to_string(size) + " entries");
  }
  const std::uint64_t want = tile.index * tlog::kFullTileWidth + tile.width;  // s_L of such sizes
  if (tile.index > full_tiles || want > at_level) {
    return make_error(Errc::not_found,
                      path + " is beyond the board's log of " + std::to_string(size) + " entries");
  }
  // Sizes c with c >> shift == want: [want << shift, (want + 1) << shift), within size.
  const std::uint64_t lo = want << shift;
  const std::uint64_t hi = (want + 1) << shift;
  auto it = std::lower_bound(checkpoint_sizes_.begin(), checkpoint_sizes_.end(), lo);
  if (it != checkpoint_sizes_.end() && *it < hi)
    return Status::success();
  return make_error(Errc::not_found,
                    path + " belongs to sizes " + std::to_string(lo) + " to " +
                        std::to_string(hi - 1) +
                        ", and the board signed no checkpoint of those sizes (tlog-tiles: partial "
                        "tiles are served for checkpointed sizes only)");
}

Expected<Bytes> Board::tile(const tlog::Tile& tile) const {
  const std::shared_lock lock(mutex_);
  if (auto s = check_tile(tile, tlog::tile_path(tile)); !s)
    return s.error();
  // Hash i of tile N at level L is the perfect subtree of 256^L leaves at
  // N·256 + i: the in-memory log keeps every one of them.
  Bytes out;
  out.reserve(std::size_t{tile.width} * tlog::kHashBytes);
  for (std::uint64_t i = 0; i < tile.width; ++i) {
    auto hash =
        log_.subtree_hash(tile.level * tlog::kTileHeight, tile.index * tlog::kFullTileWidth + i);
    if (!hash)
      return hash.error();
    append(out, *hash);
  }
  return out;
}

Status Board::check_entry_bundle(const tlog::Tile& tile) const {
  const std::shared_lock lock(mutex_);
  return check_tile(tile, tlog::entry_bundle_path(tile));
}

v1::BoardInfo Board::info() const {
  const std::shared_lock lock(mutex_);
  v1::BoardInfo info;
  info.set_board_key(to_string(key_.public_key()));
  info.set_public_url(public_url_);
  info.set_phase(protocol::phase_name(state_.phase()));
  info.set_tree_size(log_.size());
  if (const protocol::ElectionConfig* config = state_.config()) {
    info.set_election_id(config->election_id());
    info.set_trustees(config->ceremony.trustees);
    info.set_threshold(config->ceremony.threshold);
    info.set_log_origin(config->log_origin);
    info.set_board_vkey(tlog::format_vkey(config->board_vkey));
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
