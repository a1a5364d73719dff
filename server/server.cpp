#include "server/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "protocol/text_rules.hpp"
#include "server/access_log.hpp"
#include "server/api.hpp"
#include "server/board.hpp"
#include "server/board_files.hpp"
#include "server/committer.hpp"
#include "server/connection_table.hpp"
#include "server/data_dir.hpp"
#include "server/http_listener.hpp"
#include "server/http_service.hpp"
#include "server/limits.hpp"
#include "server/metrics.hpp"
#include "server/snapshot_writer.hpp"
#include "server/sqlite_storage.hpp"
#include "server/witness_pusher.hpp"
#include "server/work_lanes.hpp"

namespace senim::server {

namespace net = boost::asio;

namespace {

// "host:port" or "[v6]:port"; "localhost" means 127.0.0.1.
Expected<net::ip::tcp::endpoint> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "--listen \"" + text + "\": " + why);
  };
  if (colon == std::string::npos)
    return bad("expected host:port");
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost")
    host = "127.0.0.1";
  std::uint16_t port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size()) {
    return bad("port must be a number in [0, 65535]");
  }
  boost::system::error_code address_ec;
  const auto address = net::ip::make_address(host, address_ec);
  if (address_ec)
    return bad("\"" + host + "\" is not an IP address");
  return net::ip::tcp::endpoint(address, port);
}

std::string url_of(const net::ip::tcp::endpoint& ep) {
  const std::string host =
      ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  return "http://" + host + ":" + std::to_string(ep.port());
}

}  // namespace

struct Server::Parts {
  explicit Parts(DataDirLock held) : lock(std::move(held)) {}
  DataDirLock lock;
  unsigned threads = 1;
  net::io_context io;
  std::unique_ptr<Board> board;
  std::unique_ptr<WitnessPusher> pusher;  // destroyed before the board
  std::unique_ptr<SnapshotWriter> snapshots;
  Metrics metrics;
  std::unique_ptr<Committer> committer;
  std::unique_ptr<Api> api;
  std::unique_ptr<WorkLanes> lanes;
  std::unique_ptr<AccessLog> access_log;
  std::unique_ptr<HttpService> service;
  std::shared_ptr<HttpListener> listener;
  net::steady_timer fatal_grace{io};
  std::atomic<int> exit_code{0};
  // Made with the parts, before main() prints "listening on": a signal that
  // arrives from then on waits for run() instead of killing the process
  // (scripts stop the server as soon as they read that line).
  net::signal_set stop_signals{io, SIGINT, SIGTERM};
  net::signal_set hangup{io, SIGHUP};

  // Workers first (they call the API, which calls the committer), then the
  // committer (which answers through the sessions and notifies the pusher),
  // then the pusher.
  void stop_work() {
    if (lanes)
      lanes->stop();
    if (committer)
      committer->stop();
    if (pusher)
      pusher->stop();
    // Last: the committer has stored everything it will.
    if (snapshots)
      snapshots->stop();
  }
  Metrics::Gauges gauges() const {
    Metrics::Gauges g;
    g.open_connections = service->connections->open();
    g.idle_connections = service->connections->idle();
    g.connection_limit = service->connections->limits().total;
    g.queued_reads = lanes->queued(Lane::read);
    g.queued_writes = lanes->queued(Lane::write);
    g.queued_entries = committer->queued();
    g.committing_entries = committer->committing();
    g.queued_entries_limit = committer->max_queued();
    g.intake_refusals = committer->refused();
    g.start_snapshot_size = board->start_report().snapshot_size;
    g.start_reverified_leaves = board->start_report().reverified;
    return g;
  }
};

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() {
  if (parts_)
    parts_->stop_work();
}

