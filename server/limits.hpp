// The board server's limits, each with the reason for its value. A limit is
// where a misbehaving or hostile client meets a clear error instead of
// exhausting memory, threads or file descriptors (docs/operator-guide.md, "Limits,
// metrics and attacks", explains them to operators; docs/threat-model.md
// says what they leave to an attacker).
//
// The memory a connection can make the server hold is bounded at every step:
// nothing while it is idle; at most kMaxHeaderBytes plus one read of
// kReadChunkBytes while its headers arrive; its body (≤ kMaxBodyBytes, under
// 64 KiB); one piece of a streamed answer at a time. With at most
// kMaxConnections connections, that bound does not grow with the number of
// attackers: 1000 connections' bodies are 64 MiB at most.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "protocol/entry.hpp"

namespace senim::server::limits {

// --- one request ------------------------------------------------------------

// A request body is one entry: at most protocol::kMaxEntryBytes (65,535,
// docs/protocol.md §11.1), which the manifest rules make room for (§8.1).
// Larger bodies get 413 as soon as their Content-Length is read, before any
// of the body is. Bodies are read whole into memory (the checks need the
// whole entry): this bound is what keeps 1000 connections' bodies small,
// so a larger entry limit would need a shared budget for bodies first.
inline constexpr std::size_t kMaxBodyBytes = protocol::kMaxEntryBytes;
static_assert(kMaxBodyBytes <= std::size_t{64} * 1024, "bodies are held whole by every connection");

// Request line and headers: no endpoint needs more than a short path, a
// query and a few headers. Larger: 431, and the connection is closed.
inline constexpr std::uint32_t kMaxHeaderBytes = 8 * 1024;

// How much one read from a socket may take at once (Beast's default).
inline constexpr std::size_t kReadChunkBytes = std::size_t{64} * 1024;

// --- connections --------------------------------------------------------------

// Open connections, counted at accept, before any byte is read. Each costs a
// socket and the memory bounded above; 1000 stays below the usual
// 1024-descriptor ulimit once the database's files are counted (raise both
// together: --max-connections). At the cap, the connection that has been
// idle the longest is closed to make room; only when none is idle is the new
// one refused (503, then closed).
inline constexpr std::size_t kMaxConnections = 1000;

// Open connections from one address (IPv4) or one /64 (IPv6, where one host
// commonly holds a whole /64). A voter's client uses one connection; 64
// leaves room for a household, an office or a carrier-grade NAT with many
// voters behind one address, while one attacking host can hold only 64 of
// the kMaxConnections slots. Behind a reverse proxy every connection comes
// from the proxy: set --max-connections-per-address 0 (no limit) there, and
// let the proxy limit by address.
inline constexpr std::size_t kMaxConnectionsPerAddress = 64;

// Refused connections that are still being answered (503, then a short
// linger so that the client reads the answer instead of a reset). Beyond
// this many, a refused connection is closed at once.
inline constexpr std::size_t kMaxLingeringRefusals = 256;

// --- time -------------------------------------------------------------------

// Waiting for the first byte of a request, on a new or a kept-alive
// connection. Clients send their request at once; a voter's client sends its
// few requests back to back. An idle connection holds a slot and nothing
// else, and is closed after this (or earlier, at the cap, to admit another).
inline constexpr std::chrono::seconds kIdleTimeout{5};

// From a request's first byte to the end of its body: one deadline for the
// whole request, not per read, so that trickling a byte at a time (slowloris)
// cannot hold a slot for longer. A 64 KiB entry at 64 kbit/s takes 8 s.
inline constexpr std::chrono::seconds kRequestTimeout{10};

// Writing an answer: it must be finished within kResponseTimeout, plus one
// second for every kMinResponseBytesPerSecond that has reached the client
// (acknowledged by it: what sits in the kernel's buffers does not count). So
// a small answer has kResponseTimeout; a large streamed one (the record) may
// take long, but only while it keeps moving at that average rate, and a
// client that stops reading is disconnected, freeing its slot and its piece.
inline constexpr std::chrono::seconds kResponseTimeout{20};
inline constexpr std::size_t kMinResponseBytesPerSecond = std::size_t{32} * 1024;

// After refusing a connection at accept, or a request before its body was
// read (400, 417, 431, 503): how long, and how much, the server keeps
// reading and dropping what the client still sends, so that a client that
// sends its request before reading gets to read the answer rather than a
// reset. One body's worth: what a refused client sends beyond that is cut
// off with a reset instead of being read.
inline constexpr std::chrono::seconds kLingerTimeout{2};
inline constexpr std::size_t kMaxLingerBytes = std::size_t{64} * 1024;
// After a 413 (a body over kMaxBodyBytes), up to twice that: the client
// that sends its whole body before reading (most do) reads the 413, and an
// attacker can make the server read at most this per lingering connection.
inline constexpr std::size_t kMaxLingerTooLargeBytes = 2 * kMaxBodyBytes;

// --- fair service -------------------------------------------------------------

// A connection has at most one request in the server at a time (pipelined
// requests wait their turn in its buffer), so each work lane below holds at
// most kMaxConnections requests: no lane needs a bound of its own.
//
// Worker threads take requests from two lanes: writes (POST: entries, whose
// checks are the costly part) and reads (GET). When both have work, a worker
// takes kWritesPerRead writes for each read, so a flood of reads cannot delay
// a ballot by more than one read's work, and a flood of writes still lets
// voters' reads (which come before every ballot) through.
inline constexpr unsigned kWritesPerRead = 3;

// Entries prechecked and waiting for the committer. A full queue means the
// disk cannot keep up; answering 503 at once is better than letting latency
// and memory grow without bound. 4096 queued ballots are a few tens of MiB
// and about one to three seconds of work at the measured commit rates; as a
// connection has one request at a time, the queue only fills if
// --max-connections is raised above it.
inline constexpr std::size_t kMaxQueuedEntries = 4096;
// Entries per group commit: large enough to amortise one fsync and one tree
// head signature over many receipts, small enough that one batch's answers
// are not held back for long.
inline constexpr std::size_t kMaxBatchEntries = 1024;

// --- reads --------------------------------------------------------------------

// GET /v1/entries: at most this many entries per call…
inline constexpr std::uint64_t kMaxEntriesPerPage = 1000;
// …and at most this many bytes of entries (at least one entry is always
// sent), so that one request cannot make the server send a 4 GiB answer.
inline constexpr std::size_t kMaxEntryPageBytes = std::size_t{16} * 1024 * 1024;
// Large answers (GET /v1/entries, GET /v1/record, GET /tile/entries/…) are
// streamed in pieces of about this many bytes (a piece holds whole entries,
// so at most one entry more), each read from storage when the socket has
// taken the previous one: an unread answer holds one piece, not the answer.
// 64 KiB is a few dozen ballots per read from storage, and 1000
// connections' pieces are 64 MiB plus one entry each.
inline constexpr std::size_t kStreamPieceBytes = std::size_t{64} * 1024;

}  // namespace senim::server::limits
