// Decrypting the tally: trustees' partial decryptions, their combination and
// the result (docs/protocol.md §10.2–§10.4).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/element.hpp"
#include "crypto/threshold_decryption.hpp"
#include "proto/tally.pb.h"
#include "protocol/tally.hpp"

namespace senim::protocol {

// Every tally ciphertext, districts in order, each in tally order (§10.2).
std::vector<crypto::Ciphertext> flatten(const DecodedTally& tally);

// Decodes and verifies every share's proof (one batch; on failure, the first
// bad share is named). Returns the partials in crypto form.
Expected<std::vector<crypto::PartialDecryption>> check_partial(
    const Hash32& base_hash, const v1::PartialDecryption& partial,
    const crypto::Element& public_share, const std::vector<crypto::Ciphertext>& ciphertexts);

// §10.3: combines k trustees' verified partials (outer index: trustee) and
// takes discrete logs bounded by each district's ballots_counted.
Expected<v1::Result> combine_result(
    const ElectionShape& shape, std::uint32_t threshold, const DecodedTally& tally,
    const std::vector<std::vector<crypto::PartialDecryption>>& partials);

// §10.4: the published result equals the computed one, field by field; the
// error names the first difference.
Status compare_result(const ElectionShape& shape, const v1::Result& expected,
                      const v1::Result& published);

}  // namespace senim::protocol
