// Memory that wipes itself (crypto/secret_memory.hpp): a SecretVector's
// every buffer is zero when it is freed, growth and copies included; a
// SecretBuffer keeps its bytes across growth and zeroes what it drops.
#include "crypto/secret_memory.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <vector>

using senim::crypto::SecretBuffer;
using senim::crypto::WipingAllocator;

namespace {

// What the upstream allocator found in each buffer it was given back.
struct Freed {
  std::size_t buffers = 0;
  std::size_t nonzero = 0;  // buffers that still held a non-zero byte
};
Freed freed;

// std::allocator, except that it looks at a buffer before freeing it.
template <class T>
struct Inspecting {
  using value_type = T;
  Inspecting() = default;
  template <class U>
  Inspecting(const Inspecting<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, std::size_t n) {
    ++freed.buffers;
    const auto* bytes = reinterpret_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n * sizeof(T); ++i) {
      if (bytes[i] != 0) {
        ++freed.nonzero;
        break;
      }
    }
    std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const Inspecting<U>&) const {
    return true;
  }
};

using Watched =
    std::vector<std::uint32_t, WipingAllocator<std::uint32_t, Inspecting<std::uint32_t>>>;
using Unwiped = std::vector<std::uint32_t, Inspecting<std::uint32_t>>;

}  // namespace

TEST_CASE("a SecretVector's buffers are zero when freed, growth and copies included",
          "[crypto][secret]") {
  freed = {};
  {
    Watched v;
    for (std::uint32_t i = 1; i <= 1000; ++i)
      v.push_back(i);  // about ten reallocations, each freeing a full buffer
    const Watched copy = v;
    CHECK(copy.size() == 1000);
  }
  CHECK(freed.buffers >= 10);
  CHECK(freed.nonzero == 0);

  // The inspection itself works: without the wiping allocator, the same
  // buffers are freed holding the values.
  freed = {};
  {
    Unwiped v;
    for (std::uint32_t i = 1; i <= 1000; ++i)
      v.push_back(i);
  }
  CHECK(freed.buffers >= 10);
  CHECK(freed.nonzero == freed.buffers);
}

TEST_CASE("a SecretBuffer keeps its bytes as it grows and zeroes what it drops",
          "[crypto][secret]") {
  SecretBuffer b(4);
  CHECK(b.size() == 0);
  CHECK(b.capacity() == 4);
  b.resize(3);
  b.data()[0] = 'k';
  b.data()[1] = 'e';
  b.data()[2] = 'y';
  b.reserve(4096);  // a new guarded region; the old one is freed by sodium_free
  CHECK(b.capacity() == 4096);
  CHECK(b.view() == "key");
  b.resize(1);
  CHECK(b.view() == "k");
  // The dropped bytes are zero, not left behind in the region.
  CHECK(b.data()[1] == 0);
  CHECK(b.data()[2] == 0);
  b.resize(3);
  CHECK(b.view() == std::string_view("k\0\0", 3));

  SecretBuffer moved = std::move(b);
  CHECK(moved.view().size() == 3);
  // Moved-from is empty by contract: nothing is freed twice.
  CHECK(b.size() == 0);        // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  CHECK(b.data() == nullptr);  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
}
