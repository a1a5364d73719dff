// The Merkle log (docs/protocol.md §7) against RFC 6962 / RFC 9162: the public
// vectors and probes in tests/data/merkle_rfc6962.json, and a property test
// against a deliberately naive reference written straight from the RFC's
// recursive definitions of MTH, PATH and PROOF.
#include "crypto/merkle.hpp"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/merkle_compact_range.hpp"
#include "tests/test_data.hpp"

using senim::Bytes;
using senim::ByteView;
using senim::Errc;
using senim::Hash32;
using senim::Status;
using senim::crypto::merkle::MerkleLog;
namespace merkle = senim::crypto::merkle;

namespace {

using Proof = std::vector<Hash32>;

const nlohmann::json& vectors() {
  static const nlohmann::json data = senim::test::load_json("merkle_rfc6962.json");
  return data;
}

Hash32 hash32(const std::string& hex) {
  auto h = merkle::hash_from_bytes(senim::test::hex(hex));
  if (!h)
    throw std::runtime_error("not a 32-byte hash in test data: " + hex);
  return *h;
}

Proof proof_from(const nlohmann::json& list) {
  Proof out;
  for (const auto& h : list)
    out.push_back(hash32(h.get<std::string>()));
  return out;
}

MerkleLog vector_log() {
  MerkleLog log;
  for (const auto& leaf : vectors()["leaves_hex"])
    log.append(senim::test::hex(leaf.get<std::string>()));
  return log;
}

// ------------------------------------------------------------------------
// The naive reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 as written,
// recursive over slices of leaf hashes, nothing stored, nothing clever.
namespace ref {

using Leaves = std::span<const Hash32>;

Hash32 sha256(const Bytes& input) {
  Hash32 out{};
  crypto_hash_sha256(out.data(), input.data(), input.size());
  return out;
}

Hash32 leaf(ByteView data) {  // HASH(0x00 || d)
  Bytes input{0x00};
  input.insert(input.end(), data.begin(), data.end());
  return sha256(input);
}

Hash32 node(const Hash32& left, const Hash32& right) {  // HASH(0x01 || left || right)
  Bytes input{0x01};
  input.insert(input.end(), left.begin(), left.end());
  input.insert(input.end(), right.begin(), right.end());
  return sha256(input);
}

// The largest power of two smaller than n (n > 1), by doubling.
std::uint64_t k_for(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k < n - k)
    k *= 2;  // k·2 < n, without overflow
  return k;
}

// MTH(D[n]) of leaf hashes: MTH({}) = HASH(), MTH({d}) = leaf hash.
Hash32 mth(Leaves d) {
  if (d.empty())
    return sha256({});
  if (d.size() == 1)
    return d[0];
  const auto k = k_for(d.size());
  return node(mth(d.first(k)), mth(d.subspan(k)));
}

// PATH(m, D[n]).
Proof path(std::uint64_t m, Leaves d) {
  if (d.size() == 1)
    return {};
  const auto k = k_for(d.size());
  Proof p = m < k ? path(m, d.first(k)) : path(m - k, d.subspan(k));
  p.push_back(m < k ? mth(d.subspan(k)) : mth(d.first(k)));
  return p;
}

// SUBPROOF(m, D[n], b).
Proof subproof(std::uint64_t m, Leaves d, bool b) {
  if (m == d.size())
    return b ? Proof{} : Proof{mth(d)};
  const auto k = k_for(d.size());
  Proof p = m <= k ? subproof(m, d.first(k), b) : subproof(m - k, d.subspan(k), false);
  p.push_back(m <= k ? mth(d.subspan(k)) : mth(d.first(k)));
  return p;
}

// PROOF(m, D[n]), 0 < m <= n.
Proof proof(std::uint64_t m, Leaves d) {
  return subproof(m, d, true);
}

// The lengths of PATH and PROOF, by the same recursions without hashing.
std::uint64_t path_length(std::uint64_t m, std::uint64_t n) {
  if (n == 1)
    return 0;
  const auto k = k_for(n);
  return 1 + (m < k ? path_length(m, k) : path_length(m - k, n - k));
}

std::uint64_t proof_length(std::uint64_t m, std::uint64_t n, bool b = true) {
  if (m == n)
    return b ? 0 : 1;
  const auto k = k_for(n);
  return 1 + (m <= k ? proof_length(m, k, b) : proof_length(m - k, n - k, false));
}

}  // namespace ref

// ------------------------------------------------------------------------
// The error a verifier owes each false claim, decided from the reference's
// proof lengths alone (docs/protocol.md §7.5): impossible sizes and proofs of
// the wrong length are merkle_bad_proof; a well-formed proof that leads to
// another root is merkle_root_mismatch.

