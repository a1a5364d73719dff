#include "crypto/secret_memory.hpp"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace senim::crypto {

void wipe_memory(void* p, std::size_t bytes) {
  if (p != nullptr && bytes != 0)
    sodium_memzero(p, bytes);
}

SecretBuffer::SecretBuffer(std::size_t capacity) {
  reserve(capacity);
}

SecretBuffer::~SecretBuffer() {
  release();
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void SecretBuffer::release() {
  if (data_ != nullptr)
    sodium_free(data_);  // wipes the region before unmapping it
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
}

void SecretBuffer::reserve(std::size_t capacity) {
  if (capacity <= capacity_)
    return;
  auto* fresh = static_cast<std::uint8_t*>(sodium_malloc(capacity));
  if (fresh == nullptr)
    throw std::bad_alloc();
  std::memset(fresh, 0, capacity);  // sodium_malloc fills with 0xdb
  if (size_ != 0)
    std::memcpy(fresh, data_, size_);
  const std::size_t size = size_;
  release();
  data_ = fresh;
  size_ = size;
  capacity_ = capacity;
}

void SecretBuffer::resize(std::size_t size) {
  reserve(size);
  if (size < size_)
    wipe_memory(data_ + size, size_ - size);
  size_ = size;
}

}  // namespace senim::crypto
