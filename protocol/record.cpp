#include "protocol/record.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace senim::protocol {
namespace {

Error io(const std::string& what) {
  return make_error(Errc::io_error, what + ": " + std::strerror(errno));
}

Error corrupt(std::uint64_t offset, const std::string& what) {
  return make_error(Errc::invalid_encoding,
                    "record offset " + std::to_string(offset) + ": " + what);
}

}  // namespace

void RecordReader::Close::operator()(std::FILE* f) const {
  std::fclose(f);
}
void RecordWriter::Close::operator()(std::FILE* f) const {
  std::fclose(f);
}

Expected<RecordReader> RecordReader::open(const std::string& path) {
  RecordReader reader;
  reader.path_ = path;
  reader.file_.reset(std::fopen(path.c_str(), "rb"));
  if (!reader.file_)
    return io("cannot open record " + path);
  std::setvbuf(reader.file_.get(), nullptr, _IOFBF, 1 << 20);
  std::array<std::uint8_t, kRecordHeaderBytes> header{};
  if (std::fread(header.data(), 1, header.size(), reader.file_.get()) != header.size() ||
      std::memcmp(header.data(), kRecordMagic.data(), kRecordMagic.size()) != 0) {
    return corrupt(0, "not a senim election record (bad magic)");
  }
  const std::uint32_t version = (std::uint32_t{header[8]} << 24) |
                                (std::uint32_t{header[9]} << 16) |
                                (std::uint32_t{header[10]} << 8) | header[11];
  if (version != kRecordVersion) {
    return corrupt(8, "record version " + std::to_string(version) +
                          " is not supported (this reader reads version 3: protocol senim/v2, "
                          "whose credentials sign with Schnorr over ristretto255)");
  }
  return reader;
}

Expected<std::optional<Frame>> RecordReader::read_frame(std::FILE* file, std::uint64_t offset) {
  std::array<std::uint8_t, 5> head{};
  const std::size_t got = std::fread(head.data(), 1, head.size(), file);
  if (got == 0 && std::feof(file))
    return std::optional<Frame>{};
  if (got != head.size())
    return corrupt(offset, "truncated frame header");
  Frame frame;
  frame.offset = offset;
  if (head[0] != static_cast<std::uint8_t>(FrameKind::entry) &&
      head[0] != static_cast<std::uint8_t>(FrameKind::checkpoint)) {
    return corrupt(offset, "unknown frame kind " + std::to_string(head[0]));
  }
  frame.kind = static_cast<FrameKind>(head[0]);
  const std::uint32_t length = (std::uint32_t{head[1]} << 24) | (std::uint32_t{head[2]} << 16) |
                               (std::uint32_t{head[3]} << 8) | head[4];
  if (length > kMaxFrameBytes) {
    return corrupt(offset, "frame of " + std::to_string(length) + " bytes exceeds 4 MiB");
  }
  frame.payload.resize(length);
  if (length > 0 && std::fread(frame.payload.data(), 1, length, file) != length) {
    return corrupt(offset, "truncated frame payload");
  }
  return std::optional<Frame>(std::move(frame));
}

Expected<std::optional<Frame>> RecordReader::next() {
  auto frame = read_frame(file_.get(), offset_);
  if (frame.ok() && frame->has_value())
    offset_ += 5 + (*frame)->payload.size();
  return frame;
}

Status RecordReader::seek(std::uint64_t offset) {
  if (offset < kRecordHeaderBytes || fseeko(file_.get(), static_cast<off_t>(offset), SEEK_SET) != 0)
    return io("cannot seek in record " + path_ + " to offset " + std::to_string(offset));
  offset_ = offset;
  return Status::success();
}

Expected<Frame> RecordReader::read_at(std::uint64_t offset) {
  if (!random_access_) {
    random_access_.reset(std::fopen(path_.c_str(), "rb"));
    if (!random_access_)
      return io("cannot reopen record " + path_);
  }
  if (fseeko(random_access_.get(), static_cast<off_t>(offset), SEEK_SET) != 0) {
    return io("cannot seek in record");
  }
  auto frame = read_frame(random_access_.get(), offset);
  if (!frame)
    return frame.error();
  if (!frame->has_value())
    return corrupt(offset, "no frame at this offset");
  return std::move(**frame);
}

Bytes record_header() {
  Bytes header(kRecordMagic.begin(), kRecordMagic.end());
  append_u32_be(header, kRecordVersion);
  return header;
}

Expected<Bytes> record_frame(FrameKind kind, ByteView payload) {
  if (payload.size() > kMaxFrameBytes) {
    return make_error(Errc::invalid_length, "frame exceeds 4 MiB");
  }
  Bytes frame{static_cast<std::uint8_t>(kind)};
  append_u32_be(frame, static_cast<std::uint32_t>(payload.size()));
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

Expected<RecordWriter> RecordWriter::create(const std::string& path) {
  RecordWriter writer;
  writer.path_ = path;
  writer.file_.reset(std::fopen((path + ".tmp").c_str(), "wb"));
  if (!writer.file_)
    return io("cannot create " + path + ".tmp");
  const Bytes header = record_header();
  if (std::fwrite(header.data(), 1, header.size(), writer.file_.get()) != header.size()) {
    return io("cannot write record header");
  }
  return writer;
}

Status RecordWriter::write(FrameKind kind, ByteView payload) {
  auto frame = record_frame(kind, payload);
  if (!frame)
    return frame.error();
  if (std::fwrite(frame->data(), 1, frame->size(), file_.get()) != frame->size()) {
    return io("cannot write record frame");
  }
  return Status::success();
}

Status RecordWriter::finish() {
  if (std::fflush(file_.get()) != 0 || fsync(fileno(file_.get())) != 0) {
    return io("cannot flush record");
  }
  file_.reset();
  if (std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0) {
    return io("cannot rename record into place");
  }
  return Status::success();
}

}  // namespace senim::protocol
