// The board's durable small files use the shared helpers of
// protocol/durable_file.hpp (also used by the witness and the verifier's
// snapshots); these names keep the server's code as it was.
#pragma once

#include "protocol/durable_file.hpp"

namespace senim::server {

using protocol::io_error;
using protocol::read_up_to;
using protocol::rename_durably;
using protocol::sync_parent_directory;
using protocol::UniqueFd;
using protocol::write_all_at;

}  // namespace senim::server
