// SHA-256 of LP(tag) ‖ fields: the one way the election protocol hashes
// (docs/protocol.md §8.4). Centralised so no call site forgets the prefix.
#pragma once

#include <sodium.h>

#include <string_view>

#include "crypto/bytes.hpp"

namespace senim::protocol {

class TaggedHash {
 public:
  explicit TaggedHash(std::string_view tag);
  TaggedHash& raw(ByteView bytes);       // appends bytes as they are
  TaggedHash& prefixed(ByteView bytes);  // appends LP(bytes)
  Hash32 finish();

 private:
  crypto_hash_sha256_state state_{};
};

}  // namespace senim::protocol
