// Checking a Benaloh challenge: docs/protocol.md §9.5.
#include <string>

#include "proto/board.pb.h"
#include "protocol/ballot.hpp"
#include "protocol/entry.hpp"

namespace senim::protocol {
namespace {

Error mismatch(const std::string& where) {
  return make_error(Errc::equation_failed,
                    where + ": the revealed choice and nonce do not reproduce the ciphertext");
}

// Does Enc_K(m; r) equal `ct`? Public data: the nonce is revealed.
Expected<bool> opens_to(const VotingParameters& params, const DecodedCiphertext& ct,
                        std::uint32_t m, const std::string& nonce_bytes) {
  auto r = crypto::Scalar::decode(as_bytes(nonce_bytes));
  if (!r)
    return r.error();
  return crypto::encrypt(*params.key_table, m, *r) == ct.value();
}

}  // namespace

Expected<OpenedBallot> check_challenge(const VotingParameters& params,
                                       const std::string& election_id,
                                       const v1::ChallengedBallot& challenge, ByteView signer) {
  // §11.1.1: the opened statement is canonical, like every statement: its
  // tracking code is then the ballot's only one.
  auto statement = parse_statement(as_bytes(challenge.ballot_statement()));
  if (!statement) {
    return make_error(statement.error().code,
                      "challenged ballot statement: " + statement.error().message);
  }
  if (!statement->has_ballot()) {
    return make_error(Errc::invalid_encoding, "challenged ballot does not hold a ballot statement");
  }
  if (statement->election_id() != election_id) {
    return make_error(Errc::invalid_argument,
                      "challenged ballot is for election \"" + statement->election_id() + "\"");
  }
  const v1::Ballot& ballot = statement->ballot();
  if (auto s = check_ballot_binding(params, ballot, signer); !s)
    return s.error();
  auto decoded = decode_ballot(params.shape, ballot);
  if (!decoded)
    return decoded.error();
  if (auto s = verify_ballot_proofs(params, signer, *decoded); !s)
    return s.error();

  if (static_cast<std::size_t>(challenge.contests_size()) != params.shape.contests.size()) {
    return make_error(Errc::invalid_length, "challenge opens " +
                                                std::to_string(challenge.contests_size()) +
                                                " contests; the ballot has " +
                                                std::to_string(params.shape.contests.size()));
  }
  BallotChoices choices;
  for (std::size_t c = 0; c < params.shape.contests.size(); ++c) {
    const ContestShape& shape = params.shape.contests[c];
    const v1::ContestOpening& opening = challenge.contests(static_cast<int>(c));
    const DecodedContest& contest = decoded->contests[c];
    const std::string where = "contest " + std::to_string(c + 1);
    if (static_cast<std::uint32_t>(opening.choices_size()) != shape.options ||
        static_cast<std::uint32_t>(opening.nonces_size()) != shape.options) {
      return make_error(Errc::invalid_length,
                        where + ": opening needs a choice and a nonce per option");
    }
    ChoiceRow picks;
    picks.reserve(shape.options);
    for (std::uint32_t i = 0; i < shape.options; ++i) {
      const std::uint32_t m = opening.choices(static_cast<int>(i));
      if (m > 1)
        return make_error(Errc::out_of_range, where + ": a choice must be 0 or 1");
      auto ok = opens_to(params, contest.selections[i], m, opening.nonces(static_cast<int>(i)));
      if (!ok)
        return ok.error();
      if (!*ok)
        return mismatch(where + " option " + std::to_string(i + 1));
      picks.push_back(m);
    }
    if (shape.has_blank()) {
      if (opening.blank() > 1)
        return make_error(Errc::out_of_range, where + ": blank must be 0 or 1");
      auto ok = opens_to(params, *contest.blank, opening.blank(), opening.blank_nonce());
      if (!ok)
        return ok.error();
      if (!*ok)
        return mismatch(where + " blank");
    } else if (opening.blank() != 0 || !opening.blank_nonce().empty()) {
      return make_error(Errc::invalid_length, where + ": this contest has no blank indicator");
    }
    choices.contests.push_back(std::move(picks));
  }
  // The proofs already force the rules; this names a violation plainly.
  if (auto s = check_choices(params.shape, choices); !s)
    return s.error();
  return OpenedBallot{ballot, std::move(choices)};
}

}  // namespace senim::protocol
