// The election record file (docs/record.md): the board's entries in log
// order and the board's checkpoints, as length-delimited frames, so that a
// verifier can stream it without the server.
//
//   file   = "SENIMREC" ‖ u32_be(2) ‖ frame*
//   frame  = u8 kind ‖ u32_be(length) ‖ payload
//   kind 1 = an entry (the exact leaf bytes); its leaf index is the number of
//            entry frames before it
//   kind 2 = a checkpoint note (docs/protocol.md §11.2, with any cosignature
//            lines) covering exactly the entries before it
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::protocol {

inline constexpr std::string_view kRecordMagic = "SENIMREC";
inline constexpr std::uint32_t kRecordVersion = 3;  // docs/record.md, "Versions"
inline constexpr std::size_t kRecordHeaderBytes = 12;
inline constexpr std::size_t kMaxFrameBytes = std::size_t{4} * 1024 * 1024;

enum class FrameKind : std::uint8_t { entry = 1, checkpoint = 2 };

struct Frame {
  FrameKind kind = FrameKind::entry;
  Bytes payload;
  std::uint64_t offset = 0;  // file offset of the frame's kind byte
};

class RecordReader {
 public:
  static Expected<RecordReader> open(const std::string& path);
  // The next frame, nullopt at a clean end of file, or an error (truncated
  // frame, unknown kind, oversized length) naming the offset.
  Expected<std::optional<Frame>> next();
  // Reads the frame at `offset` (from an earlier Frame::offset) without
  // disturbing the sequential position.
  Expected<Frame> read_at(std::uint64_t offset);
  // Moves the sequential position to `offset`, which must be a frame's
  // (from an earlier Frame::offset, or the end of the frames): next() then
  // reads on from there, without reading the frames before it.
  Status seek(std::uint64_t offset);

 private:
  struct Close {
    void operator()(std::FILE* f) const;
  };
  RecordReader() = default;
  Expected<std::optional<Frame>> read_frame(std::FILE* file, std::uint64_t offset);
  std::unique_ptr<std::FILE, Close> file_;
  std::unique_ptr<std::FILE, Close> random_access_;
  std::string path_;
  std::uint64_t offset_ = kRecordHeaderBytes;
};

// The file's first kRecordHeaderBytes, and a frame's bytes (for a writer
// that appends to a record in place, such as a witness's mirror). Errors:
// invalid_length for a payload over kMaxFrameBytes.
Bytes record_header();
Expected<Bytes> record_frame(FrameKind kind, ByteView payload);

// Writes to PATH.tmp and renames over PATH on finish(), so a reader never
// sees a half-written record.
class RecordWriter {
 public:
  static Expected<RecordWriter> create(const std::string& path);
  Status write(FrameKind kind, ByteView payload);
  Status finish();

 private:
  struct Close {
    void operator()(std::FILE* f) const;
  };
  RecordWriter() = default;
  std::unique_ptr<std::FILE, Close> file_;
  std::string path_;
};

}  // namespace senim::protocol
