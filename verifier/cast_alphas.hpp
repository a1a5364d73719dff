// The α of every cast ciphertext, for a verifier that judges the log as it
// grows (a witness, docs/protocol.md §14.3): there, check 15's rule that no
// challenge opens a ciphertext a ballot already cast holds (§9.5) must be
// judged at the challenge, not by a second pass at the end.
//
// Each α is kept as an 8-byte keyed fingerprint, SipHash-2-4(key, α) with a
// random 16-byte key, in an open-addressing set that doubles when 3/4 full:
// 11 to 22 bytes per cast ciphertext. The key makes fingerprints unpredictable, so no
// one can post ballots whose fingerprints collide with a challenge's on
// purpose. A fingerprint found is only a candidate: the caller finds the
// ballot in the record and compares α itself.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "crypto/bytes.hpp"

namespace senim::verifier {

class CastAlphaIndex {
 public:
  static constexpr std::size_t kKeyBytes = 16;
  using Key = std::array<std::uint8_t, kKeyBytes>;

  CastAlphaIndex();  // a fresh random key, empty
  explicit CastAlphaIndex(const Key& key);

  void insert(const Hash32& alpha);
  // False: no cast ciphertext has this α. True: one may have.
  bool may_contain(const Hash32& alpha) const;

  std::uint64_t size() const { return size_; }
  const Key& key() const { return key_; }
  // The fingerprints, in no particular order (for a snapshot), and back.
  void for_each(const std::function<void(std::uint64_t fingerprint)>& sink) const;
  void insert_fingerprint(std::uint64_t fingerprint);

 private:
  std::uint64_t fingerprint(const Hash32& alpha) const;
  std::size_t slot_of(std::uint64_t fingerprint) const;
  void grow();

  Key key_{};
  std::vector<std::uint64_t> slots_;  // 0: empty (a fingerprint of 0 is stored as 1)
  std::uint64_t size_ = 0;
};

}  // namespace senim::verifier