Errc expected_inclusion_error(std::uint64_t index, std::uint64_t size, std::size_t proof_size) {
  if (index >= size || proof_size != ref::path_length(index, size))
    return Errc::merkle_bad_proof;
  return Errc::merkle_root_mismatch;
}

Errc expected_consistency_error(std::uint64_t m, std::uint64_t n, std::size_t proof_size) {
  if (m == 0 || m > n)
    return Errc::merkle_bad_proof;
  if (m == n)
    return proof_size == 0 ? Errc::merkle_root_mismatch : Errc::merkle_bad_proof;
  if (proof_size != ref::proof_length(m, n))
    return Errc::merkle_bad_proof;
  return Errc::merkle_root_mismatch;
}

std::string code_of(const Status& s) {
  return s.ok() ? std::string("ok") : std::string(senim::errc_name(s.error().code));
}

// Collects failures of a large loop so that a passing run costs no Catch
// assertion per check, and a failing one names the first cases.
class Failures {
 public:
  void expect(bool ok, const std::function<std::string()>& describe) {
    ++checks_;
    if (!ok)
      failures_.push_back(describe());
  }
  std::size_t checks() const { return checks_; }
  bool empty() const { return failures_.empty(); }
  std::string summary() const {
    std::ostringstream out;
    out << failures_.size() << " of " << checks_ << " checks failed";
    for (std::size_t i = 0; i < failures_.size() && i < 20; ++i)
      out << "\n  " << failures_[i];
    return out.str();
  }

 private:
  std::size_t checks_ = 0;
  std::vector<std::string> failures_;
};

// ------------------------------------------------------------------------
// Tamper cases: each honest claim, broken one way at a time, named for what
// it breaks, with the error it must produce.

struct InclusionClaim {
  std::uint64_t index;
  std::uint64_t size;
  Hash32 leaf;
  Proof proof;
  Hash32 root;
};

struct ConsistencyClaim {
  std::uint64_t old_size;
  std::uint64_t new_size;
  Hash32 old_root;
  Hash32 new_root;
  Proof proof;
};

template <class Claim>
struct Tampered {
  std::string name;
  Claim claim;
  Errc want;
};

void flip_bit(Hash32& h, std::size_t bit) {
  h[(bit / 8) % h.size()] ^= static_cast<std::uint8_t>(1U << (bit % 8));
}

// roots[s] is the root of the first s leaves; it must reach honest.size + 1.
std::vector<Tampered<InclusionClaim>> tamper_inclusion(const InclusionClaim& honest,
                                                       const std::vector<Hash32>& roots) {
  std::vector<Tampered<InclusionClaim>> out;
  auto add = [&](std::string name, const InclusionClaim& c, Errc want) {
    out.push_back({std::move(name), c, want});
  };
  for (std::size_t i = 0; i < honest.proof.size(); ++i) {
    InclusionClaim c = honest;
    const std::size_t bit = (i * 37 + 3) % 256;
    flip_bit(c.proof[i], bit);
    add("modified-proof@" + std::to_string(i) + "-bit-" + std::to_string(bit), c,
        Errc::merkle_root_mismatch);
  }
  if (!honest.proof.empty()) {
    InclusionClaim truncated = honest;
    truncated.proof.pop_back();
    add("truncated-proof", truncated, Errc::merkle_bad_proof);
    InclusionClaim removed = honest;
    removed.proof.erase(removed.proof.begin());
    add("removed-first-hash", removed, Errc::merkle_bad_proof);
  }
  InclusionClaim extended = honest;
  extended.proof.push_back(honest.root);
  add("trailing-root", extended, Errc::merkle_bad_proof);
  InclusionClaim preceding = honest;
  preceding.proof.insert(preceding.proof.begin(), honest.leaf);
  add("preceding-leaf", preceding, Errc::merkle_bad_proof);
  InclusionClaim wrong_leaf = honest;
  flip_bit(wrong_leaf.leaf, 0);
  add("wrong-leaf", wrong_leaf, Errc::merkle_root_mismatch);
  InclusionClaim wrong_root = honest;
  flip_bit(wrong_root.root, 255);
  add("wrong-root", wrong_root, Errc::merkle_root_mismatch);
  InclusionClaim empty_root = honest;
  empty_root.root = merkle::empty_root();
  add("empty-root", empty_root, Errc::merkle_root_mismatch);
  // The same proof claimed for a neighbouring index in the same tree.
  for (const std::uint64_t index : {honest.index + 1, honest.index - 1, honest.index ^ 2U}) {
    if (index == honest.index)
      continue;
    InclusionClaim c = honest;
    c.index = index;
    add("index-" + std::to_string(index), c,
        expected_inclusion_error(index, c.size, c.proof.size()));
  }
  // The proof for this size presented against the head of a neighbouring size.
  for (const std::uint64_t size : {honest.size + 1, honest.size - 1}) {
    InclusionClaim c = honest;
    c.size = size;
    c.root = roots[size];
    add("head-of-size-" + std::to_string(size), c,
        expected_inclusion_error(c.index, size, c.proof.size()));
  }
  return out;
}

