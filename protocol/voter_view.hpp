// A voter's view of the board (docs/protocol.md §11.6): the entries one
// voter needs to check the set-up and cast — every entry before the open
// that is not a credential list, the one list that holds the voter's key,
// the open — each with its inclusion proof against one checkpoint of the
// election. Checking it costs the same whatever the numbers of credentials
// and ballots: what the voter downloads and checks does not grow with them.
//
// What it proves, and what it does not: every given entry is in the log the
// checkpoint commits to, at its index, and together they replay through the
// election's state machine (§12) up to the open. That the entries *not*
// given are credential lists is the board's word; the witnesses'
// cosignatures on the checkpoint vouch only that this log is the one
// everyone is shown, which anyone who checks the whole board (senim-verify)
// can then judge. `last_sequence` is advisory (§11.6).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>

#include "proto/api.pb.h"
#include "protocol/board_checkpoint.hpp"
#include "protocol/election_state.hpp"
#include "protocol/signing.hpp"
#include "tlog/policy.hpp"

namespace senim::protocol {

struct CheckedVoterView {
  // The election replayed from the given entries up to and including the
  // open (phase voting). Its credential counts and turnout cover only the
  // given list: not the election's.
  std::unique_ptr<ElectionState> state;
  // The checkpoint, its board signature verified, and which policy
  // witnesses cosigned it (quorum_met says whether they meet the quorum).
  tlog::CheckpointVerification checkpoint;
  std::uint64_t credential_list_leaf = 0;
  std::uint64_t open_leaf = 0;
  std::uint64_t given = 0;          // entries given (and checked)
  std::uint64_t skipped = 0;        // leaves before the open not given: lists, on the board's word
  std::size_t district = 0;         // the credential's, in the shape's order
  std::uint32_t last_sequence = 0;  // advisory: the board's word
  // The given entries by leaf index (the state's leaf loader reads them).
  std::shared_ptr<const std::map<std::uint64_t, Bytes>> entries;
};

// §11.6 "Checking a voter's view", in its order. Errors: invalid_argument
// (no entries, not ascending, not starting at leaf 0, another election, no
// open last, an entry after the open, not exactly one credential list);
// those of verify_witnessed_checkpoint (§11.2, §11.4); merkle_bad_proof,
// merkle_root_mismatch (an inclusion proof, naming the leaf); the state
// machine's (§12, naming the leaf); not_found (the list does not hold the
// credential).
Expected<CheckedVoterView> check_voter_view(const v1::VoterView& view, std::string_view election_id,
                                            const PublicKey& credential);

}  // namespace senim::protocol
