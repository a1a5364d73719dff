// Board entries: a Statement's exact bytes, its signer, and the signature
// (docs/protocol.md §11.1). Everything is hashed and signed over the bytes
// as received; and those bytes must be the one canonical encoding
// (§11.1.1), so that the same message never has two hashes.
#pragma once

#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/board.pb.h"
#include "protocol/canonical.hpp"
#include "protocol/signing.hpp"

namespace senim::protocol {

// §11.1: the largest entry, 2^16 − 1 bytes. The board is served as C2SP
// tlog-tiles, whose entry bundles prefix each entry with a big-endian uint16
// length. The manifest rules (§8.1) refuse an election any of whose entries
// could be larger; credential lists are posted in chunks (§8.5).
inline constexpr std::size_t kMaxEntryBytes = 65'535;

// Stops libprotobuf from printing to stderr: a parse of untrusted bytes
// that fails (e.g. invalid UTF-8 in a string field) is reported by senim as
// an error value, and must not let a sender write into the operator's log.
// Call once at start-up, before threads.
void quiet_protobuf_logging();

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

// §11.1: parses entry bytes and the statement inside: the size, the
// canonical encoding of both (§11.1.1, each broken rule its own Errc),
// signer and signature lengths, a body present. Does not check the signature.
// The one place entries are decoded: board, clients and verifier alike.
Expected<ParsedEntry> parse_entry(ByteView bytes);
// The statement part of that: canonical, with a body.
Expected<v1::Statement> parse_statement(ByteView bytes);
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
