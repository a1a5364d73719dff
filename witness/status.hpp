// `senim witness status`: what a witness has seen and verified, and what it
// refused and why, read from its data directory (it may be running).
#pragma once

#include <string>

#include "crypto/error.hpp"

namespace senim::witness {

// The report for people. Every string from a file is shown through
// protocol::printable(). Errors: io_error, invalid_encoding (no state).
Expected<std::string> status_text(const std::string& data_dir);

}  // namespace senim::witness
