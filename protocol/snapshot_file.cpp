#include "protocol/snapshot_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "protocol/durable_file.hpp"

namespace senim::protocol {
namespace {

Error damaged(const std::string& path, const std::string& what) {
  return make_error(Errc::invalid_encoding, "snapshot " + path + ": " + what);
}

void put_be(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | p[i];
  return v;
}

constexpr std::size_t kMagicBytes = 8;
constexpr std::size_t kHeaderBytes = kMagicBytes + 4 + 8;
// A state message larger than this is not one senim wrote (the states hold
// no per-credential or per-ballot data: those are in the tables).
constexpr std::uint64_t kMaxStateBytes = std::uint64_t{1} << 31;

}  // namespace

namespace {

// Writes a file through a buffer, hashing what it writes.
class HashingWriter {
 public:
  explicit HashingWriter(int fd, std::string what) : fd_(fd), what_(std::move(what)) {
    crypto_hash_sha256_init(&hash_);
    buffer_.reserve(kFlushBytes);
  }
  void write(ByteView bytes) {
    crypto_hash_sha256_update(&hash_, bytes.data(), bytes.size());
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    if (buffer_.size() >= kFlushBytes)
      flush();
  }
  // Writes the hash of everything so far, then flushes.
  Status finish(Hash32& digest) {
    crypto_hash_sha256_final(&hash_, digest.data());
    buffer_.insert(buffer_.end(), digest.begin(), digest.end());
    flush();
    return status_;
  }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  void flush() {
    if (status_) {
      status_ = write_all_at(fd_, buffer_, static_cast<off_t>(written_), what_);
    }
    written_ += buffer_.size();
    buffer_.clear();
  }
  int fd_;
  std::string what_;
  crypto_hash_sha256_state hash_{};
  Bytes buffer_;
  std::uint64_t written_ = 0;
  Status status_ = Status::success();
};

}  // namespace

Status write_snapshot_file(const std::string& path, const SnapshotKind& kind,
                           const google::protobuf::MessageLite& state,
                           std::span<const SnapshotTable> tables, Hash32* digest,
                           const std::function<Status()>& commit_if) {
  const std::string tmp = path + ".tmp";
  const UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid())
    return io_error("cannot create " + tmp);
  HashingWriter out(fd.get(), tmp);
  const std::string body = state.SerializeAsString();
  Bytes header(kind.magic.begin(), kind.magic.end());
  put_be(header, kind.version, 4);
  put_be(header, body.size(), 8);
  out.write(header);
  out.write(as_bytes(body));
  for (const SnapshotTable& table : tables) {
    std::uint64_t records = 0;
    bool sized = true;
    table.write([&](ByteView record) {
      sized = sized && record.size() == table.record_bytes;
      out.write(record);
      ++records;
    });
    if (records != table.count || !sized) {
      return make_error(Errc::invalid_argument, std::string("snapshot: ") +
                                                    std::to_string(records) + " " + table.what +
                                                    " for " + std::to_string(table.count));
    }
  }
  Hash32 trailer{};
  if (auto s = out.finish(trailer); !s)
    return s;
  if (digest != nullptr)
    *digest = trailer;
  if (commit_if) {
    if (auto s = commit_if(); !s)
      return s;
  }
  if (::fsync(fd.get()) != 0)
    return io_error("cannot fsync " + tmp);
  return rename_durably(tmp, path);
}

void SnapshotFileReader::Close::operator()(std::FILE* f) const {
  std::fclose(f);
}

Expected<SnapshotFileReader> SnapshotFileReader::open(const std::string& path,
                                                      const SnapshotKind& kind,
                                                      google::protobuf::MessageLite& state) {
  SnapshotFileReader r;
  r.path_ = path;
  r.file_.reset(std::fopen(path.c_str(), "rb"));
  if (!r.file_)
    return io_error("cannot open " + path);
  crypto_hash_sha256_init(&r.hash_);
  std::array<std::uint8_t, kHeaderBytes> header{};
  if (std::fread(header.data(), 1, header.size(), r.file_.get()) != header.size())
    return damaged(path, "shorter than its header");
  if (kind.magic.size() != kMagicBytes ||
      std::memcmp(header.data(), kind.magic.data(), kMagicBytes) != 0)
    return damaged(path, "not a " + std::string(kind.magic) + " snapshot");
  const std::uint64_t version = get_be(header.data() + 8, 4);
  if (version != kind.version) {
    return damaged(path, "version " + std::to_string(version) + ", this senim reads version " +
                             std::to_string(kind.version));
  }
  const std::uint64_t n = get_be(header.data() + 12, 8);
  if (n > kMaxStateBytes)
    return damaged(path, "a state of " + std::to_string(n) + " bytes");
  std::string body(n, '\0');
  if (std::fread(body.data(), 1, n, r.file_.get()) != n)
    return damaged(path, "truncated in its state");
  crypto_hash_sha256_update(&r.hash_, header.data(), header.size());
  crypto_hash_sha256_update(&r.hash_, reinterpret_cast<const std::uint8_t*>(body.data()), n);
  if (!state.ParseFromString(body))
    return damaged(path, "its state does not parse");
  return r;
}

Status SnapshotFileReader::read_records(const char* what, std::size_t record_bytes,
                                        std::uint64_t count,
                                        const std::function<Status(ByteView)>& sink) {
  // Records are read in blocks: a national election has millions.
  constexpr std::size_t kBlock = 4096;
  std::vector<std::uint8_t> block(record_bytes * kBlock);
  for (std::uint64_t left = count; left > 0;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlock));
    if (std::fread(block.data(), record_bytes, n, file_.get()) != n)
      return damaged(path_, std::string("truncated in its ") + what);
    crypto_hash_sha256_update(&hash_, block.data(), n * record_bytes);
    for (std::size_t i = 0; i < n; ++i) {
      if (auto s = sink(ByteView(block.data() + i * record_bytes, record_bytes)); !s)
        return s;
    }
    left -= n;
  }
  return Status::success();
}

Status SnapshotFileReader::finish() {
  Hash32 want{};
  Hash32 got{};
  crypto_hash_sha256_final(&hash_, want.data());
  if (std::fread(got.data(), 1, got.size(), file_.get()) != got.size())
    return damaged(path_, "truncated before its hash");
  if (want != got)
    return damaged(path_, "its hash does not match its contents (damaged)");
  if (std::fgetc(file_.get()) != EOF)
    return damaged(path_, "bytes after its hash");
  digest_ = got;
  return Status::success();
}

}  // namespace senim::protocol
