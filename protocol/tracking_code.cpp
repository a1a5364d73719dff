#include "protocol/tracking_code.hpp"

#include <sodium.h>

#include "crypto/domain_tags.hpp"
#include "protocol/hashing.hpp"

namespace senim::protocol {

Hash32 tracking_code(ByteView statement_bytes) {
  return TaggedHash(crypto::tags::kTrackingCode).raw(statement_bytes).finish();
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
