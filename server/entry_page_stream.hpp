// GET /v1/entries as a streamed answer (docs/api.md): exactly the bytes that
// encode() would make of Board::entries(start, count) as one EntryList — its
// protobuf encoding, or its JSON mapping — but produced piece by piece, each
// piece read from storage only when the socket has taken the previous one
// (about limits::kStreamPieceBytes at a time, leaf_pieces.hpp). So a client
// that asks for a 16 MiB page and never reads it makes the server hold one
// piece, not the page.
//
// The page is fixed when the stream is made: entries [start, end) with end at
// most the board's size then (what its latest head covers), cut at
// limits::kMaxEntryPageBytes of entries (at least one entry).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/error.hpp"
#include "server/api_format.hpp"
#include "server/board.hpp"

namespace senim::server {

class EntryPageStream {
 public:
  // `board` must outlive the stream.
  EntryPageStream(Board& board, std::uint64_t start, std::uint64_t count, Format format);
  // The next piece, nullopt after the last, or a storage error.
  Expected<std::optional<std::string>> next();

 private:
  void open_list(std::string& out) const;
  void add_entry(std::string& out, ByteView entry);
  void close_list(std::string& out) const;

  Board* board_;
  Format format_;
  std::uint64_t start_;
  std::uint64_t next_;
  std::uint64_t end_;
  std::size_t page_bytes_ = 0;  // of entries so far
  std::uint64_t sent_ = 0;      // entries so far
  bool opened_ = false;
  bool closed_ = false;
};

}  // namespace senim::server
