// Shared by the `senim` subcommands: messages in the user's terms, loading
// keys, and the result table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "proto/manifest.pb.h"
#include "proto/tally.pb.h"

namespace senim::client {

// Prints "senim: <message>" on stderr, as one line through
// protocol::printable(), and returns the exit status 1.
int fail(const std::string& message);
int fail(const Error& error);

// An error of the shared checking code (protocol/, tlog/, crypto/) as a
// voter reads it: what kind of failure it is, in the voter's language, then
// its exact detail, which stays English (docs/voter-guide.md §9): that code
// is the server's and the verifier's too, and its details (values, field
// names, section numbers) are what a complaint or bug report quotes.
std::string explain(const Error& error);

// The text of `text` in `lang`, falling back to English, then any; made safe
// to print (protocol::printable): it came from the board.
std::string localized(const v1::Text& text, const std::string& lang);

// The result as a table in `lang` (protocol/result_table.hpp): a row per
// district and the total; per contest a column per option and blank, with
// shares; a turnout table when `credentials` (per district, in the
// manifest's order) is given.
std::string format_result(const v1::Manifest& manifest, const v1::Result& result,
                          const std::string& lang,
                          const std::vector<std::uint64_t>& credentials = {});

// The first 16 hex digits of a key and "…", for messages that name a key
// a person recognises, not one they compare.
std::string short_hex(ByteView key);

// Default board URL: $SENIM_SERVER, else http://127.0.0.1:8080.
std::string default_server();

}  // namespace senim::client
