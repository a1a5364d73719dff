// How large an election's entries can be, from its manifest alone
// (docs/protocol.md §8.1 rule 7, "Entry sizes"): every bound is at least the
// size of any such entry the election can have, so a manifest whose bounds
// fit the 65,535 bytes of an entry (§11.1) never has an entry that does not.
#pragma once

#include <cstddef>

#include "protocol/manifest_rules.hpp"

namespace senim::protocol {

struct EntryBounds {
  std::size_t challenge = 0;  // a challenged ballot (larger than the ballot it opens, §9.5)
  std::size_t tally = 0;      // the encrypted tally (§10.1)
  std::size_t partial = 0;    // one trustee's partial decryption (§10.2)
  std::size_t result = 0;     // the result (§10.4)
};

EntryBounds entry_bounds(const ElectionShape& shape);

}  // namespace senim::protocol