// roots[s] is the root of the first s leaves; it must reach honest.new_size + 1.
std::vector<Tampered<ConsistencyClaim>> tamper_consistency(const ConsistencyClaim& honest,
                                                           const std::vector<Hash32>& roots) {
  std::vector<Tampered<ConsistencyClaim>> out;
  auto add = [&](std::string name, const ConsistencyClaim& c, Errc want) {
    out.push_back({std::move(name), c, want});
  };
  for (std::size_t i = 0; i < honest.proof.size(); ++i) {
    ConsistencyClaim c = honest;
    const std::size_t bit = (i * 37 + 4) % 256;
    flip_bit(c.proof[i], bit);
    add("modified-proof@" + std::to_string(i) + "-bit-" + std::to_string(bit), c,
        Errc::merkle_root_mismatch);
  }
  ConsistencyClaim truncated = honest;
  truncated.proof.pop_back();
  add("truncated-proof", truncated, Errc::merkle_bad_proof);
  ConsistencyClaim empty = honest;
  empty.proof.clear();
  add("empty-proof", empty, Errc::merkle_bad_proof);
  ConsistencyClaim trailing = honest;
  trailing.proof.push_back(honest.new_root);
  add("trailing-root2", trailing, Errc::merkle_bad_proof);
  ConsistencyClaim preceding = honest;
  preceding.proof.insert(preceding.proof.begin(), honest.old_root);
  add("preceding-root1", preceding, Errc::merkle_bad_proof);
  ConsistencyClaim swapped = honest;
  std::swap(swapped.old_root, swapped.new_root);
  add("swapped-roots", swapped, Errc::merkle_root_mismatch);
  ConsistencyClaim wrong_old = honest;
  flip_bit(wrong_old.old_root, 7);
  add("wrong-root1", wrong_old, Errc::merkle_root_mismatch);
  ConsistencyClaim wrong_new = honest;
  flip_bit(wrong_new.new_root, 7);
  add("wrong-root2", wrong_new, Errc::merkle_root_mismatch);
  // The proof presented between the heads of neighbouring sizes.
  const std::uint64_t m = honest.old_size;
  const std::uint64_t n = honest.new_size;
  for (const auto& [old_size, new_size] :
       {std::pair{m + 1, n}, std::pair{m - 1, n}, std::pair{m, n + 1}, std::pair{m, n - 1}}) {
    ConsistencyClaim c = honest;
    c.old_size = old_size;
    c.new_size = new_size;
    c.old_root = roots[old_size];
    c.new_root = roots[new_size];
    add("heads-of-sizes-" + std::to_string(old_size) + "-" + std::to_string(new_size), c,
        expected_consistency_error(old_size, new_size, c.proof.size()));
  }
  return out;
}

Status check(const InclusionClaim& c) {
  return merkle::verify_inclusion(c.index, c.size, c.leaf, c.proof, c.root);
}

Status check(const ConsistencyClaim& c) {
  return merkle::verify_consistency(c.old_size, c.new_size, c.old_root, c.new_root, c.proof);
}

// Every value in [0, n) for small n; above that a dense sample keeping every
// boundary: the first and last 24, every power of two and its neighbours, and
// every 5th value.
std::vector<std::uint64_t> sample_below(std::uint64_t n) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t v = 0; v < n; ++v) {
    const bool near_power = std::has_single_bit(v) || std::has_single_bit(v + 1) ||
                            (v > 1 && std::has_single_bit(v - 1));
    if (n <= 96 || v < 24 || v + 24 >= n || near_power || v % 5 == 0)
      out.push_back(v);
  }
  return out;
}

}  // namespace

// ========================================================================
// The public vectors

