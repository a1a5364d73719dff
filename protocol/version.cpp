#include "protocol/version.hpp"

#include "crypto/domain_tags.hpp"
#include "protocol/record.hpp"

#ifndef SENIM_RELEASE
#error "SENIM_RELEASE comes from the project's version (protocol/CMakeLists.txt)"
#endif

namespace senim::protocol {

std::string version_text(std::string_view program) {
  return std::string(program) + " " + SENIM_RELEASE + "\nprotocol " +
         std::string(crypto::tags::kProtocolVersion) + " (docs/protocol.md), record format " +
         std::to_string(kRecordVersion) + " (docs/record.md)";
}

}  // namespace senim::protocol
