// DIR/board.head: the record of the largest tree head the board has signed
// and released (docs/api.md, "The data directory"). It is written durably
// after a batch is stored and before any receipt or GET /v1/tree-head can
// show the batch's head, so at every start the server knows a lower bound
// on the log it has vouched for: a log that is shorter, or whose root at
// that size differs, is refused (board_recovery.cpp) instead of being
// signed over again with heads that contradict the receipts.
//
// The file is two fixed slots of kSlotBytes, written alternately:
//
//   slot = "SENIMHWM" ‖ u32_be(1) ‖ u64_be(sequence) ‖ u64_be(tree_size) ‖
//          root (32) ‖ u32_be(n) ‖ signed_head (n bytes) ‖ zeros ‖
//          SHA-256(all the slot's bytes before it) (32)
//
// Record number `sequence` goes to slot sequence mod 2, so a torn write can
// only damage the slot being written, never the one holding the previous
// record; the valid slot with the higher sequence wins. One fdatasync per
// record (the file's size never changes).
//
// The signed head's bytes are opaque here (the board checks them against
// its key, board_recovery.cpp); size and root are kept beside them.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "server/durable_file.hpp"

namespace senim::server {

struct RecordedHead {
  std::uint64_t tree_size = 0;
  Hash32 root{};
  Bytes signed_head;  // empty for the empty tree, which has no signed head
};

class HeadRecord {
 public:
  static constexpr std::size_t kSlotBytes = 4096;
  // What fits in a slot beside the fixed fields.
  static constexpr std::size_t kMaxSignedHeadBytes = kSlotBytes - 96;

  // Creates the file (O_EXCL, 0600) holding the record `first` (for a new
  // board: the empty tree), fsync'ed with its directory.
  static Expected<HeadRecord> create(const std::string& path, const RecordedHead& first);
  // Opens an existing file. not_found if there is none; invalid_encoding
  // naming what is wrong with each slot if neither holds a valid record.
  static Expected<HeadRecord> open(const std::string& path);

  const RecordedHead& latest() const { return latest_; }
  const std::string& path() const { return path_; }

  // Records `head` (in the slot not holding the latest record) and returns
  // once it is on disk. A head smaller than the latest is refused
  // (invalid_argument): the record never goes back.
  Status write(const RecordedHead& head);

 private:
  HeadRecord(std::string path, UniqueFd fd, std::uint64_t sequence, RecordedHead latest);

  std::string path_;
  UniqueFd fd_;
  std::uint64_t sequence_ = 0;
  RecordedHead latest_;
};

}  // namespace senim::server
