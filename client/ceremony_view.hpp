// What the commands before voting act on (issuing credentials, the key
// ceremony, the open), from either kind of replica: the full one a command
// syncs (client/replica.hpp), or the followed one named with --replica
// (client/followed_replica.hpp), which checks only what is new.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "client/followed_replica.hpp"
#include "client/replica.hpp"
#include "crypto/element.hpp"
#include "crypto/key_ceremony.hpp"
#include "proto/ceremony.pb.h"
#include "protocol/election_config.hpp"

namespace senim::client {

struct CeremonyView {
  const protocol::ElectionConfig* config = nullptr;
  protocol::Phase phase = protocol::Phase::empty;
  std::uint64_t credentials = 0;  // public keys on the board
  // Per trustee t at t−1: its deal as posted (docs/protocol.md §6.4), and
  // whether it announced ready.
  std::vector<std::optional<v1::TrusteeDeal>> deals;
  std::vector<bool> ready;
  // Once every trustee dealt (§6.5): Q, K, the base hash and each X_t.
  std::vector<crypto::DealerCommitment> qualified;
  std::optional<crypto::Element> joint_key;
  std::optional<Hash32> base_hash;
  std::vector<crypto::Element> trustee_keys;

  bool dealt(std::uint32_t t) const { return t >= 1 && t <= deals.size() && deals[t - 1]; }
  bool is_ready(std::uint32_t t) const { return t >= 1 && t <= ready.size() && ready[t - 1]; }
};

CeremonyView ceremony_view(const Replica& replica);
CeremonyView ceremony_view(const FollowedReplica& replica);

}  // namespace senim::client
