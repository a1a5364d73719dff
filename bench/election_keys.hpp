// The key and state files the CLI keeps for an election the
// ElectionBuilder made (bench_replica, bench_election): the benchmarks then
// run the real `senim admin …` and `senim trustee …` commands on them.
#pragma once

#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "sim/election_builder.hpp"

namespace senim::bench {

// Fresh signing-key seeds for `trustees` trustees (ElectionPlan::trustee_seeds).
std::vector<Bytes> fresh_trustee_seeds(std::uint32_t trustees);

// Writes `dir`/authority.key and, for each trustee t, `dir`/trustee-t.key
// and `dir`/trustee-t.state (mode 0600), as `senim admin keygen`, `senim
// trustee keygen` and `senim trustee finalize` write them. `seeds` are the
// plan's trustee seeds. Throws if a file cannot be written or the set-up
// does not check.
void write_key_files(const sim::ElectionBuilder& b, const std::vector<Bytes>& seeds,
                     const std::string& dir);

}  // namespace senim::bench
