#include "protocol/tracking_code.hpp"

#include <sodium.h>

#include "crypto/domain_tags.hpp"

namespace senim::protocol {

Hash32 tracking_code(ByteView statement_bytes) {
  Bytes prefix;
  append_u32_be(prefix, static_cast<std::uint32_t>(crypto::tags::kTrackingCode.size()));
  append(prefix, as_bytes(crypto::tags::kTrackingCode));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, prefix.data(), prefix.size());
  crypto_hash_sha256_update(&state, statement_bytes.data(), statement_bytes.size());
  Hash32 out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

std::string short_tracking_code(const Hash32& code) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out;
  // 80 bits = 16 five-bit symbols, most significant bit first.
  for (int symbol = 0; symbol < 16; ++symbol) {
    int value = 0;
    for (int b = 0; b < 5; ++b) {
      const int bit = symbol * 5 + b;
      value = (value << 1) | ((code[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1);
    }
    if (symbol > 0 && symbol % 4 == 0)
      out.push_back('-');
    out.push_back(kAlphabet[value]);
  }
  return out;
}

}  // namespace senim::protocol
