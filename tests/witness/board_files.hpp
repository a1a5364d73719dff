// A board as files, for witness tests before (and besides) the real server:
// the election's entries as a log, its tiles and entry bundles written into
// a directory exactly as tlog-tiles lays them out, checkpoints signed by the
// board's key, and add-checkpoint requests with their consistency proofs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "protocol/signing.hpp"
#include "tlog/stored_hashes.hpp"
#include "tlog/vkey.hpp"

namespace senim::test {

class BoardFiles {
 public:
  BoardFiles(std::string dir, const protocol::SigningKey& key, std::string origin);

  // The log is `entries`; publish() writes the tiles and bundles of its
  // first `size` entries (the full ones again, unchanged, and the partial
  // ones of that size).
  void set_entries(std::vector<Bytes> entries);
  void publish(std::uint64_t size) const;
  // Only what a log of old_size grown to size adds (tlog::new_tiles).
  void publish(std::uint64_t old_size, std::uint64_t size) const;

  // A checkpoint note of the first `size` entries, or of any root.
  std::string checkpoint(std::uint64_t size) const;
  std::string checkpoint_with_root(std::uint64_t size, const Hash32& root) const;
  Hash32 root(std::uint64_t size) const;
  std::vector<Hash32> consistency(std::uint64_t old_size, std::uint64_t new_size) const;
  // The add-checkpoint body from old_size to size (proof from this log).
  std::string request(std::uint64_t old_size, std::uint64_t size) const;

  const std::string& vkey() const { return vkey_text_; }
  const tlog::VerifierKey& key() const { return vkey_; }
  const std::string& dir() const { return dir_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string dir_;
  const protocol::SigningKey& key_;
  std::string origin_;
  tlog::VerifierKey vkey_;
  std::string vkey_text_;
  std::vector<Bytes> entries_;
  std::vector<Hash32> leaves_;
  mutable tlog::MemoryHashStore hashes_;  // read_hashes is not const
};

}  // namespace senim::test
