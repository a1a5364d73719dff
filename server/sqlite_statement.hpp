// A thin RAII layer over SQLite's C API: a prepared statement with typed
// binds and column reads, and errors that name the SQL that failed. Only what
// sqlite_storage.cpp needs.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace senim::server::sqlite {

// io_error "<what>: <sqlite's message>".
Error error(sqlite3* db, const std::string& what);

// Runs SQL without results (pragmas, BEGIN, COMMIT, schema).
Status exec(sqlite3* db, const std::string& sql);

// Opens `path` (creating it if `create`) with the pragmas every connection
// needs; the caller owns the connection (sqlite3_close_v2).
Expected<sqlite3*> open_connection(const std::string& path, bool create);

class Statement {
 public:
  static Expected<Statement> prepare(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int i, std::int64_t value);
  Statement& bind(int i, ByteView blob);
  Statement& bind(int i, const std::string& text);
  Statement& bind_null(int i);

  // SQLITE_ROW: true; SQLITE_DONE: false; anything else: io_error.
  Expected<bool> step();
  // For statements without rows: step() must give SQLITE_DONE.
  Status run();
  void reset();

  std::int64_t int64(int column) const;
  Bytes blob(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
};

}  // namespace senim::server::sqlite
