// Damaging a board's data directory the way disks, crashes and careless
// operators do, for the tests of what the server refuses at start: copying
// it, cutting a file, flipping a byte, reading a number out of a refusal.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"

namespace senim::test {

// Copies directory `from` (its files) to `to`, which must not exist.
void copy_directory(const std::string& from, const std::string& to);
std::uint64_t file_size(const std::string& path);
// Cuts the file to `percent` % of its size (rounded down).
void cut_file(const std::string& path, unsigned percent);
// XORs the byte at `offset` with `mask`.
void flip_byte(const std::string& path, std::uint64_t offset, std::uint8_t mask = 0x01);
Bytes read_file(const std::string& path);
void write_file(const std::string& path, ByteView bytes);
// Runs `sql` on the database of the (stopped) board in `dir`; throws if it fails.
void exec_sql(const std::string& dir, const std::string& sql);
// The number right after the first occurrence of `prefix` in `text`
// (throws if there is none).
std::uint64_t number_after(const std::string& text, const std::string& prefix);

}  // namespace senim::test
