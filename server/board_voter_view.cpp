// GET /v1/voter-view/{key}: what one voter needs, proven against one
// checkpoint (docs/protocol.md §11.6, docs/api.md). Its cost is one index
// look-up, a dozen proofs from the in-memory tree and a dozen leaf reads,
// whatever the numbers of credentials and ballots. The leaves are read
// after the board's lock is released: they are all before the open, so no
// commit changes them, and a commit never waits for these reads.
#include <algorithm>
#include <mutex>

#include "server/board.hpp"

namespace senim::server {

Expected<v1::VoterView> Board::voter_view(const protocol::PublicKey& credential) const {
  auto list = storage_->find_credential_list(credential);
  if (!list)
    return list.error();
  v1::VoterView view;
  {
    const std::shared_lock lock(mutex_);
    if (!checkpoint_ || !open_leaf_ || *open_leaf_ >= checkpoint_->size) {
      return make_error(Errc::wrong_phase,
                        "voting has not opened: the board's log holds no open "
                        "(the election is in phase " +
                            protocol::phase_name(state_.phase()) + ")");
    }
    if (!*list || **list >= *open_leaf_) {
      return make_error(Errc::not_found,
                        "credential " + to_hex(credential) + " is not on the credential list");
    }
    // The latest checkpoint that meets the quorum, when it holds the open: a
    // voter then checks witnessed entries; else the latest, with what
    // cosignatures the board holds for it.
    std::string note = checkpoint_->note;
    if (cosignatures_) {
      note = cosignatures_->cosigned_note(published(*checkpoint_));
      if (cosignatures_->policy().quorum != tlog::kQuorumNone) {
        if (auto witnessed = cosignatures_->witnessed()) {
          const std::uint64_t size = protocol::checkpoint_note_size(*witnessed);
          if (size > *open_leaf_ && size <= log_.size())
            note = *witnessed;
        }
      }
    }
    const std::uint64_t size = protocol::checkpoint_note_size(note);
    if (size <= *open_leaf_)
      return make_error(Errc::io_error, "the board's checkpoint does not parse");
    view.set_checkpoint(note);
    std::vector<std::uint64_t> leaves = setup_leaves_;
    leaves.insert(std::upper_bound(leaves.begin(), leaves.end(), **list), **list);
    for (const std::uint64_t leaf : leaves) {
      auto path = log_.inclusion_proof(leaf, size);
      if (!path)
        return path.error();
      v1::ProvenEntry* e = view.add_entries();
      e->set_leaf_index(leaf);
      for (const Hash32& h : *path)
        e->add_inclusion_proof(to_string(h));
    }
    view.set_last_sequence(state_.last_sequence(credential).value_or(0));
  }
  for (v1::ProvenEntry& e : *view.mutable_entries()) {
    auto bytes = storage_->leaf(e.leaf_index());
    if (!bytes)
      return bytes.error();
    e.set_entry(to_string(*bytes));
  }
  return view;
}

}  // namespace senim::server
