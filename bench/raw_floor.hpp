// The raw-library floor of checking one referendum ballot, measured in the
// benchmark's own run (docs/performance.md, "The public verifier"): what one
// point decoding (libdecaf), one term of a large multi-scalar
// multiplication, and the SHA-512 of the ballot's credential signature
// challenge (docs/protocol.md §11.1.2) cost on this machine, now. The
// signature is folded into the MSM (§5.6): its R and the credential are two
// more decodings and two more terms, its s·G joins the shared G.
// bench_verify reports senim-verify's CPU per ballot as a ratio of it. All
// of it is this thread's CPU time, not wall time.
#pragma once

#include <cstddef>
#include <string>

namespace senim::bench {

struct RawFloor {
  double decode_us = 0;          // decaf_255_point_decode of a ballot's encodings
  double signature_hash_us = 0;  // the signature's challenge: SHA-512 of tag ‖ R ‖ A ‖ message
  double msm_term_us = 0;        // msm_vartime of `msm_terms` terms, per term
  std::size_t msm_terms = 0;
  std::size_t decodes = 0;  // point encodings of the ballot's entry measured (R and A included)
  std::size_t terms = 0;    // MSM terms its equations need (see raw_floor.cpp)
  // decodes·decode + the signature's hash + terms·MSM term.
  double per_ballot_us() const {
    return static_cast<double>(decodes) * decode_us + signature_hash_us +
           static_cast<double>(terms) * msm_term_us;
  }
};

// Measures the floor on the first ballot of `record` (medians of `reps`
// repetitions each), with MSMs of `batch_ballots` ballots' terms. Throws
// std::runtime_error if the record holds no ballot.
RawFloor measure_raw_floor(const std::string& record, unsigned reps, std::size_t batch_ballots);

}  // namespace senim::bench
