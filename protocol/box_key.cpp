#include "protocol/box_key.hpp"

#include "crypto/domain_tags.hpp"

namespace senim::protocol {

Bytes box_key_signing_message(std::string_view election_id, const PublicKey& board_key,
                              const crypto::BoxPublicKey& box_key) {
  const std::string_view tag = crypto::tags::kCeremonyBoxKey;
  Bytes m;
  m.reserve(4 + tag.size() + 4 + election_id.size() + board_key.size() + box_key.size());
  append_u32_be(m, static_cast<std::uint32_t>(tag.size()));
  append(m, as_bytes(tag));
  append_u32_be(m, static_cast<std::uint32_t>(election_id.size()));
  append(m, as_bytes(election_id));
  append(m, board_key);
  append(m, box_key);
  return m;
}

Status verify_box_key_signature(const PublicKey& trustee_signing_key, std::string_view election_id,
                                const PublicKey& board_key, const crypto::BoxPublicKey& box_key,
                                ByteView signature) {
  if (signature.size() != sizeof(Signature)) {
    return make_error(Errc::invalid_length, "box key signature must be 64 bytes, got " +
                                                std::to_string(signature.size()));
  }
  const Bytes message = box_key_signing_message(election_id, board_key, box_key);
  if (!verify_signature(trustee_signing_key, message, signature)) {
    return make_error(Errc::signature_invalid,
                      "box key " + to_hex(box_key) +
                          " is not signed by its trustee for election \"" +
                          std::string(election_id) + "\" on board " + to_hex(board_key) +
                          ": it was made for another ceremony, or not by this trustee");
  }
  return Status::success();
}

}  // namespace senim::protocol
