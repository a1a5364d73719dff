#include "crypto/msm.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace senim::crypto {
namespace {

// Scalars are < 2^253; signed digits may carry one more bit.
constexpr int kScalarBits = 254;

// Signed base-2^c digits d_j in [-2^(c-1), 2^(c-1)) with s = Σ d_j·2^(c·j),
// written to out[0 … windows).
void signed_digits(const Scalar& s, int c, std::span<std::int32_t> out) {
  const Scalar::Encoding bytes = s.encode();
  const auto windows = static_cast<int>(out.size());
  const std::int32_t radix = 1 << c;
  const std::int32_t half = radix >> 1;
  std::int32_t carry = 0;
  for (int w = 0; w < windows; ++w) {
    std::int32_t raw = 0;
    for (int b = c - 1; b >= 0; --b) {
      const int bit = w * c + b;
      const int bit_value =
          bit < 256 ? (bytes[static_cast<std::size_t>(bit / 8)] >> (bit % 8)) & 1 : 0;
      raw = (raw << 1) | bit_value;
    }
    raw += carry;
    if (raw >= half) {
      out[static_cast<std::size_t>(w)] = raw - radix;
      carry = 1;
    } else {
      out[static_cast<std::size_t>(w)] = raw;
      carry = 0;
    }
  }
}

// Width-w non-adjacent form: digits are 0 or odd in (−2^(w−1), 2^(w−1)), and
// any w consecutive digits hold at most one non-zero, so a 253-bit scalar
// costs ~253/(w+1) additions.
std::vector<std::int8_t> wnaf(const Scalar& s, int w) {
  const Scalar::Encoding bytes = s.encode();
  std::array<std::uint64_t, 5> k{};  // one spare limb for the carry of k − d
  for (std::size_t i = 0; i < 32; ++i)
    k[i / 8] |= static_cast<std::uint64_t>(bytes[i]) << (8 * (i % 8));
  std::vector<std::int8_t> digits(kScalarBits + 2, 0);
  const std::int64_t radix = std::int64_t{1} << w;
  auto is_zero = [&] { return (k[0] | k[1] | k[2] | k[3] | k[4]) == 0; };
  for (std::size_t pos = 0; !is_zero(); ++pos) {
    if ((k[0] & 1) != 0) {
      std::int64_t d = static_cast<std::int64_t>(k[0] & static_cast<std::uint64_t>(radix - 1));
      if (d >= radix / 2)
        d -= radix;
      digits[pos] = static_cast<std::int8_t>(d);
      // k −= d (d may be negative: then k grows by |d|).
      if (d > 0) {
        std::uint64_t borrow = static_cast<std::uint64_t>(d);
        for (auto& limb : k) {
          const std::uint64_t before = limb;
          limb -= borrow;
          borrow = before < borrow ? 1 : 0;
          if (borrow == 0)
            break;
        }
      } else {
        std::uint64_t carry = static_cast<std::uint64_t>(-d);
        for (auto& limb : k) {
          limb += carry;
          carry = limb < carry ? 1 : 0;
          if (carry == 0)
            break;
        }
      }
    }
    for (std::size_t i = 0; i < 4; ++i)
      k[i] = (k[i] >> 1) | (k[i + 1] << 63);
    k[4] >>= 1;
  }
  return digits;
}

// Straus: one shared doubling chain; per point a table of its odd multiples
// P, 3P, …, 15P and its width-5 NAF.
Point straus(std::span<const Scalar> scalars, std::span<const Point> points) {
  constexpr int kWidth = 5;
  constexpr std::size_t kTable = 1 << (kWidth - 2);  // odd multiples 1..15
  const std::size_t n = points.size();
  std::vector<std::array<Point, kTable>> tables(n);
  std::vector<std::vector<std::int8_t>> digits(n);
  std::size_t top = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Point twice = points[i].doubled();
    tables[i][0] = points[i];
    for (std::size_t t = 1; t < kTable; ++t)
      tables[i][t] = tables[i][t - 1] + twice;
    digits[i] = wnaf(scalars[i], kWidth);
    for (std::size_t pos = digits[i].size(); pos-- > 0;) {
      if (digits[i][pos] != 0) {
        top = std::max(top, pos + 1);
        break;
      }
    }
  }
  Point acc;
  for (std::size_t pos = top; pos-- > 0;) {
    acc = acc.doubled();
    for (std::size_t i = 0; i < n; ++i) {
      // NOLINTNEXTLINE(bugprone-signed-char-misuse): a wNAF digit is a number, not a character
      const int d = digits[i][pos];
      if (d > 0)
        acc += tables[i][static_cast<std::size_t>(d / 2)];
      if (d < 0)
        acc -= tables[i][static_cast<std::size_t>(-d / 2)];
    }
  }
  return acc;
}

int pippenger_window(std::size_t n) {
  // Roughly minimises (254/c)·(n + 2^(c-1)) additions.
  int best_c = 4;
  double best_cost = 1e300;
  for (int c = 4; c <= 16; ++c) {
    const int windows = (kScalarBits + c - 1) / c;  // ⌈254/c⌉, a whole number
    const double cost =
        static_cast<double>(windows) * (static_cast<double>(n) + static_cast<double>(1 << c));
    if (cost < best_cost) {
      best_cost = cost;
      best_c = c;
    }
  }
  return best_c;
}

Point pippenger(std::span<const Scalar> scalars, std::span<const Point> points) {
  const std::size_t n = points.size();
  const int c = pippenger_window(n);
  const auto windows = static_cast<std::size_t>((kScalarBits + c - 1) / c);
  // Window-major, so each window's pass reads its digits in a row; one
  // allocation for all of them. A digit fits 16 bits: c ≤ 16.
  std::vector<std::int16_t> digits(n * windows);
  std::vector<std::int32_t> one(windows);
  for (std::size_t i = 0; i < n; ++i) {
    signed_digits(scalars[i], c, one);
    for (std::size_t w = 0; w < windows; ++w)
      digits[w * n + i] = static_cast<std::int16_t>(one[w]);
  }

  const std::size_t bucket_count = static_cast<std::size_t>(1) << (c - 1);
  std::vector<Point> buckets(bucket_count);
  std::vector<char> used(bucket_count);
  Point acc;
  for (std::size_t w = windows; w-- > 0;) {
    for (int d = 0; d < c; ++d)
      acc = acc.doubled();
    std::fill(used.begin(), used.end(), 0);
    const std::int16_t* row = digits.data() + w * n;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t digit = row[i];
      if (digit == 0)
        continue;
      const auto b = static_cast<std::size_t>((digit > 0 ? digit : -digit) - 1);
      if (used[b] == 0) {
        buckets[b] = digit > 0 ? points[i] : -points[i];
        used[b] = 1;
      } else if (digit > 0) {
        buckets[b] += points[i];
      } else {
        buckets[b] -= points[i];
      }
    }
    // Σ (b+1)·bucket[b] by running sums, from the top bucket down.
    Point running;
    Point window_sum;
    for (std::size_t b = bucket_count; b-- > 0;) {
      if (used[b] != 0)
        running += buckets[b];
      window_sum += running;
    }
    acc += window_sum;
  }
  return acc;
}

}  // namespace

Point msm_vartime(std::span<const Scalar> scalars, std::span<const Point> points) {
  if (scalars.size() != points.size()) {
    throw std::invalid_argument("msm_vartime: scalars and points differ in length");
  }
  if (points.empty())
    return Point::identity();
  if (points.size() < 64)
    return straus(scalars, points);
  return pippenger(scalars, points);
}

}  // namespace senim::crypto
