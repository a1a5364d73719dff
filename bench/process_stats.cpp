#include "bench/process_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace senim::bench {
namespace {

std::string proc(pid_t pid, const char* file) {
  return "/proc/" + std::to_string(pid) + "/" + file;
}

// A "Name:   1234 kB" line of /proc/PID/status, in bytes.
std::uint64_t status_kb(pid_t pid, const std::string& name) {
  std::ifstream in(proc(pid, "status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      std::istringstream fields(line.substr(name.size() + 1));
      std::uint64_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

}  // namespace

bool reset_peak_rss(pid_t pid) {
  std::ofstream out(proc(pid, "clear_refs"));
  out << "5\n";
  out.flush();
  return static_cast<bool>(out);
}

std::uint64_t peak_rss_bytes(pid_t pid) {
  return status_kb(pid, "VmHWM");
}

std::uint64_t rss_bytes(pid_t pid) {
  return status_kb(pid, "VmRSS");
}

double cpu_seconds(pid_t pid) {
  std::ifstream in(proc(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces, in parentheses).
  const auto close = text.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i)  // state … cmajflt: fields 3–13
    fields >> skip;
  double utime = 0;
  double stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a;
  std::string b;
  std::string c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::map<std::string, std::uint64_t> tcp_counters() {
  // Two lines: "TcpExt: Name Name …", then "TcpExt: value value …".
  std::ifstream in("/proc/net/netstat");
  std::string names;
  std::string values;
  while (std::getline(in, names) && std::getline(in, values)) {
    if (names.rfind("TcpExt:", 0) != 0)
      continue;
    std::istringstream n(names);
    std::istringstream v(values);
    std::map<std::string, std::uint64_t> out;
    std::string name;
    std::uint64_t value = 0;
    n >> name;
    v >> name;
    while (n >> name && v >> value) {
      if (name == "ListenOverflows" || name == "ListenDrops" || name == "TCPSynRetrans")
        out[name] = value;
    }
    return out;
  }
  return {};
}

}  // namespace senim::bench
