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

  Element() : bytes(Point().encode()) {}
  explicit Element(const Point& p) : point(p), bytes(p.encode()) {}
  Element(const Point& p, const Point::Encoding& enc) : point(p), bytes(enc) {}

  static Expected<Element> decode(ByteView encoding) {
    auto p = Point::decode(encoding);
    if (!p)
      return p.error();
    Element e;
    e.point = *p;
    std::copy(encoding.begin(), encoding.end(), e.bytes.begin());
    return e;
  }
};

}  // namespace senim::crypto
