#include "protocol/ballot_state.hpp"

#include "protocol/tracking_code.hpp"

namespace senim::protocol {

std::string ballot_state(const BallotFacts& facts) {
  if (facts.challenge)
    return "challenged";
  if (!facts.tallied)
    return "cast";
  // After the tally (§12), a ballot is counted unless a re-vote replaced it.
  return facts.superseded ? "superseded" : "counted";
}

bool BallotPeriod::casts(const ParsedEntry& entry) {
  const v1::Statement& st = entry.statement;
  if (st.election_id() != election_id_)
    return false;  // the verifier's to judge; it is nothing of this election
  if (st.has_close())
    voting_ = false;
  if (st.has_tally())
    tallied_ = true;
  return voting_ && st.has_ballot();
}

Hash32 entry_tracking_code(const ParsedEntry& entry) {
  if (entry.statement.has_challenge())
    return tracking_code(as_bytes(entry.statement.challenge().ballot_statement()));
  return tracking_code(as_bytes(entry.entry.statement()));
}

}  // namespace senim::protocol
