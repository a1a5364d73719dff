// A mirror's code index (protocol/code_index.hpp, docs/api.md "A mirror's
// code index"): the ledger judges each ballot as GET /v1/ballots does, the
// buckets hold exactly the documented bytes, the same ballots give the same
// bytes in any order, and a bucket stays small at national size.
#include "protocol/code_index.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>

#include "protocol/tracking_code.hpp"

using senim::Hash32;
using senim::Status;
using senim::protocol::BallotLedger;
using senim::protocol::code_index_bucket;
using senim::protocol::IndexedBallot;
using senim::protocol::IndexFile;
using senim::protocol::ParsedEntry;
using senim::protocol::short_tracking_code;
using senim::protocol::write_code_index;

namespace {

enum class Kind { ballot, challenge, close, tally, other };

// An entry of `kind` signed by `signer`; `salt` makes each ballot's bytes
// (and so its tracking code) its own.
ParsedEntry entry(Kind kind, const std::string& signer, int salt = 0,
                  const std::string& election = "demo-2026") {
  ParsedEntry e;
  e.statement.set_election_id(election);
  switch (kind) {
    case Kind::ballot:
      e.statement.mutable_ballot()->set_sequence(static_cast<std::uint32_t>(salt));
      break;
    case Kind::challenge:
      e.statement.mutable_challenge()->set_ballot_statement("opened ballot " +
                                                            std::to_string(salt));
      break;
    case Kind::close:
      e.statement.mutable_close();
      break;
    case Kind::tally:
      e.statement.mutable_tally();
      break;
    case Kind::other:
      e.statement.mutable_open();
      break;
  }
  e.entry.set_statement(e.statement.SerializeAsString());
  e.entry.set_signer(signer);
  return e;
}

std::map<std::uint64_t, std::string> states(const BallotLedger& ledger) {
  std::map<std::uint64_t, std::string> out;
  for (const IndexedBallot& b : ledger.ballots())
    out[b.leaf] = senim::protocol::ballot_state(b.facts);
  return out;
}

std::vector<IndexFile> files_of(std::vector<IndexedBallot> ballots, std::uint64_t size) {
  std::vector<IndexFile> files;
  const Status s = write_code_index(std::move(ballots), size, [&](const IndexFile& f) {
    files.push_back(f);
    return Status::success();
  });
  REQUIRE(s);
  return files;
}

Hash32 random_code(std::mt19937_64& rng) {
  Hash32 h{};
  for (auto& b : h)
    b = static_cast<std::uint8_t>(rng());
  return h;
}

}  // namespace

TEST_CASE("the ledger judges each ballot by the rule of GET /v1/ballots") {
  BallotLedger ledger("demo-2026");
  ledger.add(1, entry(Kind::other, "authority"));
  ledger.add(2, entry(Kind::ballot, "alice", 1));
  ledger.add(3, entry(Kind::challenge, "bob", 2));
  ledger.add(4, entry(Kind::ballot, "bob", 3));       // after a challenge: replaces nothing
  ledger.add(5, entry(Kind::challenge, "alice", 4));  // between alice's two ballots
  ledger.add(6, entry(Kind::ballot, "alice", 5));
  ledger.add(7, entry(Kind::ballot, "alice", 6, "another-election"));  // not this election's
  SECTION("while voting, every ballot is cast") {
    const auto s = states(ledger);
    CHECK(s == std::map<std::uint64_t, std::string>{
                   {2, "cast"}, {3, "challenged"}, {4, "cast"}, {5, "challenged"}, {6, "cast"}});
  }
  SECTION("after the tally, a replaced ballot is superseded and the last counted") {
    ledger.add(8, entry(Kind::close, "authority"));
    ledger.add(9, entry(Kind::ballot, "bob", 7));  // after the close: replaces nothing
    ledger.add(10, entry(Kind::tally, "authority"));
    const auto s = states(ledger);
    CHECK(s.at(2) == "superseded");  // the challenge at 5 did not stand in for it
    CHECK(s.at(3) == "challenged");
    CHECK(s.at(4) == "counted");
    CHECK(s.at(5) == "challenged");
    CHECK(s.at(6) == "counted");
    CHECK(s.count(7) == 0);
  }
  SECTION("a ballot is found by the code of its statement, a challenge by the ballot it opens") {
    const auto ballots = ledger.ballots();
    CHECK(ballots.at(0).code == senim::protocol::tracking_code(senim::as_bytes(
                                    entry(Kind::ballot, "alice", 1).entry.statement())));
    CHECK(ballots.at(1).code ==
          senim::protocol::tracking_code(senim::as_bytes(std::string_view("opened ballot 2"))));
  }
}

