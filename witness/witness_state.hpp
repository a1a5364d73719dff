// A witness's state file, DIR/state.json (proto/witness.proto): what it has
// cosigned, how much of its mirror holds checked entries, and whether it is
// refusing the log. Replaced durably before the witness answers.
#pragma once

#include <string>

#include "crypto/error.hpp"
#include "proto/witness.pb.h"

namespace senim::witness {

// A state file in protobuf's JSON mapping (also a replica's replica.json,
// client/followed_replica.hpp): a missing file leaves `out` empty. Errors:
// io_error, invalid_encoding (it does not parse as `out`'s message).
Status read_json_state(const std::string& path, google::protobuf::Message& out);
// Write to PATH.tmp, fsync, rename, fsync the directory.
Status write_json_state(const std::string& path, const google::protobuf::Message& state);

// Reads DIR/state.json; a missing file is a fresh state (nothing cosigned).
// Errors: io_error, invalid_encoding (it does not parse).
Expected<v1::WitnessState> read_state(const std::string& path);
// Write to PATH.tmp, fsync, rename, fsync the directory.
Status write_state(const std::string& path, const v1::WitnessState& state);

}  // namespace senim::witness
