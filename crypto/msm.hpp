// Multi-scalar multiplication Σ s_i·P_i over public data (variable time).
// It is what makes batch verification cheap (docs/protocol.md §5.6): a
// verifier folds thousands of proof equations into one MSM.
#pragma once

#include <span>

#include "crypto/point.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

// Σ scalars[i]·points[i]. The spans must have equal length (else
// std::invalid_argument). Straus for small inputs, Pippenger's bucket method
// with signed digits for large ones. Variable-time: public inputs only.
Point msm_vartime(std::span<const Scalar> scalars, std::span<const Point> points);

}  // namespace senim::crypto
