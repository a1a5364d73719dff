// Batch verification of proof equations (docs/protocol.md §5.6).
//
// Every verification equation in senim has the form Σ s_i·P_i = 0 over
// public data. A batch multiplies each equation by a fresh random 128-bit
// weight z and checks that the sum of all of them is 0 with one
// multi-scalar multiplication. If any equation is false, the sum is 0 with
// probability at most 2^-128 (over the verifier's own randomness), so a
// failed batch means "some proof is invalid" and a passed one means all are.
// Points many equations share (G, the election key K) keep a single summed
// coefficient instead of one term per equation.
//
// Items: a caller that must name *which* of many statements is false (a
// ballot of a batch) starts an item before adding its equations. A failed
// batch is then bisected over items by MSMs of the already-weighted terms
// (failing_items): no hashing or folding is redone, and one bad item among n
// costs about two MSMs of the whole batch, not n single verifications.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/point.hpp"
#include "crypto/scalar.hpp"

namespace senim::crypto {

class BatchVerifier {
 public:
  static constexpr std::size_t kGenerator = 0;  // index of G among the shared bases

  BatchVerifier();
  ~BatchVerifier();
  BatchVerifier(const BatchVerifier&) = delete;
  BatchVerifier& operator=(const BatchVerifier&) = delete;
  // Registers a base many equations use; returns its index for add_shared.
  // Every shared base is registered before anything else is added.
  std::size_t add_shared_base(const Point& base);
  // Room for `terms` more non-shared terms (saves reallocations).
  void reserve(std::size_t terms);

  // Starts an item; what is added next belongs to it. Returns its index
  // (0, 1, …). Until the first call everything belongs to item 0, which the
  // first call reuses if nothing was added yet.
  std::size_t begin_item();
  std::size_t items() const { return item_first_term_.size(); }

  // One equation Σ terms = 0, weighted by its own random z.
  class Equation {
   public:
    // Adds s·P.
    void add(const Scalar& s, const Point& p);
    // Adds s·(shared base `index`).
    void add_shared(std::size_t index, const Scalar& s);

   private:
    friend class BatchVerifier;
    Equation(BatchVerifier& batch, const Scalar& weight) : batch_(batch), weight_(weight) {}
    BatchVerifier& batch_;
    Scalar weight_;
  };

  Equation equation();

  // Lower level, for provers' verifiers that merge terms across equations
  // (e.g. α appears in every branch of a range proof): draw one weight per
  // equation, then add already-weighted terms.
  Scalar new_weight();
  void add_weighted(const Scalar& coefficient, const Point& p);
  void add_weighted_shared(std::size_t index, const Scalar& coefficient);

  std::size_t equations() const { return equations_; }
  std::size_t terms() const { return points_.size(); }
  // True when every equation added holds (except with probability 2^-128).
  bool verify() const;
  // The same for the equations of items [first, end).
  bool verify_items(std::size_t first, std::size_t end) const;
  // The items holding a false equation, in order, found by bisection.
  std::vector<std::size_t> failing_items() const;

 private:
  void note_added();
  void bisect(std::size_t first, std::size_t end, bool known_bad,
              std::vector<std::size_t>& out) const;

  // Weights come from a ChaCha20 stream under a key drawn once from the OS
  // CSPRNG: one getrandom() per batch instead of one per equation.
  Scalar draw_weight();
  std::array<std::uint8_t, 32> weight_key_{};
  std::array<std::uint8_t, 1024> weight_pool_{};
  std::size_t weight_used_ = 1024;
  std::uint64_t weight_counter_ = 0;

  std::vector<Point> shared_bases_;
  // Item-major: the coefficient of shared base b in item i is at
  // i·shared_bases_.size() + b.
  std::vector<Scalar> shared_coefficients_;
  std::vector<Point> points_;
  std::vector<Scalar> scalars_;
  std::vector<std::size_t> item_first_term_{0};  // item i's terms start here
  bool item_used_ = false;                       // the current item has something
  std::size_t equations_ = 0;
};

}  // namespace senim::crypto
