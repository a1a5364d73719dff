// A saved election record (docs/record.md) served as the board's tiled log
// (docs/protocol.md §11.5), so that `senim check` reads a record file after
// the board is switched off through exactly the code it runs against a live
// board or a mirror: the record's last checkpoint is the source's
// checkpoint, and its tiles and entry bundles are made from the record's
// entries. Nothing here is trusted: protocol::LogSource's readers
// authenticate every tile and entry to that checkpoint, and the checkpoint
// is verified under the board key the record's set-up names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/log_source.hpp"
#include "protocol/record.hpp"

namespace senim::protocol {

class RecordLogSource final : public LogSource {
 public:
  // Reads the record once: each entry's offset and the tree of the entries
  // its last checkpoint covers (the root of every full 256-entry tile; the
  // entries themselves stay on disk). Errors: io_error (cannot open or read
  // the file, naming it); invalid_encoding (not a record, or a damaged
  // frame, naming the offset); invalid_argument (a record with no
  // checkpoint).
  static Expected<std::unique_ptr<RecordLogSource>> open(const std::string& path);

  // "checkpoint": the record's last checkpoint; "tile/…": tiles and entry
  // bundles of its tree. Anything else, or a tile the tree does not have,
  // is not_found.
  Expected<std::string> fetch(const std::string& path, std::size_t max_bytes) override;
  std::string where() const override { return path_; }

  // How many entries the last checkpoint covers.
  std::uint64_t size() const { return offsets_.size(); }
  // Entry `index` (< size()), read back from the file.
  Expected<Bytes> entry(std::uint64_t index);

 private:
  RecordLogSource(std::string path, RecordReader reader)
      : path_(std::move(path)), reader_(std::move(reader)) {}
  Expected<Bytes> tile_data(const tlog::Tile& tile);
  Expected<std::vector<Bytes>> entries(std::uint64_t first, std::uint64_t count);

  std::string path_;
  RecordReader reader_;
  std::string checkpoint_;              // the last checkpoint note
  std::vector<std::uint64_t> offsets_;  // frame offset of entry i, i < size()
  std::vector<Hash32> tile_roots_;      // MTH of entries 256·n … 256·n + 255, full tiles only
};

}  // namespace senim::protocol
