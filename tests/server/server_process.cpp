#include "tests/server/server_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace senim::test {
namespace {

std::atomic<int> counter{0};

std::chrono::seconds& start_timeout() {
  static std::chrono::seconds timeout{60};
  return timeout;
}

std::string& binary() {
  static std::string path = SENIM_SERVER_BINARY;
  return path;
}

// Waits for "listening on URL\n" on `fd`; "" if the child closed stdout first.
std::string read_url(int fd, std::chrono::seconds timeout) {
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0)
      continue;
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0)
      return "";
    seen.append(buf, static_cast<std::size_t>(n));
    const auto at = seen.find("listening on ");
    const auto end = seen.find('\n', at);
    if (at != std::string::npos && end != std::string::npos) {
      return seen.substr(at + 13, end - at - 13);
    }
  }
  return "";
}

// In the child after fork(): stdout to `out`, stderr to `err`, then
// `program` (the senim-server in use by default) with `args`.
[[noreturn]] void exec_server(std::vector<std::string> args, int out, int err,
                              const std::string& program = binary()) {
  ::dup2(out, STDOUT_FILENO);
  ::dup2(err, STDERR_FILENO);
  if (out > STDERR_FILENO)
    ::close(out);
  if (err > STDERR_FILENO && err != out)
    ::close(err);
  args.insert(args.begin(), program);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

}  // namespace

bool eventually(const std::function<bool()>& done, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "senim-server-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {
std::vector<std::string> server_args(const std::string& data_dir, std::vector<std::string> extra) {
  std::vector<std::string> args{"--data", data_dir, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}
std::string server_log_path(const std::string& data_dir) {
  return data_dir + "-server-" + std::to_string(counter++) + ".log";
}
}  // namespace

ServerProcess::ServerProcess(const std::string& data_dir, std::vector<std::string> extra) {
  start(binary(), server_args(data_dir, std::move(extra)), server_log_path(data_dir), 0);
}

ServerProcess::ServerProcess(const std::string& data_dir, std::vector<std::string> extra,
                             std::uint64_t max_file_bytes) {
  start(binary(), server_args(data_dir, std::move(extra)), server_log_path(data_dir),
        max_file_bytes);
}

ServerProcess::ServerProcess(const std::string& program, std::vector<std::string> args,
                             const std::string& log_path) {
  start(program, std::move(args), log_path, 0);
}

void ServerProcess::start(const std::string& program, std::vector<std::string> args,
                          const std::string& log_path, std::uint64_t max_file_bytes) {
  log_path_ = log_path;
  int out[2];
  if (::pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    std::FILE* err = std::fopen(log_path_.c_str(), "a");
    ::close(out[0]);
    if (max_file_bytes != 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // kept across exec: a too-large write fails with EFBIG
      const rlimit limit{max_file_bytes, max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    exec_server(std::move(args), out[1], err != nullptr ? ::fileno(err) : STDERR_FILENO, program);
  }
  ::close(out[1]);
  stdout_fd_ = out[0];
  url_ = read_url(stdout_fd_, start_timeout());
  if (url_.empty()) {
    kill9();
    throw std::runtime_error(std::filesystem::path(program).filename().string() +
                             " did not start: " + log());
  }
}

ServerProcess::~ServerProcess() {
  kill9();
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
}

void ServerProcess::kill9() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::stop() {
  if (pid_ <= 0)
    return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::use_binary(std::string path) {
  binary() = std::move(path);
}

void ServerProcess::use_start_timeout(std::chrono::seconds timeout) {
  start_timeout() = timeout;
}

std::optional<int> ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    ::usleep(20'000);
  }
  return std::nullopt;
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_server_command(const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(out[0]);
    exec_server(args, out[1], out[1]);
  }
  ::close(out[1]);
  CommandResult result;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0)
      break;
    result.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string ServerProcess::refusal(const std::string& data_dir, std::vector<std::string> extra) {
  try {
    const ServerProcess started(data_dir, std::move(extra));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  throw std::runtime_error("senim-server started on " + data_dir + " but should have refused");
}

}  // namespace senim::test
