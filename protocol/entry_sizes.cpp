// docs/protocol.md §8.1 rule 7: the formulas of "Entry sizes", one function
// each. Every field is counted at its largest: varints at their widest value,
// optional fields present.
#include "protocol/entry_sizes.hpp"

#include <cstdint>

namespace senim::protocol {
namespace {

constexpr std::size_t kWidestVarint32 = 5;   // any uint32
constexpr std::size_t kWidestVarint64 = 10;  // any uint64

// vlen(n): the bytes of n as a varint.
std::size_t vlen(std::uint64_t n) {
  std::size_t bytes = 1;
  for (; n >= 0x80; n >>= 7)
    ++bytes;
  return bytes;
}

// F(n): a length-delimited field of field number 1–15 (a one-byte key) with n bytes.
std::size_t field(std::size_t n) {
  return 1 + vlen(n) + n;
}

// A number field of field number 1–15, at its widest.
constexpr std::size_t kNumber32 = 1 + kWidestVarint32;
constexpr std::size_t kNumber64 = 1 + kWidestVarint64;

// E(body): an entry whose statement holds election_id and a body field of
// number 16–21 (a two-byte key) with `body` bytes, signed (§11.1).
std::size_t entry(const ElectionShape& shape, std::size_t body) {
  const std::size_t statement = field(shape.election_id.size()) + 2 + vlen(body) + body;
  return field(statement) + field(32) + field(64);
}

// §9.1: one ContestBallot (option ciphertexts and proofs, the blank
// indicator and its proof, the count proof).
std::size_t contest_ballot(const ContestShape& c) {
  const std::size_t blank = c.has_blank() ? 1 : 0;
  const std::uint32_t lo = c.has_blank() ? 1 : c.min;
  return (c.options + blank) * (field(64) + field(256)) +
         field(std::size_t{128} * (c.max - lo + 1));
}

// §9.5: one ContestOpening (choices packed, one byte each; nonces; blank and its nonce).
std::size_t contest_opening(const ContestShape& c) {
  const std::size_t blank = c.has_blank() ? kNumber32 + field(32) : 0;
  return field(c.options) + c.options * field(32) + blank;
}

std::size_t challenge(const ElectionShape& shape) {
  std::size_t ballot = 2 * field(32) + kNumber32;  // base_hash, credential, sequence
  std::size_t openings = 0;
  for (const ContestShape& c : shape.contests) {
    ballot += field(contest_ballot(c));
    openings += field(contest_opening(c));
  }
  const std::size_t statement = field(shape.election_id.size()) + 2 + vlen(ballot) + ballot;
  return entry(shape, field(statement) + openings);
}

// §10.1: a district's id, ballots counted and aggregates; the superseded
// count and hash.
std::size_t tally(const ElectionShape& shape) {
  std::size_t body = kNumber64 + field(32);
  for (const std::string& district : shape.districts) {
    std::size_t d = (district.empty() ? 0 : field(district.size())) + kNumber64;
    for (const ContestShape& c : shape.contests)
      d += field(c.tally_width() * field(64));
    body += field(d);
  }
  return entry(shape, body);
}

// §10.2: the trustee number and a share and a proof per tally ciphertext.
std::size_t partial(const ElectionShape& shape) {
  const std::size_t ciphertexts = shape.districts.size() * shape.tally_width();
  return entry(shape, kNumber32 + ciphertexts * (field(32) + field(96)));
}

// §10.4: per district and for the total, its id, ballots counted and per
// contest the option counts (packed) and the blank count.
std::size_t result(const ElectionShape& shape) {
  auto district = [&shape](const std::string& id) {
    std::size_t d = (id.empty() ? 0 : field(id.size())) + kNumber64;
    for (const ContestShape& c : shape.contests)
      d += field(field(c.options * kWidestVarint64) + kNumber64);
    return field(d);
  };
  std::size_t body = district("");  // the total
  for (const std::string& id : shape.districts)
    body += district(id);
  return entry(shape, body);
}

}  // namespace

EntryBounds entry_bounds(const ElectionShape& shape) {
  return {challenge(shape), tally(shape), partial(shape), result(shape)};
}

}  // namespace senim::protocol