TEST_CASE("the period a ballot is cast in: a ballot of the election before its close casts") {
  // The one rule BallotLedger and `senim check` on a record both read the log by.
  senim::protocol::BallotPeriod period("demo-2026");
  CHECK(period.casts(entry(Kind::ballot, "alice", 1)));
  CHECK_FALSE(period.casts(entry(Kind::challenge, "alice", 2)));  // never counted
  CHECK_FALSE(period.casts(entry(Kind::ballot, "alice", 3, "another-election")));
  // Another election's close and tally change nothing here.
  CHECK_FALSE(period.casts(entry(Kind::close, "authority", 0, "another-election")));
  CHECK_FALSE(period.casts(entry(Kind::tally, "authority", 0, "another-election")));
  CHECK_FALSE(period.tallied());
  CHECK(period.casts(entry(Kind::ballot, "bob", 4)));
  CHECK_FALSE(period.casts(entry(Kind::close, "authority")));
  CHECK_FALSE(period.casts(entry(Kind::ballot, "bob", 5)));  // after the close
  CHECK_FALSE(period.tallied());
  CHECK_FALSE(period.casts(entry(Kind::tally, "authority")));
  CHECK(period.tallied());
}

TEST_CASE("a bucket holds exactly the documented bytes") {
  Hash32 a{};
  a[0] = 0x01;  // short code 0400-…
  Hash32 b = a;
  b[31] = 0xff;  // the same bucket, a later code
  Hash32 c{};
  c[0] = 0xff;  // bucket ZZ…
  std::vector<IndexedBallot> ballots = {{c, 9, {false, true, true}},
                                        {b, 7, {true, true, false}},
                                        {a, 12345678, {false, true, false}}};
  const auto files = files_of(ballots, 12345679);
  REQUIRE(files.size() == 3);
  const std::string bucket_a = code_index_bucket(a);
  CHECK(bucket_a == short_tracking_code(a).substr(0, 3));
  CHECK(bucket_a == "040");
  CHECK(files[0].path == "v1/code-index/040.json");
  CHECK(files[0].bytes == R"({"prefix":"040","tree_size":12345679,"ballots":[)"
                          "\n"
                          R"({"short_code":")" +
                              short_tracking_code(a) + R"(","tracking_code":")" + senim::to_hex(a) +
                              R"(","leaf_index":12345678,"state":"counted"},)"
                              "\n"
                              R"({"short_code":")" +
                              short_tracking_code(b) + R"(","tracking_code":")" + senim::to_hex(b) +
                              R"(","leaf_index":7,"state":"challenged"})"
                              "\n]}\n");
  CHECK(files[1].path == "v1/code-index/" + code_index_bucket(c) + ".json");
  CHECK(files[1].bytes.find(R"("leaf_index":9,"state":"superseded"})") != std::string::npos);
  CHECK(files[2].path == "v1/code-index/index.json");
  CHECK(files[2].bytes ==
        R"({"version":1,"prefix_symbols":3,"tree_size":12345679,"ballots":3,"buckets":2})"
        "\n");

  SECTION("the same ballots in any order give the same bytes") {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 5; ++round) {
      std::shuffle(ballots.begin(), ballots.end(), rng);
      const auto again = files_of(ballots, 12345679);
      REQUIRE(again.size() == files.size());
      for (std::size_t i = 0; i < files.size(); ++i) {
        CHECK(again[i].path == files[i].path);
        CHECK(again[i].bytes == files[i].bytes);
      }
    }
  }
  SECTION("a write that fails stops the index, and its error is returned") {
    int written = 0;
    const Status s = write_code_index(ballots, 3, [&](const IndexFile&) -> Status {
      ++written;
      return senim::make_error(senim::Errc::io_error, "disk full");
    });
    REQUIRE_FALSE(s);
    CHECK(s.error().code == senim::Errc::io_error);
    CHECK(s.error().message == "disk full");
    CHECK(written == 1);  // not the descriptor: a reader never sees an index without its buckets
  }
  SECTION("an empty log has a descriptor and no bucket") {
    const auto none = files_of({}, 4);
    REQUIRE(none.size() == 1);
    CHECK(none[0].bytes ==
          R"({"version":1,"prefix_symbols":3,"tree_size":4,"ballots":0,"buckets":0})"
          "\n");
  }
}

