#include "server/sqlite_statement.hpp"

#include <utility>

namespace senim::server::sqlite {

Error error(sqlite3* db, const std::string& what) {
  return make_error(Errc::io_error, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

Status exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return make_error(Errc::io_error, "sqlite \"" + sql + "\": " + text);
  }
  return Status::success();
}

Expected<sqlite3*> open_connection(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = error(db, "cannot open " + path);
    sqlite3_close_v2(db);
    return e;
  }
  // WAL: readers never block the writer nor see a half-written batch.
  // synchronous=FULL: COMMIT returns only after the WAL is fsync'ed, so a
  // receipt is never sent for a batch a crash could lose (DESIGN.md).
  // busy_timeout: a reader may briefly wait for a checkpoint.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=OFF"}) {
    sqlite3_stmt* stmt = nullptr;
    // journal_mode answers a row; prepare/step/finalize handles both kinds.
    int rc = sqlite3_prepare_v2(db, pragma, -1, &stmt, nullptr);
    if (rc == SQLITE_OK) {
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
      Error e = error(db, std::string("cannot set ") + pragma + " on " + path);
      sqlite3_close_v2(db);
      return e;
    }
  }
  return db;
}

Expected<Statement> Statement::prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return error(db, "cannot prepare \"" + sql + "\"");
  }
  return Statement(db, stmt, sql);
}

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), sql_(std::move(other.sql_)) {}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, std::int64_t value) {
  sqlite3_bind_int64(stmt_, i, value);
  return *this;
}

Statement& Statement::bind(int i, ByteView blob) {
  // SQLITE_STATIC: the caller keeps `blob` alive until the step.
  sqlite3_bind_blob64(stmt_, i, blob.data(), blob.size(), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int i, const std::string& text) {
  sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Expected<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return error(db_, "\"" + sql_ + "\"");
}

Status Statement::run() {
  auto row = step();
  if (!row)
    return row.error();
  if (*row)
    return make_error(Errc::io_error, "\"" + sql_ + "\" returned rows");
  return Status::success();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

Bytes Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return data ? Bytes(data, data + size) : Bytes{};
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return data ? std::string(reinterpret_cast<const char*>(data), size) : std::string{};
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace senim::server::sqlite
