// What an opened challenge shows a voter (docs/api.md, "Readable answers",
// GET /v1/challenges/{code}): the manifest's contests and options, each with
// whether the opened ballot chose it. One builder, so that the board's answer
// and a mirror's file (client/export_tiles.cpp) say the same.
#pragma once

#include <cstdint>

#include "crypto/bytes.hpp"
#include "proto/api.pb.h"
#include "protocol/ballot.hpp"

namespace senim::protocol {

// `opened` is what check_challenge returned for `challenge` (§9.5), the
// entry at `leaf` whose ballot has tracking code `code`.
v1::ChallengeView challenge_view(const v1::Manifest& manifest, const Hash32& code,
                                 std::uint64_t leaf, const OpenedBallot& opened,
                                 const v1::ChallengedBallot& challenge);

}  // namespace senim::protocol
