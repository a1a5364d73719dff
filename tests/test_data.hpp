// Access to tests/data: public vectors and worked examples.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "crypto/bytes.hpp"

namespace senim::test {

// Absolute path of a file in tests/data.
std::string data_path(const std::string& name);
// Parses tests/data/<name> as JSON; throws if missing or malformed.
nlohmann::json load_json(const std::string& name);
// Hex to bytes; throws on bad hex (test data is trusted to be well formed).
Bytes hex(const std::string& text);

// A program run by a test as a person would run it (the real binaries).
struct CommandRun {
  int status = -1;     // the exit status, or -1 if it did not exit normally
  std::string output;  // what it wrote on standard output
};
// Runs `command` with /bin/sh (redirections such as 2>&1 included).
CommandRun run_command(const std::string& command);

}  // namespace senim::test
