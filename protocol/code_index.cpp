#include "protocol/code_index.hpp"

#include <algorithm>
#include <cstdint>

#include "protocol/tracking_code.hpp"

namespace senim::protocol {

void BallotLedger::add(std::uint64_t leaf, const ParsedEntry& entry) {
  const v1::Statement& st = entry.statement;
  const bool casts = period_.casts(entry);
  if (st.election_id() != election_id_)
    return;  // the verifier's to judge; it is no ballot of this election
  if (!st.has_ballot() && !st.has_challenge())
    return;
  // §9.6: a later ballot of the same credential, while voting, replaces the
  // one before it. A challenge is never the one a later ballot replaces.
  if (st.has_ballot()) {
    auto [latest, first] = latest_of_signer_.try_emplace(entry.entry.signer(), ballots_.size());
    if (!first && casts)
      ballots_[latest->second].facts.superseded = true;
    latest->second = ballots_.size();
  }
  IndexedBallot ballot;
  ballot.code = entry_tracking_code(entry);
  ballot.leaf = leaf;
  ballot.facts.challenge = st.has_challenge();
  ballots_.push_back(ballot);
}

std::vector<IndexedBallot> BallotLedger::ballots() const {
  std::vector<IndexedBallot> out = ballots_;
  for (IndexedBallot& b : out)
    b.facts.tallied = period_.tallied();
  return out;
}

std::string code_index_bucket(const Hash32& code) {
  return short_tracking_code(code).substr(0, kCodeIndexPrefixSymbols);
}

namespace {

// One line of a bucket: BallotStatus's fields (docs/api.md, GET /v1/ballots).
std::string bucket_line(const IndexedBallot& b) {
  return R"({"short_code":")" + short_tracking_code(b.code) + R"(","tracking_code":")" +
         to_hex(b.code) + R"(","leaf_index":)" + std::to_string(b.leaf) + R"(,"state":")" +
         ballot_state(b.facts) + "\"}";
}

}  // namespace

Expected<IndexLine> find_in_bucket(std::string_view bucket, const Hash32& code) {
  const std::string head = R"({"short_code":")" + short_tracking_code(code) +
                           R"(","tracking_code":")" + to_hex(code) + R"(","leaf_index":)";
  const std::size_t at = bucket.find(head);
  if (at == std::string_view::npos)
    return make_error(Errc::not_found, "no line for tracking code " + to_hex(code));
  std::string_view rest = bucket.substr(at + head.size());
  const std::size_t digits = rest.find_first_not_of("0123456789");
  constexpr std::string_view kState = R"(,"state":")";
  const auto bad = [&] {
    return make_error(Errc::invalid_encoding,
                      "the line of tracking code " + to_hex(code) + " is not an index line");
  };
  if (digits == 0 || digits > 19 || digits == std::string_view::npos ||
      (digits > 1 && rest[0] == '0') || rest.substr(digits, kState.size()) != kState)
    return bad();
  IndexLine line;
  for (const char c : rest.substr(0, digits)) {
    if (line.leaf > (UINT64_MAX - static_cast<std::uint64_t>(c - '0')) / 10)
      return bad();
    line.leaf = line.leaf * 10 + static_cast<std::uint64_t>(c - '0');
  }
  rest.remove_prefix(digits + kState.size());
  const std::size_t end = rest.find("\"}");
  if (end == std::string_view::npos)
    return bad();
  line.state = std::string(rest.substr(0, end));
  if (line.state != "cast" && line.state != "counted" && line.state != "superseded" &&
      line.state != "challenged")
    return bad();
  return line;
}

Status write_code_index(std::vector<IndexedBallot> ballots, std::uint64_t tree_size,
                        const std::function<Status(const IndexFile&)>& write) {
  std::sort(ballots.begin(), ballots.end(), [](const IndexedBallot& a, const IndexedBallot& b) {
    return a.code != b.code ? a.code < b.code : a.leaf < b.leaf;
  });
  const std::string dir(kCodeIndexDir);
  const std::string size = std::to_string(tree_size);
  std::size_t buckets = 0;
  for (auto begin = ballots.begin(); begin != ballots.end();) {
    const std::string name = code_index_bucket(begin->code);
    IndexFile file{dir + "/" + name + ".json",
                   R"({"prefix":")" + name + R"(","tree_size":)" + size + ",\"ballots\":[\n"};
    auto end = begin;
    for (; end != ballots.end() && code_index_bucket(end->code) == name; ++end)
      file.bytes += (end == begin ? "" : ",\n") + bucket_line(*end);
    file.bytes += "\n]}\n";
    if (auto s = write(file); !s)
      return s;
    ++buckets;
    begin = end;
  }
  return write({dir + "/index.json",
                R"({"version":1,"prefix_symbols":)" + std::to_string(kCodeIndexPrefixSymbols) +
                    R"(,"tree_size":)" + size + R"(,"ballots":)" + std::to_string(ballots.size()) +
                    R"(,"buckets":)" + std::to_string(buckets) + "}\n"});
}

}  // namespace senim::protocol
