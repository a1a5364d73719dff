// Snapshots of a LogVerifier's state (record_verifier.hpp): what lets a
// witness resume after a restart by re-checking only the entries after the
// snapshot, never the whole board.
//
//   file = "SENIMSNP" ‖ u32_be(version) ‖ u64_be(n) ‖ VerifierSnapshot (n bytes,
//          proto/verifier.proto) ‖ credential records (57 bytes each, as many
//          as VerifierSnapshot.credentials) ‖ cast ciphertexts' fingerprints
//          (8 bytes each, VerifierSnapshot.cast_alphas of them: live verifiers
//          only) ‖ SHA-256 of everything before
//
// The trailing hash makes a damaged or truncated snapshot an error instead of
// a wrong state; the file is replaced durably (write, fsync, rename, fsync of
// the directory), so a crash leaves the previous snapshot whole.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/verifier.pb.h"
#include "verifier/report.hpp"

namespace senim::verifier {

inline constexpr std::string_view kSnapshotMagic = "SENIMSNP";
// Bump when anything the snapshot holds changes meaning: an older snapshot is
// then refused and the witness re-checks its mirror from the start.
inline constexpr std::uint32_t kSnapshotVersion = 2;
// One credential's record, one cast ciphertext's (verifier/engine_snapshot.cpp).
inline constexpr std::size_t kCredentialRecordBytes = 57;
inline constexpr std::size_t kCastAlphaRecordBytes = 8;

void save_report(const Report& report, v1::ReportState& out);
Status restore_report(const v1::ReportState& in, Report& report);

// A table of fixed-size records after the state message: `write` hands
// exactly `count` records of `record_bytes` each to its sink.
struct SnapshotTable {
  const char* what;  // for errors: "credential records"
  std::size_t record_bytes;
  std::uint64_t count;
  std::function<void(const std::function<void(ByteView)>&)> write;
};

// Writes `state` and then each table's records to `path`, durably.
Status write_snapshot(const std::string& path, const v1::VerifierSnapshot& state,
                      std::span<const SnapshotTable> tables);

class SnapshotReader {
 public:
  // Reads the header and the state message. Errors: io_error (cannot
  // open), invalid_encoding (not a snapshot, another version, a state that
  // does not parse).
  static Expected<SnapshotReader> open(const std::string& path);
  const v1::VerifierSnapshot& state() const { return state_; }
  // Hands each of the next `count` records of `record_bytes` to `sink`, in
  // the order the tables were written. Errors: the sink's; invalid_encoding.
  Status read_records(const char* what, std::size_t record_bytes, std::uint64_t count,
                      const std::function<Status(ByteView)>& sink);
  // After the last table: checks the trailing hash and the end of the file.
  // Errors: invalid_encoding.
  Status finish();

 private:
  struct Close {
    void operator()(std::FILE* f) const;
  };
  SnapshotReader() = default;
  std::unique_ptr<std::FILE, Close> file_;
  std::string path_;
  v1::VerifierSnapshot state_;
  crypto_hash_sha256_state hash_{};  // over every byte read so far
};

}  // namespace senim::verifier
