// senim-verify --server URL / --mirror DIR: the election record built from a
// board's tiled log (docs/protocol.md §11.5, docs/record.md): every entry,
// read from the entry bundles and each matched with its leaf hash in the
// tiles of the source's latest checkpoint (authenticated to its root,
// §13.9.3); the source's witnessed checkpoint at its place when it is
// smaller; the latest checkpoint, with its cosignatures, at the end. The
// record is then verified like any other: the tiles are only a transport.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "crypto/error.hpp"
#include "protocol/log_source.hpp"

namespace senim::verifier {

// Writes the record to `path` (atomically: PATH.tmp, then renamed). Called
// with the entries written so far after each bundle. Errors: the source's,
// protocol::read_served_election's, CheckpointedLog::bundle's (an entry that
// is not its leaf: merkle_root_mismatch), the writer's.
Status save_record_from_tiles(protocol::LogSource& source, const std::string& path,
                              const std::function<void(std::uint64_t)>& progress = {});

}  // namespace senim::verifier
