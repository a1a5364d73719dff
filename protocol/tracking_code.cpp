#include "protocol/tracking_code.hpp"

#include <algorithm>

#include "crypto/domain_tags.hpp"
#include "protocol/hashing.hpp"

namespace senim::protocol {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kSymbols = 16;  // 80 bits, 5 per symbol

// docs/protocol.md §9.4: 80 bits, most significant first, groups of four.
std::string crockford_groups(ByteView bytes) {
  std::string out;
  for (int symbol = 0; symbol < kSymbols; ++symbol) {
    int value = 0;
    for (int b = 0; b < 5; ++b) {
      const int bit = symbol * 5 + b;
      value = (value << 1) | ((bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1);
    }
    if (symbol > 0 && symbol % 4 == 0)
      out.push_back('-');
    out.push_back(kAlphabet[static_cast<std::size_t>(value)]);
  }
  return out;
}

// Crockford's decoding: either case, O as 0, I and L as 1; -1 if not a symbol.
int crockford_value(char c) {
  if (c >= 'a' && c <= 'z')
    c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O')
    c = '0';
  if (c == 'I' || c == 'L')
    c = '1';
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

Expected<ShortCode> parse_short(std::string_view text) {
  std::string symbols;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' || c == ' ')
      continue;
    if (crockford_value(c) < 0) {
      // The character itself is not echoed: it may be any byte.
      return make_error(Errc::invalid_argument,
                        "character " + std::to_string(i + 1) +
                            " is not one of a short code's letters and digits (0-9, A-Z but U)");
    }
    symbols.push_back(c);
  }
  if (symbols.size() != kSymbols) {
    return make_error(Errc::invalid_argument,
                      "a short tracking code has 16 letters and digits (XXXX-XXXX-XXXX-XXXX); "
                      "this one has " +
                          std::to_string(symbols.size()));
  }
  ShortCode out{};
  for (int symbol = 0; symbol < kSymbols; ++symbol) {
    const int value = crockford_value(symbols[static_cast<std::size_t>(symbol)]);
    for (int b = 0; b < 5; ++b) {
      const int bit = symbol * 5 + b;
      if ((value >> (4 - b)) & 1)
        out[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    }
  }
  return out;
}

}  // namespace

Hash32 tracking_code(ByteView statement_bytes) {
  return TaggedHash(crypto::tags::kTrackingCode).raw(statement_bytes).finish();
}

std::string short_tracking_code(const Hash32& code) {
  return crockford_groups(code);
}

std::string key_fingerprint(ByteView key) {
  if (key.size() < kShortCodeBytes)
    return {};
  return crockford_groups(key);
}

Expected<TrackingCodeQuery> parse_tracking_code(std::string_view text) {
  TrackingCodeQuery query;
  if (text.size() == 64) {
    auto full = from_hex(text);
    if (!full || full->size() != 32)
      return make_error(Errc::invalid_argument, "a full tracking code is 64 hex digits (0-9, a-f)");
    Hash32 code{};
    std::copy(full->begin(), full->end(), code.begin());
    query.full = code;
    std::copy_n(query.full->begin(), kShortCodeBytes, query.prefix.begin());
    return query;
  }
  auto prefix = parse_short(text);
  if (!prefix) {
    return make_error(Errc::invalid_argument, "not a tracking code: " + prefix.error().message +
                                                  "; or give the full code, 64 hex digits");
  }
  query.prefix = *prefix;
  return query;
}

}  // namespace senim::protocol
