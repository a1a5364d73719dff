// Which deals form the qualified set Q, and the keys the ceremony gives over
// Q (docs/protocol.md §6.5). The board, every client and the verifier call
// these, so that all of them agree on Q, on K and on every X_t.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/key_ceremony.hpp"
#include "protocol/election_config.hpp"

namespace senim::protocol {

// A dealer left out of Q and why: the first rule of CheckDeal (§8.3) its
// deal breaks.
struct Disqualified {
  std::uint32_t dealer = 0;
  Error reason;
};

// Q in dealer order, and the dealers left out.
struct Qualification {
  std::vector<crypto::DealerCommitment> qualified;
  std::vector<Disqualified> disqualified;

  bool contains(std::uint32_t dealer) const;
};

// §6.5, rule 1: verdicts[t−1] is check_deal's verdict on trustee t's deal
// (its first on the log), one for each trustee 1 … n. Dealer t is in Q iff
// its verdict is a commitment.
Qualification qualify_dealers(const std::vector<Expected<crypto::DealerCommitment>>& verdicts);

// What the ceremony gives (§6.5, §8.4).
struct CeremonyKeys {
  crypto::Element joint_key;                  // K = Σ_{i∈Q} A_{i,0}
  std::vector<crypto::Element> trustee_keys;  // X_1 … X_n over Q, trustee t at t−1
  Hash32 base_hash{};
};

// §6.5, rules 2 and 3: K, X_1 … X_n and the base hash over Q. The ceremony
// gives no key when |Q| < k (invalid_argument, naming |Q|, k and the dealers
// left out) or when K is the identity (invalid_encoding).
Expected<CeremonyKeys> ceremony_keys(const ElectionConfig& config, const Qualification& q);

}  // namespace senim::protocol
