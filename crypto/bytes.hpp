// Byte strings and their hex form. Everything that crosses a boundary in
// senim (hashes, encodings, proofs) is a byte string; hex is only for people.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace senim {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using Hash32 = std::array<std::uint8_t, 32>;

// Lowercase hex of `bytes`.
std::string to_hex(ByteView bytes);

// Parses lowercase or uppercase hex; nullopt on odd length or a non-hex digit.
std::optional<Bytes> from_hex(std::string_view hex);

// Views a string's characters as bytes (no copy).
inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Copies `bytes` into a std::string: protobuf's type for a bytes field.
inline std::string to_string(ByteView bytes) {
  return {bytes.begin(), bytes.end()};
}

// Copies a bytes field into a fixed-size key or hash when the lengths are
// equal; false, and `out` untouched, when they are not.
template <std::size_t N>
bool copy_exact(std::string_view bytes, std::array<std::uint8_t, N>& out) {
  if (bytes.size() != N)
    return false;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return true;
}

// The first 32 bytes of `bytes`, zero-filled if there are fewer: a map key
// for a field whose length was checked before.
Hash32 to_hash32(std::string_view bytes);

// Do `text`'s bytes equal `bytes`? (Compares as unsigned: a std::string's
// char may be signed, so std::equal against uint8_t would be wrong.)
inline bool same_bytes(std::string_view text, ByteView bytes) {
  const ByteView t = as_bytes(text);
  return t.size() == bytes.size() && std::equal(t.begin(), t.end(), bytes.begin());
}

// Appends `value` as 4 bytes, big-endian.
void append_u32_be(Bytes& out, std::uint32_t value);
// Appends `value` as 8 bytes, big-endian.
void append_u64_be(Bytes& out, std::uint64_t value);
inline void append(Bytes& out, ByteView bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// Constant-time equality (sodium_memcmp): use it for anything derived from a
// secret. Different lengths compare unequal (the length is not secret).
bool ct_equal(ByteView a, ByteView b);

// Overwrites `bytes` with zeros in a way the compiler cannot elide.
void wipe(std::span<std::uint8_t> bytes);

}  // namespace senim
