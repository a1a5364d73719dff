#include "verifier/credential_table.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "protocol/manifest_rules.hpp"

namespace senim::verifier {
namespace {

bool key_less(const Hash32& a, const Hash32& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// Every district a manifest may name fits the record's 14 bits.
static_assert(protocol::kMaxDistricts <= CredentialRecord::kMaxDistrict + 1);

}  // namespace

CredentialTable::~CredentialTable() {
  if (slots_ != nullptr)
    munmap(slots_, capacity_ * sizeof(Slot));
}

void CredentialRecord::set_district(std::uint32_t district) {
  if (district > kMaxDistrict)
    throw std::length_error("CredentialRecord: district " + std::to_string(district) +
                            " is beyond the record's 14 bits");
  store(district_flags_, (load(district_flags_) & ~kDistrictMask) | district);
}

std::uint64_t CredentialRecord::checked48(std::uint64_t v) {
  if (v > kMax48)
    throw std::length_error("CredentialRecord: " + std::to_string(v) +
                            " is beyond the record's 48 bits");
  return v;
}

void CredentialTable::grow() {
  // The array lives in its own anonymous mapping, doubled with mremap: the
  // kernel moves the pages without copying them, so old and new are never
  // both resident, and pages not yet written cost nothing. (realloc does
  // that only for blocks above malloc's mmap threshold, which glibc raises
  // up to 32 MB as large blocks are freed; below it, it copies, and the old
  // block stays resident in the heap.)
  const std::size_t grown = std::max<std::size_t>(kFirstCapacity, capacity_ * 2);
  void* moved = slots_ == nullptr ? mmap(nullptr, grown * sizeof(Slot), PROT_READ | PROT_WRITE,
                                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                  : mremap(slots_, capacity_ * sizeof(Slot), grown * sizeof(Slot),
                                           MREMAP_MAYMOVE);
  if (moved == MAP_FAILED)
    throw std::bad_alloc();
  slots_ = static_cast<Slot*>(moved);
  capacity_ = grown;
}

void CredentialTable::add(const Hash32& key, std::uint32_t district, std::uint64_t leaf,
                          std::uint32_t index) {
  static_assert(std::is_trivially_copyable_v<Slot> && sizeof(Slot) == 50);
  if (sealed_)
    throw std::logic_error("CredentialTable: a credential added after seal()");
  if (size_ == capacity_)
    grow();
  Slot& s = slots_[size_++];
  s.key = key;
  s.record = CredentialRecord{};
  s.record.set_district(district);
  // Until seal(), the ballot fields hold where the credential was listed.
  s.record.set_last_offset(leaf);
  s.record.set_last_sequence(index);
}

void CredentialTable::for_each(
    const std::function<void(const Hash32&, const CredentialRecord&, std::uint32_t)>& visit) const {
  for (std::size_t i = 0; i < size_; ++i)
    visit(slots_[i].key, slots_[i].record, sealed_ ? 0 : slots_[i].record.list_index());
}

void CredentialTable::restore(const Hash32& key, const CredentialRecord& record) {
  add(key, record.district(), record.last_offset(), record.last_sequence());
  slots_[size_ - 1].record = record;
}

bool CredentialTable::restore_sealed() {
  for (std::size_t i = 1; i < size_; ++i) {
    if (!key_less(slots_[i - 1].key, slots_[i].key))
      return false;
  }
  sealed_ = true;
  return true;
}

std::vector<CredentialTable::Duplicate> CredentialTable::seal() {
  std::vector<Duplicate> repeats;
  if (sealed_)
    return repeats;
  sealed_ = true;
  auto listed_before = [](const Slot& a, const Slot& b) {
    return a.record.last_offset() != b.record.last_offset()
               ? a.record.last_offset() < b.record.last_offset()
               : a.record.list_index() < b.record.list_index();
  };
  Slot* const end = slots_ + size_;
  std::sort(slots_, end, [&](const Slot& a, const Slot& b) {
    if (a.key != b.key)
      return key_less(a.key, b.key);
    return listed_before(a, b);  // equal keys: the first listed first
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    if (kept > 0 && slots_[kept - 1].key == slots_[i].key) {
      repeats.push_back(
          {slots_[i].key, slots_[i].record.last_offset(), slots_[i].record.list_index()});
      continue;
    }
    slots_[kept++] = slots_[i];
  }
  size_ = kept;
  for (std::size_t i = 0; i < size_; ++i) {
    slots_[i].record.set_last_offset(0);
    slots_[i].record.set_last_sequence(0);
  }
  std::sort(repeats.begin(), repeats.end(), [](const Duplicate& a, const Duplicate& b) {
    return a.leaf != b.leaf ? a.leaf < b.leaf : a.index < b.index;
  });
  return repeats;
}

const CredentialRecord* CredentialTable::find(const Hash32& key) const {
  if (!sealed_)
    throw std::logic_error("CredentialTable: find() before seal()");
  const Slot* const begin = slots_;
  const Slot* const end = slots_ + size_;
  const Slot* it = std::lower_bound(
      begin, end, key, [](const Slot& s, const Hash32& k) { return key_less(s.key, k); });
  return it != end && it->key == key ? &it->record : nullptr;
}

CredentialRecord* CredentialTable::find(const Hash32& key) {
  return const_cast<CredentialRecord*>(std::as_const(*this).find(key));
}

}  // namespace senim::verifier