TEST_CASE("leaf and node hashes match the RFC 6962 vectors", "[merkle][rfc9162]") {
  const auto& v = vectors();
  const auto& leaves = v["leaves_hex"];
  const auto& leaf_hashes = v["leaf_hashes"];
  REQUIRE(leaves.size() == 8);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    INFO("leaf " << i);
    CHECK(merkle::leaf_hash(senim::test::hex(leaves[i].get<std::string>())) ==
          hash32(leaf_hashes[i].get<std::string>()));
  }
  // Level l+1 of the complete subtrees is node_hash of pairs at level l.
  const auto& levels = v["complete_subtree_hashes"];
  for (std::size_t l = 0; l + 1 < levels.size(); ++l) {
    const auto& below = levels[l]["hashes"];
    const auto& above = levels[l + 1]["hashes"];
    for (std::size_t i = 0; i < above.size(); ++i) {
      INFO("level " << l + 1 << " index " << i);
      CHECK(merkle::node_hash(hash32(below[2 * i].get<std::string>()),
                              hash32(below[2 * i + 1].get<std::string>())) ==
            hash32(above[i].get<std::string>()));
    }
  }
  CHECK(merkle::empty_root() == hash32(v["empty_tree_root"].get<std::string>()));
}

TEST_CASE("MerkleLog roots for sizes 0 to 8 match the vectors", "[merkle][rfc9162]") {
  const auto& v = vectors();
  MerkleLog log;
  CHECK(log.size() == 0);
  CHECK(log.root() == hash32(v["empty_tree_root"].get<std::string>()));
  const auto& leaves = v["leaves_hex"];
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    CHECK(log.append(senim::test::hex(leaves[i].get<std::string>())) == i);
    const auto& expected = v["roots"][i];
    REQUIRE(expected["size"].get<std::uint64_t>() == i + 1);
    INFO("size " << i + 1);
    CHECK(log.size() == i + 1);
    CHECK(log.root() == hash32(expected["root"].get<std::string>()));
  }
  // Every earlier size, from the full log.
  CHECK(*log.root_at(0) == merkle::empty_root());
  for (const auto& r : v["roots"]) {
    const auto size = r["size"].get<std::uint64_t>();
    INFO("root_at(" << size << ")");
    CHECK(*log.root_at(size) == hash32(r["root"].get<std::string>()));
  }
}

TEST_CASE("each complete subtree hash is the root of a log of just its leaves",
          "[merkle][rfc9162]") {
  const auto& v = vectors();
  const auto& leaf_hashes = v["leaf_hashes"];
  for (const auto& level : v["complete_subtree_hashes"]) {
    const auto l = level["level"].get<std::uint64_t>();
    const std::uint64_t width = std::uint64_t{1} << l;
    const auto& hashes = level["hashes"];
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      INFO("level " << l << " index " << i);
      MerkleLog sub;
      for (std::uint64_t j = i * width; j < (i + 1) * width; ++j) {
        sub.append_leaf_hash(hash32(leaf_hashes[j].get<std::string>()));
      }
      CHECK(sub.root() == hash32(hashes[i].get<std::string>()));
    }
  }
}

TEST_CASE("inclusion proofs made by MerkleLog equal the vectors and verify", "[merkle][rfc9162]") {
  const auto& v = vectors();
  const MerkleLog log = vector_log();
  for (const auto& c : v["inclusion"]) {
    const auto index = c["leaf_index"].get<std::uint64_t>();
    const auto size = c["tree_size"].get<std::uint64_t>();
    INFO("leaf " << index << " in tree of size " << size);
    const Proof expected = proof_from(c["proof"]);
    const auto made = log.inclusion_proof(index, size);
    REQUIRE(made.ok());
    CHECK(*made == expected);
    const Hash32 leaf = hash32(v["leaf_hashes"][index].get<std::string>());
    const Hash32 root = hash32(v["roots"][size - 1]["root"].get<std::string>());
    const auto computed = merkle::root_from_inclusion_proof(index, size, leaf, expected);
    REQUIRE(computed.ok());
    CHECK(*computed == root);
    CHECK(merkle::verify_inclusion(index, size, leaf, expected, root).ok());
  }
}

TEST_CASE("consistency proofs made by MerkleLog equal the vectors and verify",
          "[merkle][rfc9162]") {
  const auto& v = vectors();
  const MerkleLog log = vector_log();
  for (const auto& c : v["consistency"]) {
    const auto m = c["size1"].get<std::uint64_t>();
    const auto n = c["size2"].get<std::uint64_t>();
    INFO("from size " << m << " to " << n);
    const Proof expected = proof_from(c["proof"]);
    const auto made = log.consistency_proof(m, n);
    REQUIRE(made.ok());
    CHECK(*made == expected);
    const Hash32 old_root = hash32(v["roots"][m - 1]["root"].get<std::string>());
    const Hash32 new_root = hash32(v["roots"][n - 1]["root"].get<std::string>());
    const Status s = merkle::verify_consistency(m, n, old_root, new_root, expected);
    INFO(code_of(s) << (s.ok() ? "" : ": " + s.error().message));
    CHECK(s.ok());
  }
}

