// An honest key ceremony run through the public API (docs/protocol.md §6.1–§6.5),
// shared by the key-ceremony and threshold-decryption tests. Every step that
// can fail is REQUIREd, so a broken ceremony stops the test where it breaks.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "crypto/key_ceremony.hpp"
#include "crypto/polynomial.hpp"

namespace senim::test {

struct CeremonyRun {
  crypto::CeremonyParameters parameters;
  Bytes context;
  std::vector<crypto::SecretPolynomial> polynomials;  // f_i at [i − 1]
  std::vector<crypto::BoxKeyPair> box_keys;           // trustee t's at [t − 1]
  std::vector<crypto::DealerCommitment> commitments;  // dealer i's at [i − 1]
  std::vector<std::vector<Bytes>> boxes;  // i → t at [i − 1][t − 1]; empty if i = t
  std::vector<std::vector<crypto::Scalar>> received;  // s_{i→t} at [t − 1][i − 1]
  std::vector<crypto::Scalar> secret_shares;          // x_t at [t − 1]
  std::vector<crypto::Element> verification_keys;     // X_t at [t − 1]
  crypto::Element joint_key;

  const crypto::BoxKeyPair& keys_of(std::uint32_t t) const { return box_keys.at(t - 1); }
  const crypto::DealerCommitment& commitment_of(std::uint32_t i) const {
    return commitments.at(i - 1);
  }
  const Bytes& box(std::uint32_t i, std::uint32_t t) const { return boxes.at(i - 1).at(t - 1); }
};

inline CeremonyRun run_ceremony(std::uint32_t n, std::uint32_t k, ByteView context) {
  using namespace senim::crypto;
  CeremonyRun run;
  run.parameters = {n, k};
  run.context.assign(context.begin(), context.end());
  REQUIRE(run.parameters.check().ok());
  // §6.3.1: fresh box keys for this ceremony.
  for (std::uint32_t t = 1; t <= n; ++t)
    run.box_keys.push_back(BoxKeyPair::generate());
  // §6.2.1 and §6.3.2: every dealer commits and seals a share to every other trustee.
  run.boxes.assign(n, std::vector<Bytes>(n));
  for (std::uint32_t i = 1; i <= n; ++i) {
    run.polynomials.push_back(SecretPolynomial::random(k));
    const SecretPolynomial& f = run.polynomials.back();
    run.commitments.push_back(make_dealer_commitment(i, f, context));
    for (std::uint32_t t = 1; t <= n; ++t) {
      if (t == i)
        continue;
      auto sealed = seal_share(i, t, f.evaluate(t), run.keys_of(t).public_key);
      REQUIRE(sealed.ok());
      run.boxes[i - 1][t - 1] = std::move(*sealed);
    }
  }
  // §6.2.3, §6.3.3, §6.4.1: every trustee checks every commitment and share.
  for (const DealerCommitment& c : run.commitments) {
    REQUIRE(verify_dealer_commitment(c, run.parameters, context).ok());
  }
  run.received.resize(n);
  for (std::uint32_t t = 1; t <= n; ++t) {
    for (std::uint32_t i = 1; i <= n; ++i) {
      Scalar s = run.polynomials[i - 1].evaluate(t);  // a dealer's own share stays home
      if (i != t) {
        auto opened = open_share(run.box(i, t), i, t, run.keys_of(t));
        REQUIRE(opened.ok());
        s = *opened;
      }
      INFO("dealer " << i << " to trustee " << t);
      REQUIRE(verify_share(run.commitment_of(i), t, s).ok());
      run.received[t - 1].push_back(s);
    }
  }
  // §6.5: the joint key and every trustee's final share and key.
  auto joint = joint_public_key(run.commitments);
  REQUIRE(joint.ok());
  run.joint_key = *joint;
  for (std::uint32_t t = 1; t <= n; ++t) {
    auto x = final_secret_share(t, run.received[t - 1], run.commitments);
    REQUIRE(x.ok());
    auto key = trustee_public_key(run.commitments, t);
    REQUIRE(key.ok());
    run.secret_shares.push_back(*x);
    run.verification_keys.push_back(*key);
  }
  return run;
}

// Every subset of {1, …, n} with exactly `size` elements, in lexicographic order.
inline std::vector<std::vector<std::uint32_t>> subsets(std::uint32_t n, std::uint32_t size) {
  std::vector<std::vector<std::uint32_t>> out;
  std::vector<std::uint32_t> current;
  auto recurse = [&](auto&& self, std::uint32_t next) -> void {
    if (current.size() == size) {
      out.push_back(current);
      return;
    }
    for (std::uint32_t v = next; v <= n; ++v) {
      current.push_back(v);
      self(self, v + 1);
      current.pop_back();
    }
  };
  recurse(recurse, 1);
  return out;
}

}  // namespace senim::test
