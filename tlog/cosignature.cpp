#include "tlog/cosignature.hpp"

#include <algorithm>
#include <utility>

#include "tlog/checkpoint.hpp"

namespace senim::tlog {

std::string cosignature_v1_message(std::uint64_t timestamp, std::string_view checkpoint_text) {
  return std::string(kCosignatureV1Header) + "\ntime " + std::to_string(timestamp) + "\n" +
         std::string(checkpoint_text);
}

Bytes encode_timestamped_signature(const TimestampedSignature& ts) {
  Bytes out;
  out.reserve(kTimestampedSignatureBytes);
  append_u64_be(out, ts.timestamp);
  append(out, ts.signature);
  return out;
}

Expected<TimestampedSignature> decode_timestamped_signature(ByteView bytes) {
  if (bytes.size() != kTimestampedSignatureBytes) {
    return make_error(Errc::invalid_length,
                      "a timestamped_signature is 72 bytes, got " + std::to_string(bytes.size()));
  }
  TimestampedSignature out;
  for (std::size_t i = 0; i < 8; ++i)
    out.timestamp = (out.timestamp << 8) | bytes[i];
  if (out.timestamp > kMaxCosignatureTimestamp) {
    return make_error(Errc::out_of_range, "cosignature timestamp " + std::to_string(out.timestamp) +
                                              " exceeds 2^63 - 1");
  }
  std::copy(bytes.begin() + 8, bytes.end(), out.signature.begin());
  return out;
}

Expected<NoteSigner> cosignature_v1_signer(const VerifierKey& key, Ed25519SignFn sign,
                                           std::uint64_t timestamp) {
  if (key.type != kSignatureTypeCosignatureV1) {
    return make_error(Errc::invalid_argument, "a cosignature/v1 signer needs a type 0x04 key, " +
                                                  key_label(key.name, key.key_id) + " has type " +
                                                  std::to_string(key.type));
  }
  if (timestamp == 0 || timestamp > kMaxCosignatureTimestamp) {
    return make_error(Errc::invalid_argument, "cosignature timestamp " + std::to_string(timestamp) +
                                                  " is not in 1..2^63-1");
  }
  auto cosign = [sign = std::move(sign), timestamp](std::string_view text) -> Expected<Bytes> {
    if (Expected<Checkpoint> checkpoint = parse_checkpoint(text); !checkpoint)
      return checkpoint.error();
    const std::string message = cosignature_v1_message(timestamp, text);
    return encode_timestamped_signature({timestamp, sign(as_bytes(message))});
  };
  return NoteSigner{key.name, key.key_id, std::move(cosign)};
}

Expected<std::uint64_t> verify_cosignature_v1(const VerifierKey& key,
                                              std::string_view checkpoint_text,
                                              ByteView signature) {
  const std::string label = key_label(key.name, key.key_id);
  if (key.type != kSignatureTypeCosignatureV1)
    return make_error(Errc::invalid_argument, label + " is not a cosignature/v1 key");
  Expected<TimestampedSignature> ts = decode_timestamped_signature(signature);
  if (!ts) {
    return make_error(Errc::signature_invalid,
                      "invalid cosignature for key " + label + ": " + ts.error().message);
  }
  const std::string message = cosignature_v1_message(ts->timestamp, checkpoint_text);
  if (!ed25519_verify(key.public_key, as_bytes(message), ts->signature))
    return make_error(Errc::signature_invalid, "invalid cosignature for key " + label);
  return ts->timestamp;
}

}  // namespace senim::tlog
