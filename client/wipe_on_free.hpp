// Every heap block the `senim` program frees is zeroed first
// (docs/threat-model.md, "Secrets in memory").
//
// senim wipes the secrets it holds itself (crypto/secret_memory.hpp,
// wipe_string, Scalars, SigningKey). What it cannot reach are the copies
// libraries make inside: protobuf's JSON converter copies a key file's seed
// into temporary strings, base64 and raw, and its parser keeps the whole
// message in an internal buffer that grows by reallocation. Those are freed
// through the global operator delete, which wipe_on_free.cpp replaces in the
// senim binary: each block is zeroed (its malloc_usable_size) before free().
// Memory that is never freed, the stack and registers are not covered.
#pragma once

#include <cstddef>

namespace senim::client {

// For tests: called for every block operator delete frees, once before it is
// wiped (wiped = false) and once after (true). nullptr turns it off.
using FreeObserver = void (*)(const void* block, std::size_t bytes, bool wiped);
void set_free_observer(FreeObserver observer);

}  // namespace senim::client
