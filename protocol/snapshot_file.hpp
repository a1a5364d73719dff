// The file a snapshot of verified state is kept in: a witness's or a
// replica's verifier (verifier/snapshot.hpp) and the board server's restart
// snapshot (server/board_snapshot.hpp) share it, each with its own magic and
// version.
//
//   file = magic (8 bytes) ‖ u32_be(version) ‖ u64_be(n) ‖ state (n bytes, a
//          protobuf message) ‖ the tables' fixed-size records, in order ‖
//          SHA-256 of everything before
//
// The trailing hash makes a damaged or truncated snapshot an error instead of
// a wrong state; the file is replaced durably (write PATH.tmp, fsync, rename,
// fsync of the directory), so a crash leaves the previous snapshot whole.
#pragma once

#include <google/protobuf/message_lite.h>
#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::protocol {

// Which snapshot a file must be: its magic (8 bytes) and the one version
// this build reads.
struct SnapshotKind {
  std::string_view magic;
  std::uint32_t version = 0;
};

// A table of fixed-size records after the state message: `write` hands
// exactly `count` records of `record_bytes` each to its sink.
struct SnapshotTable {
  const char* what;  // for errors: "credential records"
  std::size_t record_bytes;
  std::uint64_t count;
  std::function<void(const std::function<void(ByteView)>&)> write;
};

// Writes `state` and then each table's records to `path`, durably; with
// `digest`, also the file's trailing SHA-256 there (what names this file to
// another that follows it: the board's snapshot deltas). With `commit_if`,
// the file replaces `path` only if it succeeds once every record is written
// (a table streamed from another file checks that file's hash there).
Status write_snapshot_file(const std::string& path, const SnapshotKind& kind,
                           const google::protobuf::MessageLite& state,
                           std::span<const SnapshotTable> tables, Hash32* digest = nullptr,
                           const std::function<Status()>& commit_if = nullptr);

class SnapshotFileReader {
 public:
  // Reads the header and the state message into `state`. Errors: io_error
  // (cannot open), invalid_encoding (not this kind of snapshot, another
  // version, a state that does not parse).
  static Expected<SnapshotFileReader> open(const std::string& path, const SnapshotKind& kind,
                                           google::protobuf::MessageLite& state);
  // Hands each of the next `count` records of `record_bytes` to `sink`, in
  // the order the tables were written. Errors: the sink's; invalid_encoding.
  Status read_records(const char* what, std::size_t record_bytes, std::uint64_t count,
                      const std::function<Status(ByteView)>& sink);
  // After the last table: checks the trailing hash and the end of the file.
  // Errors: invalid_encoding.
  Status finish();
  // After finish(): the file's trailing SHA-256.
  const Hash32& digest() const { return digest_; }

 private:
  struct Close {
    void operator()(std::FILE* f) const;
  };
  SnapshotFileReader() = default;
  std::unique_ptr<std::FILE, Close> file_;
  std::string path_;
  crypto_hash_sha256_state hash_{};  // over every byte read so far
  Hash32 digest_{};
};

}  // namespace senim::protocol
