// Everything a ballot is made and checked against: the election's shape, its
// joint key K and its base hash (docs/protocol.md §8.4).
#pragma once

#include <memory>

#include "crypto/bytes.hpp"
#include "crypto/element.hpp"
#include "crypto/elgamal.hpp"
#include "protocol/manifest_rules.hpp"

namespace senim::protocol {

struct VotingParameters {
  VotingParameters(ElectionShape shape_in, const crypto::Point& joint_key,
                   const Hash32& base_hash_in)
      : key(joint_key),
        shape(std::move(shape_in)),
        key_table(std::make_shared<const crypto::PublicKey>(joint_key)),
        base_hash(base_hash_in) {}

  // K first: its 32-byte alignment (libdecaf) would leave a gap after `shape`.
  crypto::Element key;  // K with its encoding
  ElectionShape shape;
  std::shared_ptr<const crypto::PublicKey> key_table;  // K's table, for provers
  Hash32 base_hash{};
};

// k·P for a small public k (≤ 2^32), by double-and-add: variable time.
crypto::Point mul_small_vartime(const crypto::Point& p, std::uint32_t k);

}  // namespace senim::protocol
