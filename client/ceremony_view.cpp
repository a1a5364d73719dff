// The facts before voting, from a full replica or a followed one
// (client/ceremony_view.hpp).
#include "client/ceremony_view.hpp"

#include "protocol/entry.hpp"

namespace senim::client {

CeremonyView ceremony_view(const Replica& replica) {
  const protocol::ElectionState& state = replica.state();
  CeremonyView v;
  v.config = state.config();
  v.phase = state.phase();
  v.credentials = state.credential_count();
  v.deals.assign(state.deals().size(), std::nullopt);
  // The board admits a trustee's deal once (docs/protocol.md §6.4): the
  // deals on its log are those the state machine holds.
  for (const Bytes& bytes : replica.entries()) {
    auto e = protocol::parse_entry(bytes);
    if (!e || !e->statement.has_deal())
      continue;
    const std::uint32_t t = e->statement.deal().trustee();
    if (t >= 1 && t <= v.deals.size() && state.deals()[t - 1] && !v.deals[t - 1])
      v.deals[t - 1] = e->statement.deal();
  }
  for (std::uint32_t t = 1; t <= state.deals().size(); ++t)
    v.ready.push_back(state.trustee_ready(t));
  v.qualified = state.qualification().qualified;
  v.joint_key = state.joint_key();
  v.base_hash = state.base_hash();
  v.trustee_keys = state.trustee_public_keys();
  return v;
}

CeremonyView ceremony_view(const FollowedReplica& replica) {
  const verifier::Engine& engine = replica.engine();
  CeremonyView v;
  v.config = replica.config();
  v.phase = replica.phase();
  v.credentials = engine.credential_count();
  v.deals = engine.deals();
  v.ready = engine.ready();
  v.qualified = engine.qualification().qualified;
  v.joint_key = engine.joint_key();
  v.base_hash = engine.base_hash();
  v.trustee_keys = engine.trustee_keys();
  return v;
}

}  // namespace senim::client
