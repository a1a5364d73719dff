#include "tests/server/data_dir_tools.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace senim::test {

namespace fs = std::filesystem;

void copy_directory(const std::string& from, const std::string& to) {
  if (fs::exists(to))
    throw std::runtime_error(to + " exists");
  fs::copy(from, to, fs::copy_options::recursive);
}

std::uint64_t file_size(const std::string& path) {
  return fs::file_size(path);
}

void cut_file(const std::string& path, unsigned percent) {
  fs::resize_file(path, file_size(path) * percent / 100);
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::string& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

void flip_byte(const std::string& path, std::uint64_t offset, std::uint8_t mask) {
  Bytes bytes = read_file(path);
  if (offset >= bytes.size())
    throw std::runtime_error("flip_byte: offset past the end of " + path);
  bytes[offset] ^= mask;
  write_file(path, bytes);
}

void exec_sql(const std::string& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open((dir + "/board.sqlite").c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open the database in " + dir);
  }
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string why = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK)
    throw std::runtime_error(sql + ": " + why);
}

std::uint64_t number_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos)
    throw std::runtime_error("\"" + prefix + "\" is not in: " + text);
  return std::stoull(text.substr(at + prefix.size()));
}

}  // namespace senim::test
