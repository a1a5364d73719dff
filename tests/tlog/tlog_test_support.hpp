// Shared by the tlog tests: deterministic keys — an Ed25519 key from a
// one-byte seed pattern, and the vkey and signers made from it, through
// protocol::SigningKey exactly as the board and a witness will hold theirs —
// and the error code of a result that must be an error.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "protocol/signing.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"

namespace senim::tlog::test {

struct TestKey {
  std::shared_ptr<protocol::SigningKey> secret;
  VerifierKey vkey;

  Ed25519SignFn sign_fn() const {
    return [secret = secret](ByteView message) { return secret->sign(message); };
  }
  // A type-0x01 note signer (the log).
  NoteSigner note_signer() const { return *ed25519_note_signer(vkey, sign_fn()); }
  // A cosignature/v1 signer at `timestamp` (a witness).
  NoteSigner cosigner(std::uint64_t timestamp) const {
    return *cosignature_v1_signer(vkey, sign_fn(), timestamp);
  }
};

// Seed = 32 bytes of `seed_byte`. Throws if the name is invalid.
TestKey make_test_key(const std::string& name, std::uint8_t type, std::uint8_t seed_byte);
// From an explicit 32-byte seed.
TestKey make_test_key_from_seed(const std::string& name, std::uint8_t type, ByteView seed);

// A signed note of `text` by `signers`, or a thrown error.
std::string signed_note(const std::string& text, std::initializer_list<NoteSigner> signers);

// The code of a result that must have failed (the test stops if it did not).
template <class T>
Errc code_of(const Expected<T>& result) {
  REQUIRE_FALSE(result.ok());
  INFO(result.error().message);
  return result.error().code;
}

}  // namespace senim::tlog::test
