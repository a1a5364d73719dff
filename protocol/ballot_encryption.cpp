// Making a ballot: docs/protocol.md §9.2 and the Benaloh opening §9.5.
#include <string>

#include "crypto/ct.hpp"
#include "protocol/ballot.hpp"

namespace senim::protocol {

Expected<EncryptedBallot> encrypt_ballot(const VotingParameters& params,
                                         const PublicKey& credential, std::uint32_t sequence,
                                         const BallotChoices& choices) {
  return encrypt_ballot_with(params, credential, sequence, choices,
                             [] { return crypto::Scalar::random(); });
}

Expected<EncryptedBallot> encrypt_ballot_with(const VotingParameters& params,
                                              const PublicKey& credential, std::uint32_t sequence,
                                              const BallotChoices& choices,
                                              const NonceSource& next_nonce) {
  if (auto s = check_choices(params.shape, choices); !s)
    return s.error();
  const crypto::PublicKey& key = *params.key_table;
  const Bytes context = ballot_proof_context(params.base_hash, credential);

  EncryptedBallot out;
  out.ballot.set_base_hash(params.base_hash.data(), params.base_hash.size());
  out.ballot.set_credential(credential.data(), credential.size());
  out.ballot.set_sequence(sequence);
  for (std::size_t c = 0; c < params.shape.contests.size(); ++c) {
    const ContestShape& shape = params.shape.contests[c];
    ContestSecrets secrets;  // its choices and nonces wipe themselves (§2.3)
    secrets.choices = choices.contests[c];
    secrets.nonces.reserve(shape.options);
    auto* contest = out.ballot.add_contests();

    // Step 1: each option, a ciphertext and a [0, 1] proof.
    crypto::Ciphertext sum{};
    crypto::Scalar nonce_sum;
    std::uint32_t count = 0;
    for (std::uint32_t i = 0; i < shape.options; ++i) {
      const std::uint32_t m = secrets.choices[i];
      const crypto::Scalar r = next_nonce();
      const crypto::Ciphertext ct = crypto::encrypt(key, m, r);
      const crypto::RangeStatement st{params.key, crypto::Element(ct.alpha),
                                      crypto::Element(ct.beta), 0, 1};
      contest->add_selections(to_string(ct.encode()));
      contest->add_selection_proofs(
          to_string(crypto::prove_range(key, st, m, r, context).encode()));
      sum += ct;
      nonce_sum += r;
      count += m;
      secrets.nonces.push_back(r);
    }

    // Step 2: with min = 0, a blank indicator b = [count = 0] and its [0, 1] proof;
    // the counted value becomes count + max·b ∈ [1, max].
    crypto::Ciphertext counted = sum;
    crypto::Scalar counted_nonce = nonce_sum;
    std::uint32_t counted_value = count;
    std::uint32_t lo = shape.min;
    if (shape.has_blank()) {
      secrets.blank = static_cast<std::uint32_t>(crypto::ct_eq_u64(count, 0));
      secrets.blank_nonce = next_nonce();
      const crypto::Ciphertext blank = crypto::encrypt(key, secrets.blank, secrets.blank_nonce);
      const crypto::RangeStatement st{params.key, crypto::Element(blank.alpha),
                                      crypto::Element(blank.beta), 0, 1};
      contest->set_blank(to_string(blank.encode()));
      contest->set_blank_proof(to_string(
          crypto::prove_range(key, st, secrets.blank, secrets.blank_nonce, context).encode()));
      const crypto::Scalar max = crypto::Scalar::from_u64(shape.max);
      counted = crypto::Ciphertext{sum.alpha + mul_small_vartime(blank.alpha, shape.max),
                                   sum.beta + mul_small_vartime(blank.beta, shape.max)};
      counted_nonce = nonce_sum + max * secrets.blank_nonce;
      counted_value = count + shape.max * secrets.blank;
      lo = 1;
    }

    // Step 3: the contest count proof.
    const crypto::RangeStatement st{params.key, crypto::Element(counted.alpha),
                                    crypto::Element(counted.beta), lo, shape.max};
    contest->set_count_proof(
        to_string(crypto::prove_range(key, st, counted_value, counted_nonce, context).encode()));
    out.secrets.push_back(std::move(secrets));
  }
  return out;
}

v1::ChallengedBallot reveal_ballot(const EncryptedBallot& ballot,
                                   const std::string& statement_bytes) {
  v1::ChallengedBallot out;
  out.set_ballot_statement(statement_bytes);
  for (std::size_t c = 0; c < ballot.secrets.size(); ++c) {
    const ContestSecrets& s = ballot.secrets[c];
    auto* opening = out.add_contests();
    for (std::size_t i = 0; i < s.choices.size(); ++i) {
      opening->add_choices(s.choices[i]);
      auto nonce = s.nonces[i].encode();
      opening->add_nonces(reinterpret_cast<const char*>(nonce.data()), nonce.size());
      wipe(nonce);
    }
    if (!ballot.ballot.contests(static_cast<int>(c)).blank().empty()) {
      opening->set_blank(s.blank);
      auto nonce = s.blank_nonce.encode();
      opening->set_blank_nonce(reinterpret_cast<const char*>(nonce.data()), nonce.size());
      wipe(nonce);
    }
  }
  return out;
}

}  // namespace senim::protocol