// ========================================================================
// The probes: valid claims and must-fail ones, each decided as the data says.
// A field that is not 32 bytes (a 9-byte "wrong leaf", an empty "garbage"
// proof element) is rejected when it is read, before any verification.

TEST_CASE("every inclusion probe is decided as the vectors say", "[merkle][rfc9162]") {
  std::size_t accepted = 0;
  std::size_t rejected_on_reading = 0;
  std::size_t rejected = 0;
  for (const auto& p : vectors()["inclusion_probes"]) {
    INFO(p["file"].get<std::string>() << " (" << p["desc"].get<std::string>() << ")");
    const bool valid = p["valid"].get<bool>();
    const auto index = p["leaf_index"].get<std::uint64_t>();
    const auto size = p["tree_size"].get<std::uint64_t>();

    auto leaf = merkle::hash_from_bytes(senim::test::hex(p["leaf_hash"].get<std::string>()));
    auto root = merkle::hash_from_bytes(senim::test::hex(p["root"].get<std::string>()));
    Proof proof;
    bool reads = leaf.ok() && root.ok();
    for (const auto& h : p["proof"]) {
      auto element = merkle::hash_from_bytes(senim::test::hex(h.get<std::string>()));
      if (element) {
        proof.push_back(*element);
      } else {
        CHECK(element.error().code == Errc::invalid_length);
        reads = false;
      }
    }
    if (!reads) {
      CHECK_FALSE(valid);
      ++rejected_on_reading;
      continue;
    }

    const Status s = merkle::verify_inclusion(index, size, *leaf, proof, *root);
    INFO("got " << code_of(s) << (s.ok() ? "" : ": " + s.error().message));
    if (valid) {
      CHECK(s.ok());
      ++accepted;
    } else {
      REQUIRE_FALSE(s.ok());
      CHECK(s.error().code == expected_inclusion_error(index, size, proof.size()));
      ++rejected;
    }
  }
  CHECK(accepted + rejected_on_reading + rejected == 98);
  CHECK(accepted == 6);
}

TEST_CASE("every consistency probe is decided as the vectors say", "[merkle][rfc9162]") {
  // The one deliberate departure (docs/protocol.md §7.5): this probe expects
  // acceptance of two equal 12-byte "roots". senim's roots are 32-byte
  // hashes, so those bytes are rejected when read, before the consistency
  // policy (which, for 32-byte roots, accepts exactly this case; see the
  // test of the equal-size policy below).
  const std::string kDummyRoots =
      "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";
  std::size_t accepted = 0;
  std::size_t rejected_on_reading = 0;
  std::size_t rejected = 0;
  for (const auto& p : vectors()["consistency_probes"]) {
    const auto file = p["file"].get<std::string>();
    INFO(file << " (" << p["desc"].get<std::string>() << ")");
    const bool valid = p["valid"].get<bool>();
    const auto m = p["size1"].get<std::uint64_t>();
    const auto n = p["size2"].get<std::uint64_t>();

    auto old_root = merkle::hash_from_bytes(senim::test::hex(p["root1"].get<std::string>()));
    auto new_root = merkle::hash_from_bytes(senim::test::hex(p["root2"].get<std::string>()));
    Proof proof;
    bool reads = old_root.ok() && new_root.ok();
    if (!old_root)
      CHECK(old_root.error().code == Errc::invalid_length);
    if (!new_root)
      CHECK(new_root.error().code == Errc::invalid_length);
    for (const auto& h : p["proof"]) {
      auto element = merkle::hash_from_bytes(senim::test::hex(h.get<std::string>()));
      if (element) {
        proof.push_back(*element);
      } else {
        CHECK(element.error().code == Errc::invalid_length);
        reads = false;
      }
    }
    if (!reads) {
      CHECK((!valid || file == kDummyRoots));
      ++rejected_on_reading;
      continue;
    }

    const Status s = merkle::verify_consistency(m, n, *old_root, *new_root, proof);
    INFO("got " << code_of(s) << (s.ok() ? "" : ": " + s.error().message));
    if (valid) {
      CHECK(s.ok());
      ++accepted;
    } else {
      REQUIRE_FALSE(s.ok());
      CHECK(s.error().code == expected_consistency_error(m, n, proof.size()));
      ++rejected;
    }
  }
  CHECK(accepted + rejected_on_reading + rejected == 98);
  CHECK(accepted == 5);  // 6 valid probes, less the dummy-roots one
}

