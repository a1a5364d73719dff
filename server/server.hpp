// The board server put together: the data directory (its lock, the board
// key, the database), the board rebuilt from it, the committer, the API and
// the HTTP listener on a pool of I/O threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "crypto/error.hpp"
#include "server/limits.hpp"
#include "server/push_options.hpp"

namespace senim::server {

struct ServerOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string public_url;                 // for receipts; default http://<listening address>
  unsigned threads = 0;                   // I/O and precheck threads; 0: one per core
  PushOptions push;                       // checkpoints to the witnesses
  // limits.hpp explains each default.
  std::size_t max_connections = limits::kMaxConnections;
  std::size_t max_connections_per_address = limits::kMaxConnectionsPerAddress;  // 0: none
  std::size_t max_queued_entries = limits::kMaxQueuedEntries;
  std::string access_log;  // a file to append to, "-" for stderr, "" for none
  // The restart snapshot (board_snapshot.hpp): ignored at start with
  // `reverify` (every leaf is checked again); written every
  // `snapshot_interval` while the log grows (0: only at a clean stop), as a
  // delta after the last (board_snapshot_chain.hpp), compacted after
  // `snapshot_deltas` of them (0: every snapshot whole).
  bool reverify = false;
  std::chrono::milliseconds snapshot_interval{std::chrono::seconds(5)};
  std::uint32_t snapshot_deltas = 60;
};

class Server {
 public:
  // Opens the data directory, recovers the board and binds the listener;
  // nothing is served until run().
  static Expected<std::unique_ptr<Server>> open(const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // "http://127.0.0.1:PORT", the address actually bound.
  std::string listening_url() const;
  // Serves until SIGINT/SIGTERM (exit status 0) or a storage failure (1).
  // SIGHUP reopens the access log (after a rotation).
  int run();

 private:
  struct Parts;
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace senim::server
