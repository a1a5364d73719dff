#include "crypto/error.hpp"

namespace senim {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_encoding:
      return "invalid_encoding";
    case Errc::invalid_length:
      return "invalid_length";
    case Errc::out_of_range:
      return "out_of_range";
    case Errc::challenge_mismatch:
      return "challenge_mismatch";
    case Errc::equation_failed:
      return "equation_failed";
    case Errc::bad_share:
      return "bad_share";
    case Errc::decryption_failed:
      return "decryption_failed";
    case Errc::not_found:
      return "not_found";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::merkle_root_mismatch:
      return "merkle_root_mismatch";
    case Errc::merkle_bad_proof:
      return "merkle_bad_proof";
    case Errc::signature_invalid:
      return "signature_invalid";
    case Errc::io_error:
      return "io_error";
    case Errc::wrong_phase:
      return "wrong_phase";
    case Errc::duplicate:
      return "duplicate";
    case Errc::not_authorized:
      return "not_authorized";
    case Errc::note_unverified:
      return "note_unverified";
    case Errc::unknown_log:
      return "unknown_log";
    case Errc::size_conflict:
      return "size_conflict";
    case Errc::quorum_not_met:
      return "quorum_not_met";
    case Errc::not_a_fork:
      return "not_a_fork";
    case Errc::noncanonical_varint:
      return "noncanonical_varint";
    case Errc::unknown_field:
      return "unknown_field";
    case Errc::repeated_field:
      return "repeated_field";
    case Errc::field_order:
      return "field_order";
    case Errc::default_value:
      return "default_value";
    case Errc::identity_element:
      return "identity_element";
    case Errc::ciphertext_reused:
      return "ciphertext_reused";
  }
  return "unknown";
}

}  // namespace senim
