// Memory for secrets that wipes itself (docs/protocol.md §2.3,
// docs/threat-model.md "Secrets in memory").
//
// Two shapes, for the two ways secrets are held:
//  - SecretVector<T>: a std::vector whose every buffer is zeroed
//    (sodium_memzero) before it is freed, including the old buffers a growing
//    vector leaves behind and the buffers of its copies. For small secrets
//    that live in ordinary data structures: a voter's 0/1 choices.
//  - SecretBuffer: bytes in libsodium's guarded memory (sodium_malloc: not
//    swapped, guard pages, wiped by sodium_free), growable. For a secret on
//    its way to or from disk: the text of a key file, its protobuf bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace senim::crypto {

// Zeroes `bytes` bytes at `p` in a way the compiler cannot elide.
void wipe_memory(void* p, std::size_t bytes);

// An allocator that wipes what it frees, then hands it to `Upstream`.
template <class T, class Upstream = std::allocator<T>>
class WipingAllocator {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other =
        WipingAllocator<U, typename std::allocator_traits<Upstream>::template rebind_alloc<U>>;
  };

  WipingAllocator() = default;
  template <class U, class V>
  WipingAllocator(const WipingAllocator<U, V>& other)  // NOLINT(google-explicit-constructor)
      : upstream_(other.upstream()) {}

  T* allocate(std::size_t n) { return std::allocator_traits<Upstream>::allocate(upstream_, n); }
  void deallocate(T* p, std::size_t n) {
    wipe_memory(p, n * sizeof(T));
    std::allocator_traits<Upstream>::deallocate(upstream_, p, n);
  }
  const Upstream& upstream() const { return upstream_; }

  template <class U, class V>
  bool operator==(const WipingAllocator<U, V>& other) const {
    return upstream_ == other.upstream();
  }

 private:
  Upstream upstream_;
};

template <class T>
using SecretVector = std::vector<T, WipingAllocator<T>>;

class SecretBuffer {
 public:
  SecretBuffer() = default;
  // Empty, with room for `capacity` bytes.
  explicit SecretBuffer(std::size_t capacity);
  ~SecretBuffer();
  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }

  // Makes room for `capacity` bytes: a new guarded region, the bytes copied,
  // the old region wiped and freed. Throws std::bad_alloc.
  void reserve(std::size_t capacity);
  // Sets the size; growing (with reserve) leaves the new bytes zero.
  void resize(std::size_t size);

 private:
  void release();

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace senim::crypto
