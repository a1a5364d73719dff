// Typed errors. Verification code recomputes, then compares once; when the
// comparison fails it returns an Error whose code names the check and whose
// message carries the values (STYLE.md: "index 9 out of bounds for size 8").
// Tests assert the code, so every distinct reason to reject has its own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace senim {

enum class Errc {
  invalid_encoding,      // bytes are not a canonical encoding of the type
  invalid_length,        // a field or list has the wrong length or count
  out_of_range,          // a number is outside its allowed range
  challenge_mismatch,    // Fiat-Shamir challenges do not match the transcript hash
  equation_failed,       // a verification equation does not hold
  bad_share,             // a key-ceremony share does not match its commitments
  decryption_failed,     // an encrypted message could not be opened
  not_found,             // a discrete log (or other search) found nothing in range
  invalid_argument,      // a caller passed arguments that cannot be used
  merkle_root_mismatch,  // a Merkle proof leads to a different root
  merkle_bad_proof,      // a Merkle proof has the wrong shape for its sizes
  signature_invalid,     // an Ed25519 signature does not verify
  io_error,              // reading or writing a file failed
  wrong_phase,           // a message the election does not accept in its current phase
  duplicate,             // a message that may be sent once was sent again
  not_authorized,        // signed by someone not allowed to send it
  note_unverified,       // a signed note carries no signature from a known key
  unknown_log,           // a checkpoint's origin is not a log the reader knows
  size_conflict,         // a witness's latest tree size differs from the claimed old size
  quorum_not_met,        // the verified cosigners do not satisfy the witness policy
  not_a_fork,            // fork evidence whose two checkpoints can both be true
  // Not the canonical encoding of a message (docs/protocol.md §11.1.1), one code per rule:
  noncanonical_varint,  // a varint longer than needed, or wider than its field
  unknown_field,        // a field number (or wire type) the schema does not have
  repeated_field,       // a field or oneof given twice: libprotobuf would keep the last
  field_order,          // fields (or map keys) not in ascending order
  default_value,        // a field holding its default value, which is left out
  identity_element,     // a group element that must not be the identity is (§9.3)
  ciphertext_reused,    // a ciphertext opened by a challenge, cast, or the reverse (§9.5)
};

std::string_view errc_name(Errc code);

struct Error {
  Errc code;
  std::string message;
};

// A value or an Error. Minimal stand-in for C++23 std::expected.
template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Expected(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  static Status success() { return {}; }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{Errc::invalid_argument, {}};
  bool ok_ = true;
};

inline Error make_error(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace senim
