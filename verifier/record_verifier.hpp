// senim-verify's engine: streams an election record, runs every numbered
// check (docs/verifier-checks.md) and returns the report. Links crypto,
// proto and the read side of the protocol library only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "verifier/report.hpp"

namespace senim::verifier {

inline constexpr std::size_t kDefaultBallotsPerBatch = 4096;

struct Options {
  unsigned threads = 0;  // 0: one per core
  // Ballots whose proofs one worker checks together (docs/protocol.md §5.6).
  // Larger batches make the multi-scalar multiplication cheaper per term;
  // memory grows with it (about 5 KB per referendum ballot in flight, and up
  // to 2 batches per worker in flight). 4,096 measured best
  // (docs/performance.md).
  std::size_t ballots_per_batch = kDefaultBallotsPerBatch;
  // Called about every 2 s with (entries so far, bytes read, file size).
  std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)> progress;
};

Report verify_record(const std::string& path, const Options& options = {});

}  // namespace senim::verifier
