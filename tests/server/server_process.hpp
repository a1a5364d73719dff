// Runs the real senim-server binary as a child process for integration
// tests: on 127.0.0.1 port 0, with its data directory, waiting for its
// "listening on" line, and killing it at the end.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace senim::test {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs senim-server with `args` to the end (a one-shot command such as
// --restore-from); its exit status and what it wrote on stdout and stderr.
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult run_server_command(const std::vector<std::string>& args);

// Polls `done` every 50 ms until it holds or `seconds` pass; whether it held.
bool eventually(const std::function<bool()>& done, int seconds);

class ServerProcess {
 public:
  // Starts senim-server --data `data_dir` --listen 127.0.0.1:0 `extra`… and
  // waits (up to 60 s, see use_start_timeout) for it to print its URL; throws if it exits first.
  // Its stderr goes to `data_dir`/../server-<n>.log (see log()).
  explicit ServerProcess(const std::string& data_dir, std::vector<std::string> extra = {});
  // Any of senim's servers (e.g. `senim witness serve`): `binary` with
  // exactly `args`, stderr to `log_path`, waiting for its "listening on" line.
  ServerProcess(const std::string& binary, std::vector<std::string> args,
                const std::string& log_path);
  // The same, with the server's files limited to `max_file_bytes` each
  // (RLIMIT_FSIZE, SIGXFSZ ignored): writes beyond fail as on a full disk.
  ServerProcess(const std::string& data_dir, std::vector<std::string> extra,
                std::uint64_t max_file_bytes);
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }
  // SIGKILL, as a crash or power cut would, and reap.
  void kill9();
  // SIGTERM and wait; the exit status.
  int stop();
  // Waits up to `timeout` for the server to exit on its own; its exit status,
  // or nullopt if it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // What the server wrote on stderr so far.
  std::string log() const;

  // Later ServerProcesses run `path` instead of the senim-server this was
  // built with (bench_attack --server-binary, to compare with another build).
  static void use_binary(std::string path);
  // Later ServerProcesses wait this long for "listening on" instead of 60 s
  // (bench_election: a restart of a large board re-checks it first).
  static void use_start_timeout(std::chrono::seconds timeout);

  // Runs the server expecting it NOT to start (e.g. a tampered database) and
  // returns why (its stderr). Throws if it does start.
  static std::string refusal(const std::string& data_dir, std::vector<std::string> extra = {});

 private:
  void start(const std::string& program, std::vector<std::string> args, const std::string& log_path,
             std::uint64_t max_file_bytes);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
  std::string log_path_;
};

}  // namespace senim::test
