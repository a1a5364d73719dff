#include "tests/tlog/tlog_test_support.hpp"

#include <stdexcept>
#include <vector>

namespace senim::tlog::test {

TestKey make_test_key_from_seed(const std::string& name, std::uint8_t type, ByteView seed) {
  Expected<protocol::SigningKey> key = protocol::SigningKey::from_seed(seed);
  if (!key)
    throw std::runtime_error(key.error().message);
  auto secret = std::make_shared<protocol::SigningKey>(std::move(*key));
  Expected<VerifierKey> vkey = make_verifier_key(name, type, secret->public_key());
  if (!vkey)
    throw std::runtime_error(vkey.error().message);
  return TestKey{std::move(secret), std::move(*vkey)};
}

TestKey make_test_key(const std::string& name, std::uint8_t type, std::uint8_t seed_byte) {
  const Bytes seed(32, seed_byte);
  return make_test_key_from_seed(name, type, seed);
}

std::string signed_note(const std::string& text, std::initializer_list<NoteSigner> signers) {
  const std::vector<NoteSigner> list(signers);
  Expected<std::string> note = sign_note(text, list);
  if (!note)
    throw std::runtime_error(note.error().message);
  return *note;
}

}  // namespace senim::tlog::test
