// Reading and writing the tools' files (proto/files.proto) as JSON. A file
// holding a secret is written with mode 0600 via a temporary file and a
// rename, and is never overwritten: losing a key by accident is worse than
// an error.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "client/output_file.hpp"
#include "crypto/error.hpp"
#include "crypto/scalar.hpp"
#include "crypto/secret_memory.hpp"

namespace senim::client {

enum class Secrecy { public_file, secret_file };

Status write_message_file(const std::string& path, const google::protobuf::Message& message,
                          Secrecy secrecy, bool overwrite = false);
// Claims PATH for a command's output before the command posts anything
// (client/output_file.hpp); a public file may be overwritten.
Expected<ReservedFile> reserve_output(const std::string& path, Secrecy secrecy,
                                      bool overwrite = false);
// Fills a reserved file with the message as JSON.
Status write_message_file(ReservedFile& file, const google::protobuf::Message& message);
Status read_message_file(const std::string& path, google::protobuf::Message& message);
// A public file (a trustee's .pub): its keys are lowercase hex (docs/api.md,
// "Encodings"; protocol/readable_json.hpp), as write_message_file writes a
// public file; base64, as files before this rule had them, still reads.
Status read_public_file(const std::string& path, google::protobuf::Message& message);

// A file of many messages, one per line as compact JSON (a district's
// credentials, docs/operator-guide.md "Credentials in bulk"). Each line is
// built in guarded memory, through one scratch buffer (wiped after each
// line) rather than a fresh guarded allocation per line; `out` grows as
// needed.
class JsonLines {
 public:
  Status append(const google::protobuf::Message& message, crypto::SecretBuffer& out);

 private:
  crypto::SecretBuffer scratch_{256};
};
// Line `line` (the first is 1) of such a file, read in pieces through
// guarded memory: the file is never held whole.
Status read_message_line(const std::string& path, std::uint64_t line,
                         google::protobuf::Message& message);

// Overwrites a string that held a secret (a seed read from a file).
void wipe_string(std::string& secret);

// enc(s) (docs/protocol.md §2.2) as a protobuf bytes field for a secret
// file, without leaving the encoding's temporary copy on the stack.
std::string secret_scalar_bytes(const crypto::Scalar& s);

// Writes or reads raw bytes (receipts are protobuf binary, for `senim check`).
Status write_bytes_file(const std::string& path, const std::string& bytes);
Expected<std::string> read_bytes_file(const std::string& path);

}  // namespace senim::client
