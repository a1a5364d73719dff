// The credential list as senim-verify keeps it while it streams a record:
// 50 bytes per credential, in one flat array sorted by key once the lists are
// in (docs/performance.md, "Memory"). A hash map of the same records took
// about 122 bytes per credential (node, bucket, allocator overhead).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "crypto/bytes.hpp"

namespace senim::verifier {

// What the verifier remembers of one credential, packed into 18 bytes (with
// its key, 50 per credential). Fields are byte arrays read and written
// through accessors, so the struct has no padding and an alignment of 1; the
// widths hold what a record can need: 48-bit offsets and leaves (256 TB, 2^48
// entries), districts below 2^14 (the manifest allows 10,000), the full
// 32-bit sequence a ballot carries (the refusal names it). Trivially
// copyable: the table moves its array with mremap.
class CredentialRecord {
 public:
  static constexpr std::uint64_t kMaxDistrict = (1U << 14) - 1;
  static constexpr std::uint64_t kMax48 = (std::uint64_t{1} << 48) - 1;

  std::uint32_t district() const { return load(district_flags_) & kDistrictMask; }
  void set_district(std::uint32_t district);
  bool voted() const { return (load(district_flags_) & kVoted) != 0; }
  void set_voted() { store(district_flags_, load(district_flags_) | kVoted); }
  // Meaningful once voted().
  std::uint32_t last_sequence() const { return static_cast<std::uint32_t>(load(sequence_)); }
  void set_last_sequence(std::uint32_t sequence) { store(sequence_, sequence); }
  // Of its last ballot's frame (before seal(): its list's leaf).
  std::uint64_t last_offset() const { return load(offset_); }
  void set_last_offset(std::uint64_t offset) { store(offset_, checked48(offset)); }
  // Its last counted ballot's leaf; none before one is counted.
  std::optional<std::uint64_t> last_leaf() const {
    const std::uint64_t plus_one = load(leaf_plus_one_);
    if (plus_one == 0)
      return std::nullopt;
    return plus_one - 1;
  }
  void set_last_leaf(std::uint64_t leaf) { store(leaf_plus_one_, checked48(leaf + 1)); }

 private:
  friend class CredentialTable;
  static constexpr std::uint32_t kDistrictMask = (1U << 14) - 1;
  static constexpr std::uint32_t kVoted = 1U << 15;

  template <std::size_t N>
  static std::uint64_t load(const std::array<std::uint8_t, N>& bytes) {
    std::uint64_t v = 0;
    for (std::size_t i = N; i-- > 0;)
      v = (v << 8) | bytes[i];
    return v;
  }
  template <std::size_t N>
  static void store(std::array<std::uint8_t, N>& bytes, std::uint64_t v) {
    for (std::size_t i = 0; i < N; ++i, v >>= 8)
      bytes[i] = static_cast<std::uint8_t>(v);
  }
  static std::uint64_t checked48(std::uint64_t v);

  // Before seal(): the credential's place in its list, for a duplicate's report.
  std::uint32_t list_index() const { return last_sequence(); }

  std::array<std::uint8_t, 4> sequence_{};
  std::array<std::uint8_t, 6> offset_{};
  std::array<std::uint8_t, 6> leaf_plus_one_{};
  std::array<std::uint8_t, 2> district_flags_{};
};
static_assert(sizeof(CredentialRecord) == 18 && alignof(CredentialRecord) == 1);

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
  // Puts back, in the same order, a slot that for_each() gave. Before seal()
  // the record's last_offset() is its list's leaf and its last_sequence() its
  // place in that list (the record keeps the place there until seal()).
  void restore(const Hash32& key, const CredentialRecord& record);
  // After every restore() of a table that was saved sealed. False (and not
  // sealed) if its keys are not strictly ascending, as seal() leaves them.
  bool restore_sealed();
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    Hash32 key;
    CredentialRecord record;
  };
  void grow();
  // 4,096 slots: a whole number of pages (50 × 4,096 bytes), so that every
  // doubling is too.
  static constexpr std::size_t kFirstCapacity = 4096;
  Slot* slots_ = nullptr;  // an anonymous mapping of capacity_ slots (grow())
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool sealed_ = false;
};

}  // namespace senim::verifier
