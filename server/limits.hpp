// The board server's limits, each with the reason for its value. A limit is
// where a misbehaving or hostile client meets a clear error instead of
// exhausting memory, threads or file descriptors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "protocol/entry.hpp"

namespace senim::server::limits {

// A request body is one entry: at most protocol::kMaxEntryBytes (65,535,
// docs/protocol.md §11.1), which the manifest rules make room for (§8.1).
// Larger bodies get 413 before they are read into memory.
inline constexpr std::size_t kMaxBodyBytes = protocol::kMaxEntryBytes;

// Request line and headers: no endpoint needs more than a short path, a
// query and a few headers.
inline constexpr std::uint32_t kMaxHeaderBytes = 8 * 1024;

// Open connections. Each costs a socket, a read buffer and up to one body in
// memory (≤ 64 KiB); 1000 bounds that to about 64 MiB in the worst case and stays
// below the usual 1024-descriptor ulimit once the database's files are counted
// (raise both together).
inline constexpr std::size_t kMaxConnections = 1000;

// Waiting for a request on an open (keep-alive) connection and reading it,
// headers and body. A client on a slow link sends a 64 KiB entry in well under
// 30 s; one that takes longer, or sits idle that long, is holding a
// connection slot hostage (slowloris) and is disconnected.
inline constexpr std::chrono::seconds kReadTimeout{30};
// Writing one answer; the record download streams, so this bounds each piece.
inline constexpr std::chrono::seconds kWriteTimeout{60};

// Entries prechecked and waiting for the committer. A full queue means the
// disk cannot keep up; answering 503 at once is better than letting latency
// and memory grow without bound. 4096 queued ballots are a few tens of MiB
// and about one to three seconds of work at the measured commit rates.
inline constexpr std::size_t kMaxQueuedEntries = 4096;
// Entries per group commit: large enough to amortise one fsync and one tree
// head signature over many receipts, small enough that one batch's answers
// are not held back for long.
inline constexpr std::size_t kMaxBatchEntries = 1024;

// GET /v1/entries: at most this many entries per call…
inline constexpr std::uint64_t kMaxEntriesPerPage = 1000;
// …and at most this many bytes of entries (at least one entry is always
// sent), so that one request cannot make the server build a 4 GiB answer.
inline constexpr std::size_t kMaxEntryPageBytes = std::size_t{16} * 1024 * 1024;

// GET /v1/record streams the entries in pages of this many.
inline constexpr std::uint64_t kRecordPageEntries = 256;

}  // namespace senim::server::limits
