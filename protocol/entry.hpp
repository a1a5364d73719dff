// Board entries: a Statement's exact bytes, its signer, and the signature
// (docs/protocol.md §11.1). Everything is hashed and signed over the bytes
// as received; nothing is ever re-serialised before hashing.
#pragma once

#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/board.pb.h"
#include "protocol/signing.hpp"

namespace senim::protocol {

// Hard cap on one entry's size: a ballot of 64 contests × 63 options is far below it.
inline constexpr std::size_t kMaxEntryBytes = std::size_t{4} * 1024 * 1024;

// Stops libprotobuf from printing to stderr: a parse of untrusted bytes
// that fails (e.g. invalid UTF-8 in a string field) is reported by senim as
// an error value, and must not let a sender write into the operator's log.
// Call once at start-up, before threads.
void quiet_protobuf_logging();

// Serialises a message deterministically (map entries in key order), so that
// the same statement always gives the same bytes. Receivers never depend on
// it: they keep the bytes they received.
std::string serialize(const google::protobuf::Message& message);

// LP("senim/v1/entry") ‖ statement_bytes: what the signer signs.
Bytes entry_signing_message(ByteView statement_bytes);

// Serialises `statement`, signs it, and returns the Entry's bytes.
Bytes make_entry(const SigningKey& key, const v1::Statement& statement);
// Builds an entry around already-serialised statement bytes.
Bytes make_entry_from_statement_bytes(const SigningKey& key, const std::string& statement_bytes);

struct ParsedEntry {
  v1::Entry entry;          // its statement field holds the exact signed bytes
  v1::Statement statement;  // parsed from entry.statement()
};

// Parses entry bytes and the statement inside (size, protobuf well-formedness,
// signer length, a body present). Does not check the signature.
Expected<ParsedEntry> parse_entry(ByteView bytes);
// Ed25519 over entry_signing_message(statement); signature_invalid otherwise.
Status verify_entry_signature(const v1::Entry& entry);

// What people call the statement's body ("ballot", "credential list", …).
std::string body_name(const v1::Statement& statement);
// A stable machine name for the body ("ballot", "challenge", "credentials",
// …): stored by the board, written in files. Never change one.
std::string body_id(const v1::Statement& statement);
// "a ballot", "an open": for messages.
std::string with_article(const std::string& noun);

}  // namespace senim::protocol
