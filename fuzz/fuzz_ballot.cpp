// Fuzz target: arbitrary bytes as a ballot statement and as a challenge,
// checked against a real open election (the worked example's shape and key).
// Must never crash, hang or leak: every path ends in a typed error or success.
// And the canonical encoding (docs/protocol.md §11.1.1) is checked against a
// naive reference: the scanner accepts exactly what parses, has no unknown
// field and re-serialises to the same bytes; an entry parse_entry accepts is
// its own deterministic serialisation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/fuzz_election.hpp"
#include "protocol/ballot.hpp"
#include "protocol/canonical.hpp"
#include "protocol/entry.hpp"
#include "tests/protocol/naive_canonical.hpp"

namespace {

void check_canonical_agrees(senim::ByteView bytes, google::protobuf::Message& scratch) {
  const bool scanned = senim::protocol::check_canonical(bytes, *scratch.GetDescriptor()).ok();
  if (scanned != senim::test::naive_canonical(bytes, scratch))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& e = senim::fuzz::election();
  const senim::ByteView bytes(data, size);
  // As a whole board entry: parse, signature, and (if it got that far) proofs.
  (void)e.state.precheck(bytes);
  if (auto parsed = senim::protocol::parse_entry(bytes)) {
    if (!senim::same_bytes(senim::protocol::serialize(parsed->entry), bytes) ||
        senim::protocol::serialize(parsed->statement) != parsed->entry.statement()) {
      std::abort();
    }
  }
  senim::v1::Entry entry;
  check_canonical_agrees(bytes, entry);
  senim::v1::Statement statement;
  check_canonical_agrees(bytes, statement);
  // As a bare Ballot message, skipping the signature so the decoders and
  // proof verifiers see the bytes.
  senim::v1::Ballot ballot;
  if (ballot.ParseFromArray(data, static_cast<int>(size))) {
    auto decoded = senim::protocol::decode_ballot(e.params->shape, ballot);
    if (decoded) {
      (void)senim::protocol::verify_ballot_proofs(*e.params, senim::as_bytes(ballot.credential()),
                                                  *decoded);
    }
  }
  senim::v1::ChallengedBallot challenge;
  if (challenge.ParseFromArray(data, static_cast<int>(size))) {
    (void)senim::protocol::check_challenge(*e.params, e.params->shape.election_id, challenge,
                                           e.voter);
  }
  return 0;
}
