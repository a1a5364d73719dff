#include "protocol/tree_head.hpp"

#include <algorithm>

#include "crypto/domain_tags.hpp"

namespace senim::protocol {

Bytes tree_head_signing_message(const std::string& election_id, std::uint64_t tree_size,
                                const Hash32& root, std::uint64_t timestamp_ms) {
  Bytes m;
  append_u32_be(m, static_cast<std::uint32_t>(crypto::tags::kTreeHeadSignature.size()));
  append(m, as_bytes(crypto::tags::kTreeHeadSignature));
  append_u32_be(m, static_cast<std::uint32_t>(election_id.size()));
  append(m, as_bytes(election_id));
  append_u64_be(m, tree_size);
  append(m, root);
  append_u64_be(m, timestamp_ms);
  return m;
}

v1::SignedTreeHead sign_tree_head(const SigningKey& board_key, const std::string& election_id,
                                  std::uint64_t tree_size, const Hash32& root,
                                  std::uint64_t timestamp_ms) {
  v1::SignedTreeHead head;
  head.set_election_id(election_id);
  head.set_tree_size(tree_size);
  head.set_root_hash(root.data(), root.size());
  head.set_timestamp_ms(timestamp_ms);
  const Signature sig =
      board_key.sign(tree_head_signing_message(election_id, tree_size, root, timestamp_ms));
  head.set_signature(sig.data(), sig.size());
  return head;
}

Status verify_tree_head(const v1::SignedTreeHead& head, ByteView board_key) {
  if (head.root_hash().size() != 32 || head.signature().size() != 64) {
    return make_error(Errc::invalid_length, "tree head root must be 32 bytes and signature 64");
  }
  const Bytes message = tree_head_signing_message(head.election_id(), head.tree_size(),
                                                  tree_head_root(head), head.timestamp_ms());
  if (!verify_signature(board_key, message, as_bytes(head.signature()))) {
    return make_error(Errc::signature_invalid,
                      "tree head of size " + std::to_string(head.tree_size()) +
                          " is not signed by board key " + to_hex(board_key));
  }
  return Status::success();
}

Hash32 tree_head_root(const v1::SignedTreeHead& head) {
  return to_hash32(head.root_hash());
}

}  // namespace senim::protocol
