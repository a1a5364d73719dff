// GET /v1/record: the election record (protocol/record.hpp, docs/record.md)
// produced piece by piece from storage, so that a board of a million ballots
// is sent without being held in memory:
//   "SENIMREC" ‖ u32_be(2), then one entry frame per leaf of the latest
//   checkpoint, with the latest checkpoint that meets the quorum at its place
//   when it is smaller, and the latest checkpoint's frame at the end (each
//   covers exactly the entries before it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/error.hpp"
#include "server/storage.hpp"

namespace senim::server {

// A checkpoint note to write after `size` entries.
struct RecordCheckpoint {
  std::uint64_t size = 0;
  std::string note;
};

class RecordStream {
 public:
  // Streams the leaves `last` covers, `witnessed` among them (if smaller),
  // then `last`. `storage` must outlive it.
  RecordStream(Storage& storage, RecordCheckpoint last, std::optional<RecordCheckpoint> witnessed);
  // The next piece, nullopt at the end, or a storage error.
  Expected<std::optional<std::string>> next();

 private:
  Storage* storage_;
  RecordCheckpoint last_;
  std::optional<RecordCheckpoint> witnessed_;
  std::uint64_t next_leaf_ = 0;
  bool header_sent_ = false;
  bool last_sent_ = false;
};

}  // namespace senim::server
