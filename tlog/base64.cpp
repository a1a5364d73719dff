#include "tlog/base64.hpp"

#include <sodium.h>

#include <algorithm>

#include "tlog/text.hpp"

namespace senim::tlog {

std::string base64_encode(ByteView bytes) {
  const std::size_t encoded_len =
      sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(encoded_len, '\0');  // includes the terminating NUL
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t out_len = 0;
  // No ignored characters, and b64_end = nullptr: the whole input must be
  // consumed, so trailing junk fails here.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &out_len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(out_len);
  // Canonical: the one encoding of these bytes. Re-encoding and comparing
  // rules out every other spelling without a case analysis.
  if (base64_encode(out) != text)
    return std::nullopt;
  return out;
}

Expected<Hash32> base64_decode_hash(std::string_view text, std::string_view what) {
  const std::optional<Bytes> bytes = base64_decode(text);
  if (!bytes) {
    return make_error(Errc::invalid_encoding,
                      std::string(what) + " is not canonical base64: " + quote(text));
  }
  if (bytes->size() != 32) {
    return make_error(Errc::invalid_length, std::string(what) + " must be 32 bytes, got " +
                                                std::to_string(bytes->size()));
  }
  Hash32 out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Expected<std::vector<Hash32>> read_hash_lines(LineReader& lines, std::size_t max_lines,
                                              std::string_view what) {
  std::vector<Hash32> out;
  for (std::optional<std::string_view> line = lines.next(); line; line = lines.next()) {
    if (line->empty())
      return out;
    if (out.size() == max_lines) {
      return make_error(Errc::invalid_length, "more than " + std::to_string(max_lines) + " " +
                                                  std::string(what) + " lines");
    }
    Expected<Hash32> hash = base64_decode_hash(*line, what);
    if (!hash)
      return hash.error();
    out.push_back(*hash);
  }
  return make_error(Errc::invalid_encoding,
                    "no empty line after the " + std::string(what) + " lines");
}

}  // namespace senim::tlog
