#include "tests/tlog/tlog_property_log.hpp"

#include <algorithm>
#include <set>

namespace senim::tlog::test {
namespace {

constexpr std::uint64_t kLeaves = 70001;

std::vector<std::uint64_t> sorted(const std::set<std::uint64_t>& values, std::uint64_t max) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t v : values) {
    if (v >= 1 && v <= max)
      out.push_back(v);
  }
  return out;
}

}  // namespace

PropertyLog& property_log() {
  static PropertyLog log = [] {
    PropertyLog out;
    for (std::uint64_t i = 0; i < kLeaves; ++i) {
      Bytes entry;
      append_u64_be(entry, i * 0x9E3779B97F4A7C15ULL);
      out.leaves.push_back(crypto::merkle::leaf_hash(entry));
      out.tree.append_leaf_hash(out.leaves.back());
      out.store.append_leaf_hash(out.leaves.back());
    }
    return out;
  }();
  return log;
}

std::vector<std::uint64_t> property_sizes() {
  std::set<std::uint64_t> sizes;
  for (std::uint64_t s = 1; s <= 1100; ++s)
    sizes.insert(s);
  for (std::uint64_t b : {256ULL, 512ULL, 65536ULL, 65536ULL + 256, 70000ULL}) {
    for (std::uint64_t s = b - 3; s <= b + 3; ++s)
      sizes.insert(s);
  }
  // A fixed spread (a linear congruential walk), so runs are reproducible.
  std::uint64_t x = 12345;
  for (int i = 0; i < 200; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    sizes.insert(1 + (x >> 33) % kLeaves);
  }
  return sorted(sizes, kLeaves);
}

std::vector<std::uint64_t> probe_indexes(std::uint64_t size) {
  std::set<std::uint64_t> out{0, size / 2, size - 1};
  if (size > 256)
    out.insert(255);
  std::vector<std::uint64_t> v(out.begin(), out.end());
  return v;
}

std::vector<std::uint64_t> probe_old_sizes(std::uint64_t size) {
  return sorted({1, size / 3, size - 1, size, 256, 65536}, size);
}

}  // namespace senim::tlog::test