TEST_CASE("consistency policy: old size 0 is always rejected", "[merkle][rfc9162]") {
  // RFC 9162 §2.1.4.2 defines 0 < first < second only; every tree extends the
  // empty one, so such a "proof" is no evidence of anything (§7.5).
  const Hash32 e = merkle::empty_root();
  const Hash32 one = merkle::leaf_hash({});
  CHECK(merkle::verify_consistency(0, 0, e, e, {}).error().code == Errc::merkle_bad_proof);
  CHECK(merkle::verify_consistency(0, 1, e, one, {}).error().code == Errc::merkle_bad_proof);
  const Proof p{one};
  CHECK(merkle::verify_consistency(0, 1, e, one, p).error().code == Errc::merkle_bad_proof);
  MerkleLog log;
  log.append({});
  CHECK(log.consistency_proof(0, 1).error().code == Errc::invalid_argument);
  CHECK(log.consistency_proof(0, 0).error().code == Errc::invalid_argument);
}

TEST_CASE("consistency policy: equal sizes need an empty proof and equal roots",
          "[merkle][rfc9162]") {
  MerkleLog log;
  for (int i = 0; i < 5; ++i)
    log.append(senim::as_bytes(std::to_string(i)));
  for (std::uint64_t m = 1; m <= 5; ++m) {
    INFO("size " << m);
    const auto proof = log.consistency_proof(m, m);
    REQUIRE(proof.ok());
    CHECK(proof->empty());
    const Hash32 root = *log.root_at(m);
    CHECK(merkle::verify_consistency(m, m, root, root, {}).ok());
    const Hash32 other = *log.root_at(m - 1);
    CHECK(merkle::verify_consistency(m, m, root, other, {}).error().code ==
          Errc::merkle_root_mismatch);
    const Proof extra{root};
    CHECK(merkle::verify_consistency(m, m, root, root, extra).error().code ==
          Errc::merkle_bad_proof);
  }
}

TEST_CASE("a hash that is not 32 bytes is rejected when read", "[merkle][rfc9162]") {
  CHECK(merkle::hash_from_bytes(Bytes(31, 0)).error().code == Errc::invalid_length);
  CHECK(merkle::hash_from_bytes(Bytes(33, 0)).error().code == Errc::invalid_length);
  CHECK(merkle::hash_from_bytes(Bytes{}).error().code == Errc::invalid_length);
  CHECK(merkle::hash_from_bytes(Bytes(32, 0)).ok());
  CHECK(merkle::hash_from_bytes(Bytes(12, 0)).error().message ==
        "a Merkle hash must be 32 bytes, got 12");
}

// ========================================================================
// Arguments and sizes

TEST_CASE("MerkleLog rejects out-of-range arguments, naming the values", "[merkle][rfc9162]") {
  MerkleLog log;
  for (int i = 0; i < 8; ++i)
    log.append(senim::as_bytes(std::to_string(i)));

  auto incl = log.inclusion_proof(9, 8);
  REQUIRE_FALSE(incl.ok());
  CHECK(incl.error().code == Errc::invalid_argument);
  CHECK(incl.error().message == "index 9 out of bounds for tree of size 8");
  CHECK(log.inclusion_proof(8, 8).error().message == "index 8 out of bounds for tree of size 8");
  CHECK(log.inclusion_proof(0, 0).error().code == Errc::invalid_argument);
  CHECK(log.inclusion_proof(0, 9).error().message == "tree size 9 exceeds log size 8");
  CHECK(log.root_at(9).error().message == "tree size 9 exceeds log size 8");
  CHECK(log.consistency_proof(5, 4).error().message == "old size 5 exceeds new size 4");
  CHECK(log.consistency_proof(1, 9).error().message == "tree size 9 exceeds log size 8");

  const Hash32 h = merkle::leaf_hash({});
  const Status out_of_bounds = merkle::verify_inclusion(9, 8, h, {}, h);
  CHECK(out_of_bounds.error().code == Errc::merkle_bad_proof);
  CHECK(out_of_bounds.error().message == "index 9 out of bounds for tree of size 8");
  const Status shrinking = merkle::verify_consistency(5, 4, h, h, {});
  CHECK(shrinking.error().code == Errc::merkle_bad_proof);
  CHECK(shrinking.error().message == "old size 5 exceeds new size 4");
  const Status short_proof = merkle::verify_inclusion(0, 8, h, {}, h);
  CHECK(short_proof.error().message ==
        "inclusion proof for index 0 in tree of size 8 has 0 hashes, want 3");
}

