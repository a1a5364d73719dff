// Which of the election's witnesses cosigned a checkpoint, and whether they
// meet its quorum (docs/protocol.md §11.4; docs/verifier-checks.md, check
// 19). One judgment for senim-verify and `senim check`.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/error.hpp"
#include "tlog/policy.hpp"

namespace senim::protocol {

struct Witnessing {
  std::uint64_t size = 0;
  std::set<std::string> witnesses;  // policy names whose cosignature verified
  // Signature lines by no key of the election's policy (the board's or a
  // witness's), as "name+keyid": they count for nothing (signed-note).
  std::vector<std::string> ignored;
  bool quorum_met = false;
};

// The note is a checkpoint of the election signed by the board, and every
// cosignature line of a policy witness on it verifies (tlog-cosignature,
// type 0x04, its signed message the checkpoint). Errors: those of
// verify_witnessed_checkpoint — signature_invalid for a policy witness's
// cosignature that does not verify.
Expected<Witnessing> witnessing(std::string_view note, const tlog::Policy& policy);

// The quorum the policy names, for people: "quorum observers: 2 of w1, w2, w3".
std::string describe_quorum(const tlog::Policy& policy);

// Errors: quorum_not_met, naming the checkpoint's size, who cosigned, the
// ignored lines and the quorum.
Status require_quorum(const Witnessing& w, const tlog::Policy& policy);

}  // namespace senim::protocol
