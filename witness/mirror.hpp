// A witness's mirror of the board: every entry it has checked, in log order,
// as a record file (docs/record.md) that it appends to in place. The engine
// reads superseded ballots back from it at the tally, and on a restart the
// witness re-checks the entries after its last snapshot from it — never the
// whole board again.
//
// Appends go straight to the file; sync() makes them durable. The witness's
// state (witness_state.hpp) records how many bytes hold checked entries, and
// open() cuts anything after that off (entries appended before a crash, or
// before a refusal), so the mirror never holds more than the state vouches for.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "protocol/durable_file.hpp"

namespace senim::witness {

class Mirror {
 public:
  // Opens (creating it, header only, if absent) and truncates to
  // `committed_bytes`. Errors: io_error; invalid_encoding (not a record
  // file, or shorter than `committed_bytes`: damaged).
  static Expected<Mirror> open(const std::string& path, std::uint64_t committed_bytes);

  // Appends one entry frame; returns the frame's offset.
  Expected<std::uint64_t> append(ByteView entry);
  // fdatasync: every append so far is durable.
  Status sync();
  // Drops everything after `bytes` (≥ the header, ≤ bytes()).
  Status truncate(std::uint64_t bytes);

  std::uint64_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  Mirror(std::string path, protocol::UniqueFd fd, std::uint64_t bytes)
      : path_(std::move(path)), fd_(std::move(fd)), bytes_(bytes) {}
  std::string path_;
  protocol::UniqueFd fd_;
  std::uint64_t bytes_;
};

}  // namespace senim::witness
