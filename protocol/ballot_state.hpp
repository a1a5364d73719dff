// A ballot's state as the board answers GET /v1/ballots/<code> and as
// `senim check` reports it from a saved record (docs/api.md, docs/voter-
// guide.md §8): one rule, so that online and offline say the same.
#pragma once

#include <string>
#include <utility>

#include "crypto/bytes.hpp"
#include "protocol/entry.hpp"

namespace senim::protocol {

struct BallotFacts {
  bool challenge = false;   // the entry is a challenge (§9.5)
  bool tallied = false;     // the encrypted tally is on the log (§10.1)
  bool superseded = false;  // a later ballot of the same credential replaced it (§9.6)
};

// "challenged"; before the tally "cast"; after it "superseded" or "counted".
std::string ballot_state(const BallotFacts& facts);

// The log read in order, as far as a ballot's state depends on it: whether
// voting is still open (no Close of the election yet) and whether its tally
// is posted. The board's index of codes (BallotLedger) and `senim check` on a
// record read entries through it, so that both judge §9.6 alike.
class BallotPeriod {
 public:
  explicit BallotPeriod(std::string election_id) : election_id_(std::move(election_id)) {}
  // Reads the next entry. True if it is a ballot of this election cast while
  // voting is open: it replaces its credential's previous ballot (§9.6). A
  // challenge is never counted, so it replaces nothing.
  bool casts(const ParsedEntry& entry);
  bool tallied() const { return tallied_; }

 private:
  std::string election_id_;
  bool voting_ = true;
  bool tallied_ = false;
};

// The tracking code a ballot or challenge entry is found by (§9.4): of the
// ballot's statement, or of the ballot statement a challenge opens.
Hash32 entry_tracking_code(const ParsedEntry& entry);

}  // namespace senim::protocol
