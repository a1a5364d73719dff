// senim-server --data DIR --restore-from RECORD: rebuilds a board's log from
// an election record (docs/record.md) when the server refuses to start
// because its log no longer reaches the head it released (a damaged or
// replaced board.sqlite, a cut write-ahead log, an old backup). Every entry
// of a board is public, so any copy of its record saved after that head
// brings every receipted entry back (docs/operator-guide.md §2.4).
//
// The rules (docs/api.md, "Start-up and recovery"):
// - board.key must be the board's own: every head in RECORD must verify
//   under it, and cover exactly the entries before it, with their root;
//   every entry must pass the board's rules, in order, as at intake.
// - The rebuilt log must reach the head of board.head with its root. If
//   board.head is missing or damaged, RECORD's last head becomes the record
//   (the operator vouches that RECORD is the latest: receipts for a larger
//   head would then prove otherwise).
// - A restore never drops entries: it refuses when the database it would
//   replace holds more entries than RECORD. The replaced files are kept,
//   renamed *.before-restore-<unix time> (then -2, -3, … if that name is
//   taken: a replaced database is never overwritten).
// - The result is checked as a start would check it; if that fails, the old
//   database is put back.
#pragma once

#include <string>

#include "crypto/error.hpp"

namespace senim::server {

// What was restored, for the operator; or why nothing was.
Expected<std::string> restore_board(const std::string& data_dir, const std::string& record_path,
                                    unsigned threads);

}  // namespace senim::server
