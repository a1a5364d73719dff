// Snapshots of a LogVerifier's state (record_verifier.hpp): what lets a
// witness resume after a restart by re-checking only the entries after the
// snapshot, never the whole board. The file (protocol/snapshot_file.hpp):
//
//   file = "SENIMSNP" ‖ u32_be(version) ‖ u64_be(n) ‖ VerifierSnapshot (n bytes,
//          proto/verifier.proto) ‖ credential records (57 bytes each, as many
//          as VerifierSnapshot.credentials) ‖ cast ciphertexts' fingerprints
//          (8 bytes each, VerifierSnapshot.cast_alphas of them: live verifiers
//          only) ‖ SHA-256 of everything before
//
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/verifier.pb.h"
#include "protocol/snapshot_file.hpp"
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

using protocol::SnapshotTable;

// Writes `state` and then each table's records to `path`, durably
// (protocol/snapshot_file.hpp).
Status write_snapshot(const std::string& path, const v1::VerifierSnapshot& state,
                      std::span<const SnapshotTable> tables);

class SnapshotReader {
 public:
  // Reads the header and the state message. Errors: io_error (cannot
  // open), invalid_encoding (not a snapshot, another version, a state that
  // does not parse).
  static Expected<SnapshotReader> open(const std::string& path);
  const v1::VerifierSnapshot& state() const { return *state_; }
  // protocol::SnapshotFileReader's.
  Status read_records(const char* what, std::size_t record_bytes, std::uint64_t count,
                      const std::function<Status(ByteView)>& sink) {
    return file_.read_records(what, record_bytes, count, sink);
  }
  Status finish() { return file_.finish(); }

 private:
  SnapshotReader(protocol::SnapshotFileReader file, std::unique_ptr<v1::VerifierSnapshot> state)
      : file_(std::move(file)), state_(std::move(state)) {}
  protocol::SnapshotFileReader file_;
  std::unique_ptr<v1::VerifierSnapshot> state_;
};

}  // namespace senim::verifier
