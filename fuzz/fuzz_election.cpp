#include "fuzz/fuzz_election.hpp"

#include <sodium.h>

namespace senim::fuzz {

const FuzzElection& election() {
  static const FuzzElection e = [] {
    protocol::quiet_protobuf_logging();
    if (sodium_init() < 0)
      std::abort();
    sim::ElectionPlan plan;
    plan.manifest = sim::demo_manifest("fuzz-2026", 2);
    plan.voters = 4;
    auto builder = std::make_unique<sim::ElectionBuilder>(std::move(plan));
    builder->prepare();
    const auto& state = builder->state();
    auto params = state.parameters();
    const auto voter = builder->voter_public_key(0);
    return FuzzElection{std::move(builder), state, std::move(params), voter};
  }();
  return e;
}

}  // namespace senim::fuzz
