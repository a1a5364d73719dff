// senim-server: the board server (DESIGN.md; docs/api.md).
//
//   senim-server --data DIR [--listen 127.0.0.1:PORT] [--public-url URL] [--threads N]
//                [--access-log FILE] [--max-connections N]
//                [--max-connections-per-address N] [--max-queued-entries N]
//                [--reverify] [--snapshot-interval SECONDS] [--snapshot-deltas N]
//   senim-server --data DIR --restore-from RECORD   (board_restore.hpp; then exits)
//
// Prints "listening on http://HOST:PORT" on stdout once it serves, so that
// scripts and tests can wait for that line (with --listen HOST:0 it names
// the port the system picked).
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "protocol/entry.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/version.hpp"
#include "server/board_restore.hpp"
#include "server/server.hpp"

int main(int argc, char** argv) {
  CLI::App app{"senim-server: the senim bulletin board (an RFC 9162 transparency log)"};
  app.set_version_flag("--version", senim::protocol::version_text("senim-server"));
  senim::server::ServerOptions options;
  app.add_option("--data", options.data_dir,
                 "data directory: board.key, board.head, board.sqlite (created on first start)")
      ->required();
  std::string restore_from;
  app.add_option("--restore-from", restore_from,
                 "rebuild the board's log from this election record (GET /v1/record, "
                 "senim-verify --save) when it no longer reaches the head the board released; "
                 "then exit (docs/operator-guide.md §2.4)");
  app.add_option("--listen", options.listen, "address to listen on, host:port (port 0: any free)")
      ->capture_default_str();
  app.add_option("--public-url", options.public_url,
                 "the board's URL as voters reach it, written into receipts "
                 "(default: http://<listening address>)");
  app.add_option("--threads", options.threads,
                 "threads serving requests and checking entries (default: one per core)")
      ->check(CLI::Range(0U, 1024U));
  app.add_option("--access-log", options.access_log,
                 "append one line per request to FILE (- for standard error); SIGHUP reopens it");
  app.add_option("--max-connections", options.max_connections,
                 "open connections at most; at the cap the longest-idle one is closed to admit "
                 "another (server/limits.hpp)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  app.add_option("--max-connections-per-address", options.max_connections_per_address,
                 "open connections from one IPv4 address or IPv6 /64 at most; 0: no limit "
                 "(behind a reverse proxy)")
      ->capture_default_str();
  app.add_option("--max-queued-entries", options.max_queued_entries,
                 "checked entries waiting for the group commit at most; beyond, 503")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  unsigned witness_timeout = 60;
  app.add_option("--witness-timeout", witness_timeout,
                 "seconds a witness may take to answer a pushed checkpoint (a senim witness "
                 "answers once it has checked every new entry: catching up after a stop takes "
                 "about 0.4 ms per ballot per core; docs/protocol.md §11.4)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 3600U));
  app.add_flag("--reverify", options.reverify,
               "ignore the restart snapshot (board.snapshot) and re-verify every leaf of the "
               "log, every proof included, as a first start does (docs/api.md, \"Start-up and "
               "recovery\")");
  double snapshot_seconds = 5;
  app.add_option("--snapshot-interval", snapshot_seconds,
                 "seconds between restart snapshots while the log grows (a start re-verifies "
                 "only the leaves after the last one); 0: only at a clean stop")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--snapshot-deltas", options.snapshot_deltas,
                 "restart snapshots written as a delta (what changed since the last one) "
                 "before the chain is compacted into a new whole snapshot; 0: every snapshot "
                 "whole (its copy then walks every credential under the board's lock)")
      ->capture_default_str()
      ->check(CLI::Range(0U, 100000U));
  CLI11_PARSE(app, argc, argv);
  options.snapshot_interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(snapshot_seconds * 1000));
  options.push.timeout = std::chrono::seconds(witness_timeout);

  senim::protocol::quiet_protobuf_logging();
  if (sodium_init() < 0) {
    std::cerr << "senim-server: libsodium failed to initialise\n";
    return 1;
  }
  if (!restore_from.empty()) {
    auto restored = senim::server::restore_board(
        options.data_dir, restore_from,
        options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency()));
    if (!restored) {
      std::cerr << "senim-server: restore refused: "
                << senim::protocol::printable(restored.error().message) << "\n";
      return 1;
    }
    std::cout << *restored << std::endl;
    return 0;
  }
  auto server = senim::server::Server::open(options);
  if (!server) {
    // The message may quote the stored board (a refused leaf): printable().
    std::cerr << "senim-server: " << senim::protocol::printable(server.error().message) << "\n";
    return 1;
  }
  std::cout << "listening on " << (*server)->listening_url() << std::endl;
  return (*server)->run();
}
