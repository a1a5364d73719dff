#include "protocol/receipt.hpp"

#include <vector>

#include "crypto/merkle.hpp"
#include "protocol/tree_head.hpp"

namespace senim::protocol {
namespace {

Expected<std::vector<Hash32>> read_hashes(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<Hash32> out;
  for (const auto& h : in) {
    auto hash = crypto::merkle::hash_from_bytes(as_bytes(h));
    if (!hash)
      return hash.error();
    out.push_back(*hash);
  }
  return out;
}

}  // namespace

Status verify_receipt(const v1::Receipt& receipt, ByteView board_key, const Bytes* entry) {
  if (!same_bytes(receipt.board_key(), board_key)) {
    return make_error(Errc::signature_invalid, "the receipt names another board key");
  }
  const v1::SignedTreeHead& head = receipt.tree_head();
  if (auto s = verify_tree_head(head, board_key); !s)
    return s;
  if (head.election_id() != receipt.election_id()) {
    return make_error(Errc::invalid_argument, "the receipt's tree head is for another election");
  }
  auto leaf = crypto::merkle::hash_from_bytes(as_bytes(receipt.leaf_hash()));
  if (!leaf)
    return leaf.error();
  if (entry != nullptr && !(*leaf == crypto::merkle::leaf_hash(*entry))) {
    return make_error(Errc::merkle_root_mismatch, "the receipt's leaf hash is not the entry's");
  }
  const v1::InclusionProof& inclusion = receipt.inclusion();
  if (inclusion.leaf_index() != receipt.leaf_index() || inclusion.tree_size() != head.tree_size()) {
    return make_error(Errc::merkle_bad_proof, "the inclusion proof is for another leaf or size");
  }
  auto path = read_hashes(inclusion.hashes());
  if (!path)
    return path.error();
  return crypto::merkle::verify_inclusion(receipt.leaf_index(), head.tree_size(), *leaf, *path,
                                          tree_head_root(head));
}

Status verify_extends(const v1::SignedTreeHead& earlier, const v1::SignedTreeHead& later,
                      const v1::ConsistencyProof& proof, ByteView board_key) {
  if (auto s = verify_tree_head(later, board_key); !s)
    return s;
  if (later.election_id() != earlier.election_id()) {
    return make_error(Errc::invalid_argument, "the board's head is for another election");
  }
  if (later.tree_size() < earlier.tree_size()) {
    return make_error(Errc::merkle_bad_proof, "the board's log shrank from " +
                                                  std::to_string(earlier.tree_size()) + " to " +
                                                  std::to_string(later.tree_size()) + " entries");
  }
  if (later.tree_size() == earlier.tree_size()) {
    if (same_bytes(later.root_hash(), tree_head_root(earlier)))
      return Status::success();
    return make_error(Errc::merkle_root_mismatch,
                      "two signed heads of the same size with different roots");
  }
  if (proof.old_size() != earlier.tree_size() || proof.new_size() != later.tree_size()) {
    return make_error(Errc::merkle_bad_proof, "the consistency proof is for other sizes");
  }
  auto path = read_hashes(proof.hashes());
  if (!path)
    return path.error();
  return crypto::merkle::verify_consistency(earlier.tree_size(), later.tree_size(),
                                            tree_head_root(earlier), tree_head_root(later), *path);
}

Status verify_included(const v1::Receipt& receipt, const v1::SignedTreeHead& head,
                       const v1::InclusionProof& proof) {
  auto leaf = crypto::merkle::hash_from_bytes(as_bytes(receipt.leaf_hash()));
  if (!leaf)
    return leaf.error();
  if (proof.leaf_index() != receipt.leaf_index() || proof.tree_size() != head.tree_size()) {
    return make_error(Errc::merkle_bad_proof, "the inclusion proof is for another leaf or size");
  }
  auto path = read_hashes(proof.hashes());
  if (!path)
    return path.error();
  return crypto::merkle::verify_inclusion(receipt.leaf_index(), head.tree_size(), *leaf, *path,
                                          tree_head_root(head));
}

}  // namespace senim::protocol
