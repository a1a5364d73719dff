#include "server/entry_page_stream.hpp"

#include <sodium.h>

#include <algorithm>

#include "server/leaf_pieces.hpp"
#include "server/limits.hpp"

namespace senim::server {
namespace {

// Protobuf wire format: EntryList { uint64 start = 1; repeated bytes entries = 2; }
constexpr char kStartTag = 0x08;    // field 1, varint
constexpr char kEntriesTag = 0x12;  // field 2, length-delimited

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Standard base64 with padding, as protobuf's JSON mapping writes bytes.
void append_base64(std::string& out, ByteView bytes) {
  const std::size_t at = out.size();
  const std::size_t room = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(at + room);
  sodium_bin2base64(out.data() + at, room, bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
}

}  // namespace

EntryPageStream::EntryPageStream(Board& board, std::uint64_t start, std::uint64_t count,
                                 Format format)
    : board_(&board), format_(format), start_(start), next_(start) {
  const std::uint64_t size = board.size();
  end_ = start >= size ? start : start + std::min(count, size - start);
}

void EntryPageStream::open_list(std::string& out) const {
  if (format_ == Format::json) {
    out += "{\"start\":\"" + std::to_string(start_) + "\",\"entries\":[";
  } else if (start_ != 0) {  // proto3 leaves a zero out
    out.push_back(kStartTag);
    append_varint(out, start_);
  }
}

void EntryPageStream::add_entry(std::string& out, ByteView entry) {
  if (format_ == Format::json) {
    out += sent_ == 0 ? "\"" : ",\"";
    append_base64(out, entry);
    out += '"';
  } else {
    out.push_back(kEntriesTag);
    append_varint(out, entry.size());
    out.append(reinterpret_cast<const char*>(entry.data()), entry.size());
  }
  page_bytes_ += entry.size();
  ++sent_;
}

void EntryPageStream::close_list(std::string& out) const {
  if (format_ == Format::json)
    out += "]}\n";
}

Expected<std::optional<std::string>> EntryPageStream::next() {
  if (closed_)
    return std::optional<std::string>{};
  std::string out;
  if (!opened_) {
    open_list(out);
    opened_ = true;
  }
  if (next_ < end_) {
    auto next = read_piece(board_->storage(), next_, end_, [&](ByteView entry) {
      if (sent_ > 0 && page_bytes_ + entry.size() > limits::kMaxEntryPageBytes)
        return false;  // the page is full: the client continues from here
      add_entry(out, entry);
      return true;
    });
    if (!next)
      return next.error();
    // Nothing taken: the page is full (or storage ended early: stop anyway).
    end_ = *next == next_ ? next_ : end_;
    next_ = *next;
  }
  if (next_ >= end_) {
    close_list(out);
    closed_ = true;
  }
  return std::optional<std::string>(std::move(out));
}

}  // namespace senim::server
