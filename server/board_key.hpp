// The board's Ed25519 signing key (docs/protocol.md §11.2), kept in
// DIR/board.key as its raw 32-byte seed, mode 0600. Made once, with a new
// board (board_files.hpp says when); the same key must sign every tree head
// of the board's life, or old receipts stop verifying. Never logged.
#pragma once

#include <string>

#include "crypto/error.hpp"
#include "protocol/signing.hpp"

namespace senim::server {

// Loads the key at `path`. Refuses a missing file (not_found), a file of the
// wrong size, or one that group or others can read.
Expected<protocol::SigningKey> load_board_key(const std::string& path);

// Makes a new key at `path` (O_EXCL, 0600, fsync'ed with its directory).
Expected<protocol::SigningKey> create_board_key(const std::string& path);

}  // namespace senim::server
