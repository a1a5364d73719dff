#include "tests/witness/witness_process.hpp"

#include <stdexcept>

#include "tests/run_command.hpp"

namespace senim::test {

WitnessProcess::WitnessProcess(std::string senim, const std::string& dir, std::string name)
    : senim_(std::move(senim)),
      name_(std::move(name)),
      key_(dir + "/" + name_ + ".key"),
      data_(dir + "/" + name_),
      log_prefix_(dir + "/" + name_ + "-") {
  const auto keygen = run_command(senim_ + " witness keygen --name " + name_ + ".observers.test" +
                                  " --out " + key_ + " 2>&1");
  const std::size_t at = keygen.out.find("vkey ");
  if (keygen.status != 0 || at == std::string::npos)
    throw std::runtime_error("senim witness keygen failed: " + keygen.out);
  vkey_ = keygen.out.substr(at + 5, keygen.out.find('\n', at) - at - 5);
}

void WitnessProcess::start(const std::string& board_vkey, const std::string& board_url,
                           std::vector<std::string> extra) {
  std::vector<std::string> args{"witness", "serve",    "--key",    key_,
                                "--data",  data_,      "--listen", "127.0.0.1:0",
                                "--log",   board_vkey, "--board",  board_url};
  args.insert(args.end(), extra.begin(), extra.end());
  process_.reset();
  process_ = std::make_unique<ServerProcess>(senim_, std::move(args),
                                             log_prefix_ + std::to_string(starts_++) + ".log");
}

std::string WitnessProcess::status() const {
  return run_command(senim_ + " witness status --data " + data_ + " 2>&1").out;
}

}  // namespace senim::test
