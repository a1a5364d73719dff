#include "tests/test_data.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace senim::test {

std::string data_path(const std::string& name) {
  return std::string(SENIM_TEST_DATA_DIR) + "/" + name;
}

nlohmann::json load_json(const std::string& name) {
  std::ifstream in(data_path(name));
  if (!in)
    throw std::runtime_error("missing test data " + name);
  return nlohmann::json::parse(in);
}

Bytes hex(const std::string& text) {
  auto bytes = from_hex(text);
  if (!bytes)
    throw std::runtime_error("bad hex in test data: " + text);
  return *bytes;
}

CommandRun run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr)
    throw std::runtime_error("cannot run " + command);
  CommandRun run;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    run.output.append(buffer, n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace senim::test
