// The files that make a board in its data directory (docs/api.md, "The data
// directory"): board.key (board_key.hpp), board.head (head_record.hpp) and
// board.sqlite (sqlite_storage.hpp), and the one way a new board begins.
//
//   no board.key, no board.head, no board.sqlite: a new board. board.head is
//     made first (the empty tree), then board.key; the database follows.
//   no board.key, board.head of the empty tree, no board.sqlite: the same
//     creation, interrupted after board.head; it is finished.
//   board.key and a valid board.head: the board, checked further at start
//     (board_recovery.cpp); board.sqlite may only be missing if nothing was
//     ever released (board.head is the empty tree).
//   anything else is refused, saying what to put back: a board.key without
//     board.head (deleted, or an older server's board) must not start again
//     as if it had never signed anything.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/error.hpp"
#include "protocol/signing.hpp"
#include "server/head_record.hpp"

namespace senim::server {

struct BoardFiles {
  protocol::SigningKey key;
  HeadRecord record;
};

Expected<BoardFiles> open_board_files(const std::string& dir);

// What an operator can do when the log no longer reaches the head of size
// `size` that the board in `dir` released.
std::string restore_advice(const std::string& dir, std::uint64_t size);

}  // namespace senim::server