TEST_CASE("the tree size is bound by the signed head, not by the inclusion proof",
          "[merkle][rfc9162]") {
  // docs/protocol.md §7.5: leaf 4's proof in the 7-tree takes the same
  // left/right steps as in an 8-tree, so "leaf 4, size 8, root of the
  // 7-tree" verifies. Verifiers must take size and root from one head.
  MerkleLog log;
  for (int i = 0; i < 8; ++i)
    log.append(senim::as_bytes(std::to_string(i)));
  const Hash32 leaf4 = merkle::leaf_hash(senim::as_bytes("4"));
  const Proof proof7 = *log.inclusion_proof(4, 7);
  const Hash32 root7 = *log.root_at(7);
  CHECK(merkle::verify_inclusion(4, 7, leaf4, proof7, root7).ok());
  CHECK(merkle::verify_inclusion(4, 8, leaf4, proof7, root7).ok());
  // With the head of size 8 itself, the 7-tree's proof fails.
  CHECK(merkle::verify_inclusion(4, 8, leaf4, proof7, log.root()).error().code ==
        Errc::merkle_root_mismatch);
}

TEST_CASE("appending an entry and appending its leaf hash give the same tree",
          "[merkle][rfc9162]") {
  MerkleLog by_entry;
  MerkleLog by_hash;
  for (int i = 0; i < 40; ++i) {
    const std::string entry = "entry " + std::to_string(i);
    by_entry.append(senim::as_bytes(entry));
    by_hash.append_leaf_hash(ref::leaf(senim::as_bytes(entry)));
    CHECK(by_entry.root() == by_hash.root());
  }
}

TEST_CASE("verification at sizes near 2^64 neither overflows nor crashes", "[merkle][rfc9162]") {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const Hash32 h = merkle::leaf_hash({});
  struct Case {
    std::uint64_t index;
    std::uint64_t size;
  };
  // 2^63 + 1 leaves: the path of leaf 0 crosses all 64 levels.
  for (const Case c : {Case{0, (kMax >> 1) + 2}, Case{kMax - 1, kMax}, Case{kMax >> 1, kMax},
                       Case{0, kMax}, Case{12345, kMax}}) {
    INFO("index " << c.index << " size " << c.size);
    const std::uint64_t length = ref::path_length(c.index, c.size);
    CHECK(merkle::verify_inclusion(c.index, c.size, h, Proof(length, h), h).error().code ==
          Errc::merkle_root_mismatch);
    CHECK(merkle::verify_inclusion(c.index, c.size, h, Proof(length + 1, h), h).error().code ==
          Errc::merkle_bad_proof);
  }
  struct Sizes {
    std::uint64_t m;
    std::uint64_t n;
  };
  for (const Sizes s : {Sizes{(kMax >> 1) + 1, kMax}, Sizes{kMax - 1, kMax}, Sizes{1, kMax},
                        Sizes{3, kMax}, Sizes{kMax >> 1, (kMax >> 1) + 1}}) {
    INFO("from " << s.m << " to " << s.n);
    const std::uint64_t length = ref::proof_length(s.m, s.n);
    CHECK(merkle::verify_consistency(s.m, s.n, h, h, Proof(length, h)).error().code ==
          Errc::merkle_root_mismatch);
    CHECK(merkle::verify_consistency(s.m, s.n, h, h, Proof(length - 1, h)).error().code ==
          Errc::merkle_bad_proof);
  }
}

// ========================================================================
// Property tests against the naive reference

namespace {

constexpr std::uint64_t kMaxSize = 300;

// kMaxSize + 1 entries of varying length, their leaf hashes (by the
// reference), the log holding them, and roots[s] of the first s leaves by the
// reference for every s.
struct World {
  std::vector<Hash32> leaves;
  std::vector<Hash32> roots;
  MerkleLog log;
};

const World& world() {
  static const World w = [] {
    World out;
    for (std::uint64_t i = 0; i <= kMaxSize; ++i) {
      const std::string entry = "board entry " + std::string(i % 7, '*') + std::to_string(i);
      out.leaves.push_back(ref::leaf(senim::as_bytes(entry)));
      out.log.append(senim::as_bytes(entry));
    }
    const ref::Leaves all(out.leaves);
    for (std::uint64_t s = 0; s <= kMaxSize + 1; ++s)
      out.roots.push_back(ref::mth(all.first(s)));
    return out;
  }();
  return w;
}

}  // namespace

