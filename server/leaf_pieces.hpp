// Reading the log for a streamed answer one piece at a time (limits.hpp,
// kStreamPieceBytes): used by GET /v1/entries (entry_page_stream.hpp),
// GET /v1/record (record_stream.hpp) and GET /tile/entries/… (api_tiles.cpp).
#pragma once

#include <cstdint>
#include <functional>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "server/storage.hpp"

namespace senim::server {

// Hands leaves [begin, end) to `take` in order until `take` declines one
// (returns false: that leaf is not taken) or the leaves taken reach
// limits::kStreamPieceBytes. The next leaf not taken, or a storage error.
Expected<std::uint64_t> read_piece(Storage& storage, std::uint64_t begin, std::uint64_t end,
                                   const std::function<bool(ByteView entry)>& take);

}  // namespace senim::server
