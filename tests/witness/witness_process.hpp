// A real `senim witness serve` process for tests and benchmarks: its own key
// (made by `senim witness keygen`), its own data directory, watching one
// board (--log VKEY --board URL), on a loopback port of its own.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/server/server_process.hpp"

namespace senim::test {

class WitnessProcess {
 public:
  // Makes the key DIR/NAME.key with `senim` (the binary at `senim`) and
  // remembers where to keep the data (DIR/NAME); start() runs it.
  WitnessProcess(std::string senim, const std::string& dir, std::string name);

  // `senim witness serve --log board_vkey --board board_url …` `extra`;
  // waits for its "listening on" line.
  void start(const std::string& board_vkey, const std::string& board_url,
             std::vector<std::string> extra = {});
  void kill9() { process_->kill9(); }
  int stop() { return process_->stop(); }

  const std::string& name() const { return name_; }
  const std::string& vkey() const { return vkey_; }
  const std::string& data() const { return data_; }
  const std::string& url() const { return process_->url(); }
  pid_t pid() const { return process_->pid(); }
  std::string log() const { return process_ ? process_->log() : std::string(); }
  // The policy line naming it (docs/protocol.md §13.7): `witness NAME VKEY URL`.
  std::string policy_line() const { return "witness " + name_ + " " + vkey_ + " " + url() + "\n"; }
  // `senim witness status --data DIR`'s output.
  std::string status() const;

 private:
  std::string senim_;
  std::string name_;
  std::string key_;
  std::string data_;
  std::string log_prefix_;
  std::string vkey_;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> process_;
};

}  // namespace senim::test
