// The global allocation functions of the senim binary (wipe_on_free.hpp):
// malloc-based like the default ones, except that operator delete zeroes
// each block before handing it back. Linked into executables only, never
// into a library, so that each program chooses it.
#include "client/wipe_on_free.hpp"

#include <malloc.h>
#include <sodium.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace senim::client {
namespace {

std::atomic<FreeObserver> observer{nullptr};

void* allocate(std::size_t bytes, std::size_t alignment) {
  if (bytes == 0)
    bytes = 1;
  while (true) {
    void* p = nullptr;
    if (alignment <= alignof(std::max_align_t)) {
      p = std::malloc(bytes);
    } else if (::posix_memalign(&p, alignment, bytes) != 0) {
      p = nullptr;
    }
    if (p != nullptr)
      return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr)
      return nullptr;
    handler();
  }
}

void* allocate_or_throw(std::size_t bytes, std::size_t alignment) {
  void* p = allocate(bytes, alignment);
  if (p == nullptr)
    throw std::bad_alloc();
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr)
    return;
  const std::size_t bytes = ::malloc_usable_size(p);
  const FreeObserver watch = observer.load(std::memory_order_relaxed);
  if (watch != nullptr)
    watch(p, bytes, false);
  sodium_memzero(p, bytes);
  if (watch != nullptr)
    watch(p, bytes, true);
  std::free(p);
}

}  // namespace

void set_free_observer(FreeObserver o) {
  observer.store(o);
}

}  // namespace senim::client

// Replaceable allocation functions ([new.delete]): all the forms.
void* operator new(std::size_t n) {
  return senim::client::allocate_or_throw(n, 0);
}
void* operator new[](std::size_t n) {
  return senim::client::allocate_or_throw(n, 0);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return senim::client::allocate(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return ::operator new(n, std::nothrow);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return senim::client::allocate_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return senim::client::allocate_or_throw(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return senim::client::allocate(n, static_cast<std::size_t>(a));
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return ::operator new(n, a, std::nothrow);
}

void operator delete(void* p) noexcept {
  senim::client::release(p);
}
void operator delete[](void* p) noexcept {
  senim::client::release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  senim::client::release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  senim::client::release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  senim::client::release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  senim::client::release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  senim::client::release(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  senim::client::release(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  senim::client::release(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  senim::client::release(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  senim::client::release(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  senim::client::release(p);
}
