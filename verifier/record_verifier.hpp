// senim-verify's engine: streams an election record, runs every numbered
// check (docs/verifier-checks.md) and returns the report. Links crypto,
// proto and the read side of the protocol library only.
#pragma once

#include <functional>
#include <string>

#include "verifier/report.hpp"

namespace senim::verifier {

struct Options {
  unsigned threads = 0;  // 0: one per core
  // Called about every 2 s with (entries so far, bytes read, file size).
  std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)> progress;
};

Report verify_record(const std::string& path, const Options& options = {});

}  // namespace senim::verifier
