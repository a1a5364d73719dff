// A small open election (demo manifest, 2 districts), built once per fuzzing
// process, for targets that need real parameters to check input against.
#pragma once

#include <memory>

#include "protocol/election_state.hpp"
#include "protocol/signing.hpp"
#include "sim/election_builder.hpp"

namespace senim::fuzz {

struct FuzzElection {
  std::unique_ptr<sim::ElectionBuilder> builder;
  const protocol::ElectionState& state;
  std::shared_ptr<const protocol::VotingParameters> params;
  protocol::PublicKey voter;  // a listed credential
};

const FuzzElection& election();

}  // namespace senim::fuzz