TEST_CASE("roots equal the reference MTH at every size up to 300", "[merkle][rfc9162][property]") {
  const World& w = world();
  Failures f;
  MerkleLog growing;
  for (std::uint64_t s = 1; s <= kMaxSize + 1; ++s) {
    growing.append_leaf_hash(w.leaves[s - 1]);
    f.expect(growing.root() == w.roots[s], [&] { return "root() at size " + std::to_string(s); });
  }
  for (std::uint64_t s = 0; s <= kMaxSize + 1; ++s) {
    const auto r = w.log.root_at(s);
    f.expect(r.ok() && *r == w.roots[s], [&] { return "root_at(" + std::to_string(s) + ")"; });
  }
  INFO(f.summary());
  CHECK(f.empty());
  CHECK(f.checks() == 2 * (kMaxSize + 1) + 1);
}

TEST_CASE("inclusion proofs equal the reference PATH and verify, sizes 1 to 300",
          "[merkle][rfc9162][property]") {
  const World& w = world();
  const ref::Leaves all(w.leaves);
  Failures f;
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    for (const std::uint64_t m : sample_below(n)) {
      const std::string where = "index " + std::to_string(m) + " size " + std::to_string(n);
      const auto made = w.log.inclusion_proof(m, n);
      const Proof expected = ref::path(m, all.first(n));
      f.expect(made.ok() && *made == expected, [&] { return where + ": differs from PATH"; });
      const Status s = merkle::verify_inclusion(m, n, w.leaves[m], expected, w.roots[n]);
      f.expect(s.ok(), [&] { return where + ": " + code_of(s); });
    }
  }
  INFO(f.summary());
  CHECK(f.empty());
}

TEST_CASE("consistency proofs equal the reference PROOF and verify, sizes 1 to 300",
          "[merkle][rfc9162][property]") {
  const World& w = world();
  const ref::Leaves all(w.leaves);
  Failures f;
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    for (const std::uint64_t below : sample_below(n)) {
      const std::uint64_t m = below + 1;  // 1..n
      const std::string where = "sizes " + std::to_string(m) + " -> " + std::to_string(n);
      const auto made = w.log.consistency_proof(m, n);
      const Proof expected = ref::proof(m, all.first(n));
      f.expect(made.ok() && *made == expected, [&] { return where + ": differs from PROOF"; });
      const Status s = merkle::verify_consistency(m, n, w.roots[m], w.roots[n], expected);
      f.expect(s.ok(), [&] { return where + ": " + code_of(s); });
    }
  }
  INFO(f.summary());
  CHECK(f.empty());
}

TEST_CASE("tampered inclusion proofs are rejected, each for its reason",
          "[merkle][rfc9162][property]") {
  const World& w = world();
  Failures f;
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    for (const std::uint64_t m : sample_below(n)) {
      const InclusionClaim honest{m, n, w.leaves[m], *w.log.inclusion_proof(m, n), w.roots[n]};
      for (const auto& t : tamper_inclusion(honest, w.roots)) {
        const Status s = check(t.claim);
        f.expect(!s.ok() && s.error().code == t.want, [&] {
          return "index " + std::to_string(m) + " size " + std::to_string(n) + ", " + t.name +
                 ": got " + code_of(s) + ", want " + std::string(senim::errc_name(t.want));
        });
      }
    }
  }
  INFO(f.summary());
  CHECK(f.empty());
}

TEST_CASE("tampered consistency proofs are rejected, each for its reason",
          "[merkle][rfc9162][property]") {
  const World& w = world();
  Failures f;
  for (std::uint64_t n = 2; n <= kMaxSize; ++n) {
    for (const std::uint64_t below : sample_below(n - 1)) {
      const std::uint64_t m = below + 1;  // 1..n-1
      const ConsistencyClaim honest{m, n, w.roots[m], w.roots[n], *w.log.consistency_proof(m, n)};
      for (const auto& t : tamper_consistency(honest, w.roots)) {
        const Status s = check(t.claim);
        f.expect(!s.ok() && s.error().code == t.want, [&] {
          return "sizes " + std::to_string(m) + " -> " + std::to_string(n) + ", " + t.name +
                 ": got " + code_of(s) + ", want " + std::string(senim::errc_name(t.want));
        });
      }
    }
  }
  INFO(f.summary());
  CHECK(f.empty());
}

TEST_CASE("a compact range gives the same root as the full log at every size", "[rfc9162]") {
  senim::crypto::merkle::MerkleLog log;
  senim::crypto::merkle::CompactRange range;
  CHECK(range.root() == senim::crypto::merkle::empty_root());
  for (std::uint32_t i = 0; i < 600; ++i) {
    senim::Bytes entry;
    senim::append_u32_be(entry, i);
    log.append(entry);
    range.append_leaf_hash(senim::crypto::merkle::leaf_hash(entry));
    REQUIRE(range.size() == log.size());
    REQUIRE(range.root() == log.root());
  }
}
