// Board entries: a Statement's exact bytes, its signer, and the signature
// (docs/protocol.md §11.1). Everything is hashed and signed over the bytes
// as received; and those bytes must be the one canonical encoding
// (§11.1.1), so that the same message never has two hashes.
#pragma once

#include <string>

#include "crypto/batch_verifier.hpp"
#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/board.pb.h"
#include "protocol/canonical.hpp"
#include "protocol/credential_signature.hpp"
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

// §11.1: who signs an entry, and so with which scheme, is fixed by its body
// kind: a ballot and a challenge are signed by a voter's credential
// (Schnorr over ristretto255, §11.1.2), every other kind by an Ed25519 key.
enum class SignatureScheme { ed25519, credential };
SignatureScheme entry_signature_scheme(const v1::Statement& statement);

// Serialises `statement`, signs it, and returns the Entry's bytes. The key's
// type must be the scheme of the statement's kind (std::invalid_argument
// otherwise: a caller's bug, never input).
Bytes make_entry(const SigningKey& key, const v1::Statement& statement);
Bytes make_entry(const CredentialKey& key, const v1::Statement& statement);
// Builds an entry around already-serialised statement bytes, whose kind the
// caller vouches for (a ballot's or challenge's with a CredentialKey).
Bytes make_entry_from_statement_bytes(const SigningKey& key, const std::string& statement_bytes);
Bytes make_entry_from_statement_bytes(const CredentialKey& key, const std::string& statement_bytes);

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
// The signature over entry_signing_message(statement), by the scheme of
// the statement's kind: Ed25519 (signature_invalid) or a credential's
// (§11.1.2: invalid_encoding, identity_element or signature_invalid).
Status verify_entry_signature(const ParsedEntry& parsed);
// The same for an entry whose statement is not parsed yet (parses it to
// learn its kind; a statement that does not parse is that error).
Status verify_entry_signature(const v1::Entry& entry);
// A credential-signed entry's signature in a batch (§5.6): its encodings now,
// its equation in `batch`'s current item. Only for SignatureScheme::credential.
Status batch_entry_signature(crypto::BatchVerifier& batch, const ParsedEntry& parsed);

// What people call the statement's body ("ballot", "credential list", …).
std::string body_name(const v1::Statement& statement);
// A stable machine name for the body ("ballot", "challenge", "credentials",
// …): stored by the board, written in files. Never change one.
std::string body_id(const v1::Statement& statement);
// "a ballot", "an open": for messages.
std::string with_article(const std::string& noun);

}  // namespace senim::protocol
