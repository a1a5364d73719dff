// GET /v1/record: the election record (protocol/record.hpp, docs/record.md)
// produced piece by piece from storage, so that a board of a million ballots
// is sent without being held in memory:
//   "SENIMREC" ‖ u32_be(1), then one entry frame per leaf of the latest head,
//   then that head's frame (which covers exactly the entries before it).
#pragma once

#include <optional>
#include <string>

#include "crypto/error.hpp"
#include "proto/board.pb.h"
#include "server/storage.hpp"

namespace senim::server {

class RecordStream {
 public:
  // Streams the leaves `head` covers, then `head`. `storage` must outlive it.
  RecordStream(Storage& storage, v1::SignedTreeHead head);
  // The next piece, nullopt at the end, or a storage error.
  Expected<std::optional<std::string>> next();

 private:
  Storage* storage_;
  v1::SignedTreeHead head_;
  std::uint64_t next_leaf_ = 0;
  bool header_sent_ = false;
  bool head_sent_ = false;
};

}  // namespace senim::server
