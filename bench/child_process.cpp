#include "bench/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bench/process_stats.hpp"

extern char** environ;

namespace senim::bench {
namespace {

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::string& out_path,
             const std::string& err_path) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  parent_peak_ = peak_rss_bytes(::getpid());
  started_ = std::chrono::steady_clock::now();
  const int spawned = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot run " + argv[0]);
  }
  poller_ = std::thread([this, pid = pid_] {
    while (!exited_) {
      polled_peak_ = std::max<std::uint64_t>(polled_peak_, peak_rss_bytes(pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

Child::~Child() {
  if (pid_ > 0)
    stop(SIGKILL);
}

ChildUsage Child::stop(int signal) {
  if (pid_ > 0)
    ::kill(pid_, signal);
  return wait();
}

ChildUsage Child::wait() {
  ChildUsage u;
  if (pid_ <= 0)
    return u;
  // Exited but not reaped: the pid cannot be another process's while the
  // poller reads its /proc files.
  siginfo_t info{};
  ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT);
  exited_ = true;
  if (poller_.joinable())
    poller_.join();
  int status = 0;
  rusage usage{};
  ::wait4(pid_, &status, 0, &usage);
  pid_ = -1;
  u.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  u.cpu_s = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  const auto maxrss = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  u.peak_rss_bytes = maxrss > parent_peak_ ? maxrss : polled_peak_.load();
  u.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return u;
}

ChildUsage run_child(const std::vector<std::string>& argv, const std::string& out_path,
                     const std::string& err_path) {
  Child child(argv, out_path, err_path);
  return child.wait();
}

ChildUsage run_child_ok(const std::vector<std::string>& argv, const std::string& out_path,
                        const std::string& err_path) {
  const ChildUsage u = run_child(argv, out_path, err_path);
  if (u.status != 0) {
    std::string command;
    for (const std::string& a : argv)
      command += (command.empty() ? "" : " ") + a;
    std::string err = file_text(err_path);
    if (err.size() > 2000)
      err = "…" + err.substr(err.size() - 2000);
    throw std::runtime_error(command + " failed (exit " + std::to_string(u.status) + "):\n" + err);
  }
  return u;
}

std::vector<std::string> words(const std::string& program, const std::string& args) {
  std::vector<std::string> out{program};
  std::istringstream in(args);
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace senim::bench