Expected<std::unique_ptr<Server>> Server::open(const ServerOptions& options) {
  auto endpoint = parse_listen(options.listen);
  if (!endpoint)
    return endpoint.error();
  std::error_code ec;
  const bool new_directory = !std::filesystem::exists(options.data_dir, ec);
  auto lock = DataDirLock::acquire(options.data_dir);
  if (!lock)
    return lock.error();
  auto parts = std::make_unique<Parts>(std::move(*lock));
  // Bind before anything is made (a key, a head record, a database): a
  // server that cannot listen leaves no board behind, and no directory it
  // created itself. Bound here, the public URL can also name the real port.
  auto listener = HttpListener::bind(parts->io, *endpoint);
  if (!listener) {
    parts.reset();  // releases the lock
    if (new_directory)
      std::filesystem::remove_all(options.data_dir, ec);
    return listener.error();
  }
  parts->listener = *listener;
  if (!options.access_log.empty()) {
    auto log = AccessLog::open(options.access_log);
    if (!log)
      return log.error();
    parts->access_log = std::move(*log);
  }
  parts->threads =
      options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  // The key and the record of released heads first: they decide whether
  // this is a new board and what the log must reach (board_files.hpp).
  auto files = open_board_files(options.data_dir);
  if (!files)
    return make_error(files.error().code, "refusing to start: " + files.error().message);
  const std::string snapshot_path = options.data_dir + "/" + std::string(kBoardSnapshotFile);
  // A start from the restart snapshot leaves SQLite's check of every page
  // (it reads the whole file: seconds at a million ballots) to --reverify
  // and to a full start (docs/api.md, "The restart snapshot").
  const bool snapshot_start = !options.reverify && std::filesystem::exists(snapshot_path);
  auto storage = SqliteStorage::open(options.data_dir + "/board.sqlite", !snapshot_start);
  if (!storage)
    return make_error(storage.error().code, "refusing to start: " + storage.error().message);
  const std::string url =
      options.public_url.empty() ? url_of(parts->listener->local_endpoint()) : options.public_url;
  auto board = Board::open(std::move(*storage), std::move(files->key), std::move(files->record),
                           url, parts->threads, options.reverify ? "" : snapshot_path);
  if (!board) {
    return make_error(
        board.error().code,
        "refusing to start: the stored board does not check out: " + board.error().message);
  }
  parts->board = std::move(*board);
  if (const auto& start = parts->board->start_report(); !start.snapshot_set_aside.empty()) {
    std::cerr << "senim-server: the restart snapshot " << snapshot_path
              << " is not used: " << protocol::printable(start.snapshot_set_aside)
              << "; re-verified every one of the " << start.reverified << " leaves" << std::endl;
  }
  parts->snapshots = std::make_unique<SnapshotWriter>(
      *parts->board, snapshot_path, options.snapshot_interval, options.snapshot_deltas,
      [](const std::string& line) {
        std::cerr << "senim-server: " << protocol::printable(line) << std::endl;
      });
  // docs/protocol.md §11.4: checkpoints go to the witnesses off the commit path.
  parts->pusher =
      std::make_unique<WitnessPusher>(*parts->board, options.push, [](const std::string& line) {
        std::cerr << "senim-server: " << protocol::printable(line) << std::endl;
      });
  parts->board->set_checkpoint_listener([pusher = parts->pusher.get()] { pusher->notify(); });
  Parts* p = parts.get();
  parts->committer = std::make_unique<Committer>(
      *parts->board, options.max_queued_entries, limits::kMaxBatchEntries,
      [p](const Error& e) {
        // The batch was answered with errors; the in-memory state is ahead
        // of storage, so stop and let a restart recover (board.hpp).
        std::cerr << "senim-server: storage failed, stopping: " << e.message << std::endl;
        p->exit_code = 1;
        // The batch's answers (503) get a moment to go out, then stop.
        net::post(p->io, [p] {
          p->listener->stop();
          p->fatal_grace.expires_after(std::chrono::milliseconds(200));
          p->fatal_grace.async_wait([p](const boost::system::error_code&) { p->io.stop(); });
        });
      },
      [p](std::size_t entries) { p->metrics.group_commit(entries); });
  parts->api = std::make_unique<Api>(*parts->board, *parts->committer);
  parts->lanes = std::make_unique<WorkLanes>(parts->threads, limits::kWritesPerRead);
  parts->service = std::make_unique<HttpService>(HttpService{
      *parts->api, *parts->lanes, parts->metrics,
      ConnectionTable::create({options.max_connections, options.max_connections_per_address}),
      parts->access_log.get(), [p] { return p->gauges(); }});
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

std::string Server::listening_url() const {
  return url_of(parts_->listener->local_endpoint());
}

int Server::run() {
  Parts& p = *parts_;
  p.listener->start(*p.service);
  net::signal_set& hangup = p.hangup;
  std::function<void()> on_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec)
        return;
      if (p.access_log) {
        if (auto s = p.access_log->reopen(); !s)
          std::cerr << "senim-server: " << s.error().message << std::endl;
      }
      on_hangup();
    });
  };
  on_hangup();
  net::steady_timer grace(p.io);
  std::thread stopper;
  p.stop_signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec)
      return;
    p.listener->stop();
    hangup.cancel();
    // Finish the batch being committed (its answers get a moment to go out),
    // then stop. Off the I/O threads, which must keep running meanwhile.
    stopper = std::thread([&] {
      p.stop_work();
      net::post(p.io, [&] {
        grace.expires_after(std::chrono::milliseconds(200));
        grace.async_wait([&](const boost::system::error_code&) { p.io.stop(); });
      });
    });
  });
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < p.threads; ++i)
    pool.emplace_back([&] { p.io.run(); });
  p.io.run();
  for (std::thread& t : pool)
    t.join();
  if (stopper.joinable())
    stopper.join();
  p.stop_work();
  return p.exit_code;
}

}  // namespace senim::server
