// Runs a shell command as a test drives a binary: its exit status and what
// it printed.
#pragma once

#include <string>

namespace senim::test {

struct CommandRun {
  int status = -1;  // the exit status, or -1 if it did not exit normally
  std::string out;  // standard output (add 2>&1 to the command for stderr too)
};

// popen(command); throws if it cannot start.
CommandRun run_command(const std::string& command);

}  // namespace senim::test
