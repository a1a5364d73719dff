// A static mirror's index of ballots by tracking code (docs/api.md, "A
// mirror's code index"; docs/protocol.md §11.5): what the board answers at
// GET /v1/ballots/{code}, for every ballot and challenge at once, in files a
// static web server serves. The bucket of a code is named by the first 3
// symbols of its short form (15 bits: 32,768 buckets), so that each stays
// below about 100 KB at national size.
//
// The index is a convenience: the proof is the entry at the index it names,
// which the page reads from the tiles and checks against the checkpoint.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/ballot_state.hpp"
#include "protocol/entry.hpp"

namespace senim::protocol {

inline constexpr std::size_t kCodeIndexPrefixSymbols = 3;
inline constexpr std::string_view kCodeIndexDir = "v1/code-index";

struct IndexedBallot {
  Hash32 code{};
  std::uint64_t leaf = 0;
  BallotFacts facts;
};

// Reads a log's entries in order and keeps each ballot and challenge with
// the facts ballot_state() judges it by: the rule `senim check` applies to
// a record and the board to GET /v1/ballots, in one pass.
class BallotLedger {
 public:
  explicit BallotLedger(std::string election_id)
      : election_id_(election_id), period_(std::move(election_id)) {}
  // The entry at `leaf`; entries come in log order.
  void add(std::uint64_t leaf, const ParsedEntry& entry);
  // The ballots and challenges in log order, `tallied` set once a tally is on the log.
  std::vector<IndexedBallot> ballots() const;

 private:
  std::string election_id_;
  std::vector<IndexedBallot> ballots_;
  std::unordered_map<std::string, std::size_t> latest_of_signer_;  // credential → ballots_ position
  BallotPeriod period_;
};

// The bucket name of a code: the first kCodeIndexPrefixSymbols symbols of
// its short form (§9.4), e.g. "T24".
std::string code_index_bucket(const Hash32& code);

struct IndexFile {
  std::string path;  // under the mirror's directory, e.g. "v1/code-index/T24.json"
  std::string bytes;
};

// The index of `ballots` in a tree of `tree_size` entries, one file at a
// time to `write` (a national index is about 2 GB; it is never all in
// memory): one bucket for each prefix that has a ballot, in name order, then
// the descriptor v1/code-index/index.json. The same ballots give the same
// bytes. Stops at, and returns, the first error of `write`.
Status write_code_index(std::vector<IndexedBallot> ballots, std::uint64_t tree_size,
                        const std::function<Status(const IndexFile&)>& write);

// A reader's side: the line of `code` in a bucket's bytes, in the form
// write_code_index writes (docs/protocol.md §11.5). Errors: not_found (no
// line for the code), invalid_encoding (its line is not in that form, or
// names a state other than the four).
struct IndexLine {
  std::uint64_t leaf = 0;
  std::string state;
};
Expected<IndexLine> find_in_bucket(std::string_view bucket, const Hash32& code);

}  // namespace senim::protocol
