// What `--version` says on every senim binary: the release, and the
// versions of the formats it speaks, so that two people comparing their
// tools' verdicts can tell first whether they run the same protocol.
#pragma once

#include <string>
#include <string_view>

namespace senim::protocol {

// "PROGRAM RELEASE\nprotocol senim/v2 (docs/protocol.md), record format N (docs/record.md)\n"
std::string version_text(std::string_view program);

}  // namespace senim::protocol
