#include "crypto/batch_verifier.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "crypto/msm.hpp"

namespace senim::crypto {

BatchVerifier::BatchVerifier() {
  randombytes_buf(weight_key_.data(), weight_key_.size());
  add_shared_base(Point::generator());
}

BatchVerifier::~BatchVerifier() {
  wipe(weight_key_);
}

Scalar BatchVerifier::draw_weight() {
  std::array<std::uint8_t, 32> bytes{};
  do {
    if (weight_used_ + 16 > weight_pool_.size()) {
      std::array<std::uint8_t, crypto_stream_chacha20_ietf_NONCEBYTES> nonce{};
      for (std::size_t i = 0; i < 8; ++i) {
        nonce[i] = static_cast<std::uint8_t>(weight_counter_ >> (8 * i));
      }
      ++weight_counter_;
      crypto_stream_chacha20_ietf(weight_pool_.data(), weight_pool_.size(), nonce.data(),
                                  weight_key_.data());
      weight_used_ = 0;
    }
    std::copy_n(weight_pool_.begin() + static_cast<std::ptrdiff_t>(weight_used_), 16,
                bytes.begin());
    weight_used_ += 16;
  } while (sodium_is_zero(bytes.data(), 16) != 0);
  return *Scalar::decode(bytes);  // < 2^128 < ℓ: canonical
}

std::size_t BatchVerifier::add_shared_base(const Point& base) {
  if (items() != 1 || !points_.empty())
    throw std::logic_error("BatchVerifier: shared bases come before any term or item");
  shared_bases_.push_back(base);
  shared_coefficients_.emplace_back();
  return shared_bases_.size() - 1;
}

void BatchVerifier::reserve(std::size_t terms) {
  points_.reserve(points_.size() + terms);
  scalars_.reserve(scalars_.size() + terms);
}

std::size_t BatchVerifier::begin_item() {
  if (items() == 1 && !item_used_) {
    item_used_ = true;  // the first item is item 0
    return 0;
  }
  item_first_term_.push_back(points_.size());
  shared_coefficients_.resize(shared_coefficients_.size() + shared_bases_.size());
  item_used_ = true;
  return items() - 1;
}

void BatchVerifier::note_added() {
  item_used_ = true;
}

BatchVerifier::Equation BatchVerifier::equation() {
  return Equation(*this, new_weight());
}

Scalar BatchVerifier::new_weight() {
  ++equations_;
  return draw_weight();
}

void BatchVerifier::add_weighted(const Scalar& coefficient, const Point& p) {
  note_added();
  scalars_.push_back(coefficient);
  points_.push_back(p);
}

void BatchVerifier::add_weighted_shared(std::size_t index, const Scalar& coefficient) {
  if (index >= shared_bases_.size())
    throw std::out_of_range("BatchVerifier: unknown shared base");
  note_added();
  shared_coefficients_[(items() - 1) * shared_bases_.size() + index] += coefficient;
}

void BatchVerifier::Equation::add(const Scalar& s, const Point& p) {
  batch_.add_weighted(weight_ * s, p);
}

void BatchVerifier::Equation::add_shared(std::size_t index, const Scalar& s) {
  batch_.add_weighted_shared(index, weight_ * s);
}

bool BatchVerifier::verify() const {
  return verify_items(0, items());
}

bool BatchVerifier::verify_items(std::size_t first, std::size_t end) const {
  if (first > end || end > items())
    throw std::out_of_range("BatchVerifier: item range outside the batch");
  if (first == end)
    return true;
  const std::size_t t0 = item_first_term_[first];
  const std::size_t t1 = end < items() ? item_first_term_[end] : points_.size();
  // The items' terms are one contiguous run: one MSM over them in place (no
  // copy of a 4,096-ballot batch), plus each shared base once, with the sum
  // of its coefficients over the items.
  const std::size_t shared = shared_bases_.size();
  std::vector<Scalar> sums(shared);
  for (std::size_t i = first; i < end; ++i) {
    for (std::size_t b = 0; b < shared; ++b)
      sums[b] += shared_coefficients_[i * shared + b];
  }
  const Point terms = msm_vartime(std::span(scalars_).subspan(t0, t1 - t0),
                                  std::span(points_).subspan(t0, t1 - t0));
  return (terms + msm_vartime(sums, shared_bases_)).is_identity();
}

std::vector<std::size_t> BatchVerifier::failing_items() const {
  std::vector<std::size_t> out;
  bisect(0, items(), false, out);
  return out;
}

// Finds the bad items of [first, end); `known_bad` when the range is known to
// fail. The sum over a range is the sum over its halves, so when the left
// half holds the right one fails: one MSM per level for a single bad item,
// about one whole batch's MSM in all.
void BatchVerifier::bisect(std::size_t first, std::size_t end, bool known_bad,
                           std::vector<std::size_t>& out) const {
  if (first == end || (!known_bad && verify_items(first, end)))
    return;
  if (end - first == 1) {
    out.push_back(first);
    return;
  }
  const std::size_t middle = first + (end - first) / 2;
  const bool left_bad = !verify_items(first, middle);
  if (left_bad)
    bisect(first, middle, true, out);
  bisect(middle, end, !left_bad, out);
}

}  // namespace senim::crypto
