#include "server/cosignature_book.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace senim::server {

CosignatureBook::CosignatureBook(tlog::Policy policy)
    : policy_(std::move(policy)), cosigned_sizes_(policy_.witnesses.size(), 0) {}

std::optional<std::size_t> CosignatureBook::witness_index(const tlog::VerifierKey& key) const {
  for (std::size_t i = 0; i < policy_.witnesses.size(); ++i) {
    if (policy_.witnesses[i].key == key)
      return i;
  }
  return std::nullopt;
}

std::string CosignatureBook::note_with(const Held& held) const {
  std::string note = held.checkpoint.note;
  for (const auto& [index, line] : held.lines)
    note += line;
  return note;
}

void CosignatureBook::hold(const protocol::BoardCheckpoint& checkpoint, std::size_t witness,
                           std::string line) {
  const std::uint64_t size = checkpoint.checkpoint.size;
  cosigned_sizes_[witness] = std::max(cosigned_sizes_[witness], size);
  if (size < witnessed_size_)
    return;  // stored, but a larger checkpoint already meets the quorum
  auto [it, inserted] = held_.try_emplace(size, Held{checkpoint, {}});
  it->second.lines.try_emplace(witness, std::move(line));
  // §11.4: the quorum over the witnesses that cosigned this very size.
  std::set<std::string> names;
  for (const auto& [index, unused] : it->second.lines)
    names.insert(policy_.witnesses[index].name);
  if (policy_.quorum != tlog::kQuorumNone && tlog::quorum_satisfied(policy_, names)) {
    witnessed_ = note_with(it->second);
    witnessed_size_ = size;
    held_.erase(held_.begin(), it);  // smaller sizes are no longer served
  }
  while (held_.size() > kMaxHeldSizes)
    held_.erase(held_.begin());
}

void CosignatureBook::add(const protocol::BoardCheckpoint& checkpoint,
                          const tlog::VerifiedSignature& cosignature) {
  const auto witness = witness_index(cosignature.key);
  if (!witness)
    return;
  const std::string line = tlog::format_signature_line(cosignature.signature);
  const std::lock_guard lock(mutex_);
  const std::uint64_t size = checkpoint.checkpoint.size;
  if (auto it = held_.find(size); it != held_.end() && it->second.lines.count(*witness) != 0)
    return;
  pending_.push_back(StoredCosignature{size, cosignature.key.name, cosignature.key.key_id, line});
  hold(checkpoint, *witness, line);
}

Status CosignatureBook::load(const protocol::BoardCheckpoint& checkpoint,
                             const StoredCosignature& stored) {
  const std::string where = "the cosignature of " + stored.key_name +
                            " on the checkpoint of size " +
                            std::to_string(checkpoint.checkpoint.size);
  if (stored.line.empty() || stored.line.back() != '\n')
    return make_error(Errc::invalid_encoding, where + " is not a signature line");
  auto signature =
      tlog::parse_signature_line(std::string_view(stored.line).substr(0, stored.line.size() - 1));
  if (!signature)
    return make_error(signature.error().code, where + ": " + signature.error().message);
  std::optional<std::size_t> witness;
  for (std::size_t i = 0; i < policy_.witnesses.size(); ++i) {
    const tlog::VerifierKey& key = policy_.witnesses[i].key;
    if (key.name == signature->name && key.key_id == signature->key_id)
      witness = i;
  }
  if (!witness)
    return make_error(Errc::not_found, where + " is by no witness of the election's policy");
  auto verified = tlog::verify_note_signature(policy_.witnesses[*witness].key, checkpoint.text,
                                              signature->signature);
  if (!verified)
    return make_error(verified.error().code, where + ": " + verified.error().message);
  const std::lock_guard lock(mutex_);
  hold(checkpoint, *witness, stored.line);
  return Status::success();
}

std::string CosignatureBook::cosigned_note(const protocol::BoardCheckpoint& checkpoint) const {
  const std::lock_guard lock(mutex_);
  auto it = held_.find(checkpoint.checkpoint.size);
  if (it == held_.end())
    return checkpoint.note;
  return note_with(it->second);
}

std::optional<std::string> CosignatureBook::witnessed() const {
  const std::lock_guard lock(mutex_);
  return witnessed_;
}

std::uint64_t CosignatureBook::cosigned_size(const tlog::VerifierKey& witness) const {
  const auto index = witness_index(witness);
  const std::lock_guard lock(mutex_);
  return index ? cosigned_sizes_[*index] : 0;
}

std::vector<StoredCosignature> CosignatureBook::take_pending() {
  const std::lock_guard lock(mutex_);
  return std::exchange(pending_, {});
}

bool CosignatureBook::has_pending() const {
  const std::lock_guard lock(mutex_);
  return !pending_.empty();
}

void CosignatureBook::restore_pending(std::vector<StoredCosignature> pending) {
  const std::lock_guard lock(mutex_);
  pending.insert(pending.end(), std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.end()));
  pending_ = std::move(pending);
}

}  // namespace senim::server
