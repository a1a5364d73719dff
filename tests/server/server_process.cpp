#include "tests/server/server_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace senim::test {
namespace {

std::atomic<int> counter{0};

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
// `binary` (senim-server by default) with `args`.
[[noreturn]] void exec_server(std::vector<std::string> args, int out, int err,
                              const std::string& binary = SENIM_SERVER_BINARY) {
  ::dup2(out, STDOUT_FILENO);
  ::dup2(err, STDERR_FILENO);
  if (out > STDERR_FILENO)
    ::close(out);
  if (err > STDERR_FILENO && err != out)
    ::close(err);
  args.insert(args.begin(), binary);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

}  // namespace

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

ServerProcess::ServerProcess(const std::string& data_dir, std::vector<std::string> extra)
    : ServerProcess(
          SENIM_SERVER_BINARY,
          [&] {
            std::vector<std::string> args{"--data", data_dir, "--listen", "127.0.0.1:0"};
            args.insert(args.end(), extra.begin(), extra.end());
            return args;
          }(),
          data_dir + "-server-" + std::to_string(counter++) + ".log") {}

ServerProcess::ServerProcess(const std::string& binary, std::vector<std::string> args,
                             const std::string& log_path)
    : log_path_(log_path) {
  int out[2];
  if (::pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    std::FILE* err = std::fopen(log_path_.c_str(), "a");
    ::close(out[0]);
    exec_server(std::move(args), out[1], err != nullptr ? ::fileno(err) : STDERR_FILENO, binary);
  }
  ::close(out[1]);
  stdout_fd_ = out[0];
  url_ = read_url(stdout_fd_, std::chrono::seconds(60));
  if (url_.empty()) {
    kill9();
    throw std::runtime_error(std::filesystem::path(binary).filename().string() +
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

std::string ServerProcess::refusal(const std::string& data_dir) {
  try {
    const ServerProcess started(data_dir);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  throw std::runtime_error("senim-server started on " + data_dir + " but should have refused");
}

}  // namespace senim::test
