// Checking a ballot: docs/protocol.md §9.3.
#include <algorithm>
#include <string>

#include "protocol/ballot.hpp"

namespace senim::protocol {
namespace {

Error located(const std::string& where, const Error& e) {
  return Error{e.code, where + ": " + e.message};
}

Expected<DecodedCiphertext> decode_ciphertext(const std::string& bytes) {
  if (bytes.size() != crypto::Ciphertext::kBytes) {
    return make_error(Errc::invalid_length,
                      "ciphertext must be 64 bytes, got " + std::to_string(bytes.size()));
  }
  const ByteView view = as_bytes(bytes);
  // §9.3 step 1: α = r·G is the identity only for r = 0, and then β = m·G
  // shows the vote to anyone. A real client never makes one.
  if (std::all_of(view.begin(), view.begin() + 32, [](std::uint8_t b) { return b == 0; })) {
    return make_error(Errc::identity_element,
                      "α is the identity (a nonce of 0): the ciphertext hides nothing");
  }
  auto alpha = crypto::Element::decode(view.first(32));
  if (!alpha)
    return alpha.error();
  auto beta = crypto::Element::decode(view.subspan(32));
  if (!beta)
    return beta.error();
  return DecodedCiphertext{*alpha, *beta};
}

Expected<crypto::RangeProof> decode_proof(const std::string& bytes, std::uint32_t branches) {
  return crypto::RangeProof::decode(as_bytes(bytes), branches);
}

// §9.2 step 3: the ciphertext whose value the count proof bounds, and its range.
struct CountStatement {
  crypto::Ciphertext ct;
  std::uint32_t lo;
  std::uint32_t hi;
};

CountStatement count_statement(const ContestShape& shape, const DecodedContest& contest) {
  crypto::Ciphertext sum{};
  for (const auto& s : contest.selections)
    sum += s.value();
  if (!contest.blank)
    return {sum, shape.min, shape.max};
  const crypto::Ciphertext blank = contest.blank->value();
  return {{sum.alpha + mul_small_vartime(blank.alpha, shape.max),
           sum.beta + mul_small_vartime(blank.beta, shape.max)},
          1,
          shape.max};
}

// Calls `check(statement, proof, where)` for every proof of the ballot, in order.
template <class Check>
Status for_each_proof(const VotingParameters& params, const DecodedBallot& ballot, Check check) {
  for (std::size_t c = 0; c < ballot.contests.size(); ++c) {
    const DecodedContest& contest = ballot.contests[c];
    const std::string where = "contest " + std::to_string(c + 1);
    for (std::size_t i = 0; i < contest.selections.size(); ++i) {
      const auto& s = contest.selections[i];
      const crypto::RangeStatement st{params.key, s.alpha, s.beta, 0, 1};
      if (auto r = check(st, contest.selection_proofs[i]); !r) {
        return located(where + " option " + std::to_string(i + 1), r.error());
      }
    }
    if (contest.blank) {
      const crypto::RangeStatement st{params.key, contest.blank->alpha, contest.blank->beta, 0, 1};
      if (auto r = check(st, *contest.blank_proof); !r)
        return located(where + " blank", r.error());
    }
    const CountStatement count = count_statement(params.shape.contests[c], contest);
    const crypto::RangeStatement st{params.key, crypto::Element(count.ct.alpha),
                                    crypto::Element(count.ct.beta), count.lo, count.hi};
    if (auto r = check(st, contest.count_proof); !r)
      return located(where + " count", r.error());
  }
  return Status::success();
}

}  // namespace

Status check_choices(const ElectionShape& shape, const BallotChoices& choices) {
  if (choices.contests.size() != shape.contests.size()) {
    return make_error(Errc::invalid_argument,
                      "choices cover " + std::to_string(choices.contests.size()) +
                          " contests; the election has " + std::to_string(shape.contests.size()));
  }
  for (std::size_t c = 0; c < shape.contests.size(); ++c) {
    const ContestShape& contest = shape.contests[c];
    const auto& picks = choices.contests[c];
    const std::string where = "contest \"" + contest.id + "\"";
    if (picks.size() != contest.options) {
      return make_error(Errc::invalid_argument, where + ": expected a choice for each of " +
                                                    std::to_string(contest.options) + " options");
    }
    std::uint32_t count = 0;
    for (std::uint32_t v : picks) {
      if (v > 1)
        return make_error(Errc::invalid_argument, where + ": a choice must be 0 or 1");
      count += v;
    }
    if (count < contest.min || count > contest.max) {
      const std::string noun = contest.max == 1 ? " option" : " options";
      const std::string allowed = contest.min == contest.max
                                      ? "exactly " + std::to_string(contest.max) + noun
                                      : "between " + std::to_string(contest.min) + " and " +
                                            std::to_string(contest.max) + noun;
      return make_error(Errc::invalid_argument,
                        where + ": choose " + allowed + ", not " + std::to_string(count));
    }
  }
  return Status::success();
}

Bytes ballot_proof_context(const Hash32& base_hash, ByteView credential) {
  Bytes context(base_hash.begin(), base_hash.end());
  append(context, credential);
  return context;
}

Expected<DecodedBallot> decode_ballot(const ElectionShape& shape, const v1::Ballot& ballot) {
  if (static_cast<std::size_t>(ballot.contests_size()) != shape.contests.size()) {
    return make_error(Errc::invalid_length, "ballot has " + std::to_string(ballot.contests_size()) +
                                                " contests; the election has " +
                                                std::to_string(shape.contests.size()));
  }
  DecodedBallot out;
  out.contests.reserve(shape.contests.size());
  for (std::size_t c = 0; c < shape.contests.size(); ++c) {
    const ContestShape& cs = shape.contests[c];
    const v1::ContestBallot& in = ballot.contests(static_cast<int>(c));
    const std::string where = "contest " + std::to_string(c + 1);
    if (static_cast<std::uint32_t>(in.selections_size()) != cs.options ||
        static_cast<std::uint32_t>(in.selection_proofs_size()) != cs.options) {
      return make_error(Errc::invalid_length, where + ": expected " + std::to_string(cs.options) +
                                                  " selections and proofs");
    }
    if (in.blank().empty() != !cs.has_blank() || in.blank_proof().empty() != !cs.has_blank()) {
      return make_error(
          Errc::invalid_length,
          where + (cs.has_blank() ? ": a blank indicator and its proof are required"
                                  : ": min_selections > 0 allows no blank indicator"));
    }
    DecodedContest contest;
    for (std::uint32_t i = 0; i < cs.options; ++i) {
      const std::string at = where + " option " + std::to_string(i + 1);
      auto ct = decode_ciphertext(in.selections(static_cast<int>(i)));
      if (!ct)
        return located(at, ct.error());
      auto proof = decode_proof(in.selection_proofs(static_cast<int>(i)), 2);
      if (!proof)
        return located(at, proof.error());
      contest.selections.push_back(*ct);
      contest.selection_proofs.push_back(std::move(*proof));
    }
    if (cs.has_blank()) {
      auto ct = decode_ciphertext(in.blank());
      if (!ct)
        return located(where + " blank", ct.error());
      auto proof = decode_proof(in.blank_proof(), 2);
      if (!proof)
        return located(where + " blank", proof.error());
      contest.blank = *ct;
      contest.blank_proof = std::move(*proof);
    }
    const std::uint32_t lo = cs.has_blank() ? 1 : cs.min;
    auto count = decode_proof(in.count_proof(), cs.max - lo + 1);
    if (!count)
      return located(where + " count", count.error());
    contest.count_proof = std::move(*count);
    out.contests.push_back(std::move(contest));
  }
  return out;
}

Status check_ballot_binding(const VotingParameters& params, const v1::Ballot& ballot,
                            ByteView signer) {
  if (!ct_equal(as_bytes(ballot.base_hash()), params.base_hash)) {
    return make_error(Errc::invalid_argument, "ballot is for another election (base hash " +
                                                  to_hex(as_bytes(ballot.base_hash())) + ")");
  }
  if (!ct_equal(as_bytes(ballot.credential()), signer)) {
    return make_error(Errc::invalid_argument, "ballot credential " +
                                                  to_hex(as_bytes(ballot.credential())) +
                                                  " is not its signer " + to_hex(signer));
  }
  if (ballot.sequence() == 0) {
    return make_error(Errc::out_of_range, "ballot sequence numbers start at 1");
  }
  return Status::success();
}

Status check_sequence(std::uint32_t last, std::uint32_t sequence, std::uint32_t max_ballots) {
  if (sequence <= last) {
    return make_error(Errc::duplicate, "ballot sequence " + std::to_string(sequence) +
                                           " does not rise above " + std::to_string(last) +
                                           ", this credential's last: a repeated or replayed "
                                           "ballot");
  }
  if (sequence > max_ballots) {
    return make_error(Errc::out_of_range,
                      "ballot sequence " + std::to_string(sequence) +
                          " exceeds the election's max_ballots_per_credential, " +
                          std::to_string(max_ballots));
  }
  return Status::success();
}

std::vector<Hash32> ciphertext_alphas(const v1::Ballot& ballot) {
  std::vector<Hash32> out;
  auto add = [&out](const std::string& ct) {
    if (ct.size() == crypto::Ciphertext::kBytes)
      out.push_back(to_hash32(ct));
  };
  for (const v1::ContestBallot& contest : ballot.contests()) {
    for (const std::string& ct : contest.selections())
      add(ct);
    add(contest.blank());
  }
  return out;
}

Status verify_ballot_proofs(const VotingParameters& params, ByteView credential,
                            const DecodedBallot& ballot) {
  const Bytes context = ballot_proof_context(params.base_hash, credential);
  return for_each_proof(params, ballot,
                        [&](const crypto::RangeStatement& st, const crypto::RangeProof& proof) {
                          return crypto::verify_range(proof, st, context);
                        });
}

Status batch_ballot_proofs(crypto::BatchVerifier& batch, std::size_t key_base,
                           const VotingParameters& params, ByteView credential,
                           const DecodedBallot& ballot) {
  const Bytes context = ballot_proof_context(params.base_hash, credential);
  return for_each_proof(params, ballot,
                        [&](const crypto::RangeStatement& st, const crypto::RangeProof& proof) {
                          return crypto::batch_range(batch, key_base, proof, st, context);
                        });
}

std::vector<crypto::Ciphertext> tally_vector(const DecodedBallot& ballot) {
  std::vector<crypto::Ciphertext> out;
  for (const auto& contest : ballot.contests) {
    for (const auto& s : contest.selections)
      out.push_back(s.value());
    if (contest.blank)
      out.push_back(contest.blank->value());
  }
  return out;
}

}  // namespace senim::protocol