TEST_CASE("a reader finds a code's line in a bucket, and refuses a line of another form") {
  Hash32 a{};
  a[0] = 0x01;
  Hash32 b = a;
  b[31] = 0xff;
  const auto files =
      files_of({{a, 12345678, {false, true, false}}, {b, 7, {true, true, false}}}, 9);
  const std::string& bucket = files.at(0).bytes;
  auto found = senim::protocol::find_in_bucket(bucket, b);
  REQUIRE(found);
  CHECK(found->leaf == 7);
  CHECK(found->state == "challenged");
  found = senim::protocol::find_in_bucket(bucket, a);
  REQUIRE(found);
  CHECK(found->leaf == 12345678);
  CHECK(found->state == "counted");
  Hash32 c = a;
  c[30] = 0x01;  // the same bucket, not in it
  auto missing = senim::protocol::find_in_bucket(bucket, c);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == senim::Errc::not_found);
  const std::string line_of_b = R"("tracking_code":")" + senim::to_hex(b) + R"(","leaf_index":7)";
  for (const std::string& edit :
       {std::string(R"("leaf_index":07)"), std::string(R"("leaf_index":)"),
        std::string(R"("leaf_index":7 )"), std::string(R"("leaf_index":99999999999999999999)")}) {
    std::string changed = bucket;
    changed.replace(changed.find(line_of_b) + line_of_b.size() - 14, 14, edit);
    INFO(changed);
    auto refused = senim::protocol::find_in_bucket(changed, b);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == senim::Errc::invalid_encoding);
  }
  std::string other_state = bucket;
  other_state.replace(other_state.find("challenged"), 10, "lost");
  auto refused = senim::protocol::find_in_bucket(other_state, b);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == senim::Errc::invalid_encoding);
}

TEST_CASE("a bucket stays below 100 KB at national size") {
  // The longest line: a leaf index of 8 digits (a national log is below
  // 10^8 entries) and the longest state.
  const IndexedBallot longest{Hash32{}, 99'999'999, {false, true, true}};
  const auto one = files_of({longest}, 100'000'000);
  const std::string& bucket = one.at(0).bytes;
  const std::size_t line = bucket.find("\n]}") - bucket.find("\n{") - 1;
  CHECK(line == 162);
  // 3 symbols: 32,768 buckets. 14.4 M codes (12 M voters, one in five
  // voting twice) is 439 a bucket on average; codes are uniform, so the
  // fullest bucket is within 6 standard deviations (Poisson: √439 ≈ 21):
  // 565 lines of at most 164 bytes with ",\n", 92.7 KB. Measured here at a
  // tenth of the size, the same bound scaled: 44 a bucket on average.
  std::mt19937_64 rng(2026);
  std::vector<IndexedBallot> ballots(1'440'000);
  for (std::size_t i = 0; i < ballots.size(); ++i)
    ballots[i] = {random_code(rng), 10'000'000 + i, {false, true, i % 5 == 0}};
  std::size_t largest = 0;
  std::size_t buckets = 0;
  const Status written = write_code_index(std::move(ballots), 20'000'000, [&](const IndexFile& f) {
    if (f.path != "v1/code-index/index.json") {
      ++buckets;
      largest = std::max(largest, f.bytes.size());
    }
    return Status::success();
  });
  REQUIRE(written);
  CHECK(buckets == 32768);
  const double mean = 1'440'000.0 / 32768;
  CHECK(largest <= static_cast<std::size_t>((mean + 6 * std::sqrt(mean)) * 164 + 64));
}
