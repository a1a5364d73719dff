#include "protocol/entry.hpp"

#include <google/protobuf/stubs/logging.h>

#include <stdexcept>

#include "crypto/domain_tags.hpp"

namespace senim::protocol {

void quiet_protobuf_logging() {
  google::protobuf::SetLogHandler(nullptr);
}

Bytes entry_signing_message(ByteView statement_bytes) {
  Bytes message;
  message.reserve(4 + crypto::tags::kEntrySignature.size() + statement_bytes.size());
  append_u32_be(message, static_cast<std::uint32_t>(crypto::tags::kEntrySignature.size()));
  append(message, as_bytes(crypto::tags::kEntrySignature));
  append(message, statement_bytes);
  return message;
}

SignatureScheme entry_signature_scheme(const v1::Statement& statement) {
  return statement.has_ballot() || statement.has_challenge() ? SignatureScheme::credential
                                                             : SignatureScheme::ed25519;
}

namespace {

template <class Key>
Bytes signed_entry(const Key& key, const std::string& statement_bytes) {
  const Signature sig = key.sign(entry_signing_message(as_bytes(statement_bytes)));
  v1::Entry entry;
  entry.set_statement(statement_bytes);
  entry.set_signer(key.public_key().data(), key.public_key().size());
  entry.set_signature(sig.data(), sig.size());
  const std::string out = serialize(entry);
  return {out.begin(), out.end()};
}

void expect_scheme(const v1::Statement& statement, SignatureScheme scheme) {
  if (entry_signature_scheme(statement) != scheme) {
    throw std::invalid_argument(with_article(body_name(statement)) +
                                " is not signed with this kind of key (§11.1)");
  }
}

}  // namespace

Bytes make_entry_from_statement_bytes(const SigningKey& key, const std::string& statement_bytes) {
  return signed_entry(key, statement_bytes);
}

Bytes make_entry_from_statement_bytes(const CredentialKey& key,
                                      const std::string& statement_bytes) {
  return signed_entry(key, statement_bytes);
}

Bytes make_entry(const SigningKey& key, const v1::Statement& statement) {
  expect_scheme(statement, SignatureScheme::ed25519);
  return signed_entry(key, serialize(statement));
}

Bytes make_entry(const CredentialKey& key, const v1::Statement& statement) {
  expect_scheme(statement, SignatureScheme::credential);
  return signed_entry(key, serialize(statement));
}

Expected<v1::Statement> parse_statement(ByteView bytes) {
  v1::Statement statement;
  if (auto s = parse_canonical(bytes, statement); !s)
    return s.error();
  if (statement.body_case() == v1::Statement::BODY_NOT_SET)
    return make_error(Errc::invalid_argument, "statement has no body");
  return statement;
}

Expected<ParsedEntry> parse_entry(ByteView bytes) {
  if (bytes.size() > kMaxEntryBytes) {
    return make_error(Errc::invalid_length, "entry of " + std::to_string(bytes.size()) +
                                                " bytes exceeds the limit of " +
                                                std::to_string(kMaxEntryBytes));
  }
  ParsedEntry parsed;
  if (auto s = parse_canonical(bytes, parsed.entry); !s)
    return s.error();
  if (parsed.entry.signer().size() != 32 || parsed.entry.signature().size() != 64) {
    return make_error(Errc::invalid_length, "entry signer must be 32 bytes and signature 64");
  }
  auto statement = parse_statement(as_bytes(parsed.entry.statement()));
  if (!statement)
    return statement.error();
  parsed.statement = std::move(*statement);
  return parsed;
}

// §11.1: the scheme of the body's kind, never of the entry's choosing.
Status verify_entry_signature(const ParsedEntry& parsed) {
  const v1::Entry& entry = parsed.entry;
  const Bytes message = entry_signing_message(as_bytes(entry.statement()));
  if (entry_signature_scheme(parsed.statement) == SignatureScheme::credential) {
    return verify_credential_signature(as_bytes(entry.signer()), message,
                                       as_bytes(entry.signature()));
  }
  if (!verify_signature(as_bytes(entry.signer()), message, as_bytes(entry.signature()))) {
    return make_error(Errc::signature_invalid, "entry signature does not verify under signer " +
                                                   to_hex(as_bytes(entry.signer())));
  }
  return Status::success();
}

Status verify_entry_signature(const v1::Entry& entry) {
  auto statement = parse_statement(as_bytes(entry.statement()));
  if (!statement)
    return statement.error();
  return verify_entry_signature(ParsedEntry{entry, std::move(*statement)});
}

Status batch_entry_signature(crypto::BatchVerifier& batch, const ParsedEntry& parsed) {
  if (entry_signature_scheme(parsed.statement) != SignatureScheme::credential)
    throw std::invalid_argument("batch_entry_signature: not a credential-signed entry");
  const v1::Entry& entry = parsed.entry;
  return batch_credential_signature(batch, as_bytes(entry.signer()),
                                    entry_signing_message(as_bytes(entry.statement())),
                                    as_bytes(entry.signature()));
}

std::string body_name(const v1::Statement& statement) {
  switch (statement.body_case()) {
    case v1::Statement::kSetup:
      return "set-up";
    case v1::Statement::kDeal:
      return "deal";
    case v1::Statement::kReady:
      return "ready message";
    case v1::Statement::kComplaint:
      return "complaint";
    case v1::Statement::kCredentials:
      return "credential list";
    case v1::Statement::kOpen:
      return "open";
    case v1::Statement::kBallot:
      return "ballot";
    case v1::Statement::kChallenge:
      return "challenged ballot";
    case v1::Statement::kClose:
      return "close";
    case v1::Statement::kTally:
      return "encrypted tally";
    case v1::Statement::kPartial:
      return "partial decryption";
    case v1::Statement::kResult:
      return "result";
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  return "statement without a body";
}

std::string body_id(const v1::Statement& statement) {
  switch (statement.body_case()) {
    case v1::Statement::kSetup:
      return "setup";
    case v1::Statement::kDeal:
      return "deal";
    case v1::Statement::kReady:
      return "ready";
    case v1::Statement::kComplaint:
      return "complaint";
    case v1::Statement::kCredentials:
      return "credentials";
    case v1::Statement::kOpen:
      return "open";
    case v1::Statement::kBallot:
      return "ballot";
    case v1::Statement::kChallenge:
      return "challenge";
    case v1::Statement::kClose:
      return "close";
    case v1::Statement::kTally:
      return "tally";
    case v1::Statement::kPartial:
      return "partial";
    case v1::Statement::kResult:
      return "result";
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  return "none";
}

std::string with_article(const std::string& noun) {
  const bool vowel =
      !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + noun;
}

}  // namespace senim::protocol
