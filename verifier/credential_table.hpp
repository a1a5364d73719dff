// The credential list as senim-verify keeps it while it streams a record:
// 56 bytes per credential, in one flat array sorted by key once the lists are
// in (docs/performance.md, "Memory"). A hash map of the same records took
// about 122 bytes per credential (node, bucket, allocator overhead).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

#include "crypto/bytes.hpp"

namespace senim::verifier {

// What the verifier remembers of one credential (trivially copyable: the
// table moves its array with realloc).
struct CredentialRecord {
  std::uint32_t district = 0;
  std::uint32_t last_sequence = 0;       // meaningful once voted()
  std::uint64_t last_offset = 0;         // of its last ballot's frame
  std::uint64_t last_leaf_plus_one = 0;  // 0: no ballot counted yet

  bool voted() const { return (flags_ & kVoted) != 0; }
  void set_voted() { flags_ |= kVoted; }
  std::optional<std::uint64_t> last_leaf() const {
    if (last_leaf_plus_one == 0)
      return std::nullopt;
    return last_leaf_plus_one - 1;
  }

 private:
  static constexpr std::uint32_t kVoted = 1;
  friend class CredentialTable;
  std::uint32_t flags_ = 0;
  std::uint32_t list_index_ = 0;  // before seal(): its place in its list, for a duplicate's report
};

class CredentialTable {
 public:
  CredentialTable() = default;
  ~CredentialTable();
  CredentialTable(const CredentialTable&) = delete;
  CredentialTable& operator=(const CredentialTable&) = delete;

  // Before seal(): a credential of the list at `leaf`, the `index`-th (from 0).
  void add(const Hash32& key, std::uint32_t district, std::uint64_t leaf, std::uint32_t index);

  // A key listed again: where (its list's leaf and place), to report it.
  struct Duplicate {
    Hash32 key{};
    std::uint64_t leaf = 0;
    std::uint32_t index = 0;
  };
  // Sorts the keys and drops every repeat, keeping the first in log order;
  // returns the repeats, in log order. Later seal() calls do nothing.
  std::vector<Duplicate> seal();
  bool sealed() const { return sealed_; }

  // After seal(): the credential's record, or nullptr if it is not listed.
  CredentialRecord* find(const Hash32& key);
  const CredentialRecord* find(const Hash32& key) const;
  bool contains(const Hash32& key) const { return find(key) != nullptr; }
  std::size_t size() const { return size_; }

  // Snapshots (verifier/engine_snapshot.cpp): every slot, in the table's
  // order. Before seal(), a record's last_offset is its list's leaf and
  // `list_index` its place in that list (after, 0).
  void for_each(const std::function<void(const Hash32& key, const CredentialRecord& record,
                                         std::uint32_t list_index)>& visit) const;
  // Puts back, in the same order, a slot that for_each() gave.
  void restore(const Hash32& key, const CredentialRecord& record, std::uint32_t list_index);
  // After every restore() of a table that was saved sealed. False (and not
  // sealed) if its keys are not strictly ascending, as seal() leaves them.
  bool restore_sealed();
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    Hash32 key;
    CredentialRecord record;
  };
  Slot* slots_ = nullptr;  // malloc'd: grown with realloc, which moves large blocks by remapping
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool sealed_ = false;
};

}  // namespace senim::verifier
