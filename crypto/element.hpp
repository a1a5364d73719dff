// A group element together with its canonical 32-byte encoding.
//
// Encoding and decoding a ristretto255 point each cost ~4.5 µs, as much as a
// third of a scalar multiplication. Proof transcripts hash encodings while
// verification equations need decoded points, so values that enter both are
// carried as an Element: decoded once, encoded once, never again.
#pragma once

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/point.hpp"

namespace senim::crypto {

struct Element {
  Point point;
  Point::Encoding bytes{};

  // The identity, whose canonical encoding is 32 zero bytes (RFC 9496
  // §4.3.2): no encoding work, so a default-constructed Element is free.
  Element() = default;
  explicit Element(const Point& p) : point(p), bytes(p.encode()) {}
  Element(const Point& p, const Point::Encoding& enc) : point(p), bytes(enc) {}

  static Expected<Element> decode(ByteView encoding) {
    auto p = Point::decode(encoding);
    if (!p)
      return p.error();
    // The received bytes are the encoding (decode accepts only canonical
    // ones): copied, never recomputed.
    Point::Encoding bytes{};
    std::copy(encoding.begin(), encoding.end(), bytes.begin());
    return Element(*p, bytes);
  }
};

}  // namespace senim::crypto
