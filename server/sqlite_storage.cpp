#include "server/sqlite_storage.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <utility>

#include "protocol/entry.hpp"
#include "server/sqlite_statement.hpp"

namespace senim::server {
namespace {

// docs/api.md, "The data directory". Version 2 added leaves_by_leaf_hash
// (an entry posted again gets its receipt again, found by its leaf hash);
// version 3 replaced the signed tree heads by C2SP checkpoints and added the
// witnesses' cosignatures (docs/protocol.md §11.2, §11.4); version 4 added
// credential_leaves, the credential list of each key (the voter's view,
// §11.6), which an open upgrades a version-3 file to.
constexpr std::int64_t kSchemaVersion = 4;

constexpr const char* kCredentialLeavesTable = R"sql(
CREATE TABLE credential_leaves (
  key BLOB PRIMARY KEY,
  leaf INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr const char* kSchema = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE leaves (
  idx INTEGER PRIMARY KEY,
  bytes BLOB NOT NULL,
  leaf_hash BLOB NOT NULL,
  kind TEXT NOT NULL,
  tracking_code BLOB,
  signer BLOB NOT NULL
);
CREATE INDEX leaves_by_tracking_code ON leaves (tracking_code)
  WHERE tracking_code IS NOT NULL;
CREATE INDEX leaves_by_leaf_hash ON leaves (leaf_hash);
CREATE TABLE ballot_alphas (
  alpha_key INTEGER NOT NULL,
  leaf INTEGER NOT NULL,
  PRIMARY KEY (alpha_key, leaf)
) WITHOUT ROWID;
CREATE TABLE credential_leaves (
  key BLOB PRIMARY KEY,
  leaf INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE checkpoints (
  tree_size INTEGER PRIMARY KEY,
  root_hash BLOB NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE cosignatures (
  tree_size INTEGER NOT NULL,
  key_name TEXT NOT NULL,
  key_id INTEGER NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (tree_size, key_name, key_id)
);
INSERT INTO meta (key, value) VALUES ('schema_version', '4');
COMMIT;
)sql";

// The look-ups the board decides by, each read from its index alone (a
// covering index scan never touches the table), for check_lookups().
struct IndexScan {
  const char* index;
  const char* sql;         // (key, idx) of every pair in the index
  bool integer_key;        // the key is an int64 (ballot_alphas' first 8 bytes of α)
  const char* rebuilt_by;  // what rebuilds it from the leaves
};
constexpr const char* kReindex = "sqlite3 DB REINDEX";
constexpr const char* kRestore = "senim-server --data DIR --restore-from RECORD";
constexpr IndexScan kTrackingCodeIndex{
    "leaves_by_tracking_code",
    "SELECT tracking_code, idx FROM leaves INDEXED BY leaves_by_tracking_code "
    "WHERE tracking_code IS NOT NULL",
    false, kReindex};
constexpr IndexScan kLeafHashIndex{
    "leaves_by_leaf_hash", "SELECT leaf_hash, idx FROM leaves INDEXED BY leaves_by_leaf_hash",
    false, kReindex};
constexpr IndexScan kAlphaTable{"ballot_alphas", "SELECT alpha_key, leaf FROM ballot_alphas", true,
                                kRestore};
constexpr IndexScan kCredentialTable{"credential_leaves", "SELECT key, leaf FROM credential_leaves",
                                     false, kRestore};

// The command that rebuilds a look-up, with the database's path and directory.
std::string rebuild_command(std::string command, const std::string& db) {
  const std::string dir = std::filesystem::path(db).parent_path().string();
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"DB", db}, {"DIR", dir}}) {
    if (auto at = command.find(from); at != std::string::npos)
      command.replace(at, from.size(), to);
  }
  return command;
}

// The 8 bytes an int64 alpha_key was made from (alpha_key() below, inverted).
std::array<std::uint8_t, 8> alpha_key_bytes(std::int64_t key) {
  std::array<std::uint8_t, 8> out{};
  auto k = static_cast<std::uint64_t>(key);
  for (std::uint8_t& b : out) {
    b = static_cast<std::uint8_t>(k & 0xff);
    k >>= 8;
  }
  return out;
}

// The index key of an α: its first 8 bytes, little-endian, as SQLite's int64.
std::int64_t alpha_key(const Hash32& alpha) {
  std::uint64_t key = 0;
  for (int i = 7; i >= 0; --i)
    key = key << 8 | alpha[static_cast<std::size_t>(i)];
  return static_cast<std::int64_t>(key);
}

// A stored hash or key; a blob of the wrong length reads as zeros, which
// no recomputed value equals, so the board's checks name the leaf.
Hash32 to_hash(const Bytes& bytes) {
  Hash32 h{};
  if (bytes.size() == h.size())
    std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

constexpr const char* kLeafColumns = "idx, leaf_hash, kind, tracking_code, signer";

// A row of kLeafColumns (from column `first` on), without the bytes.
LeafRecord read_leaf_columns(const sqlite::Statement& q, int first) {
  LeafRecord leaf;
  leaf.index = static_cast<std::uint64_t>(q.int64(first));
  leaf.leaf_hash = to_hash(q.blob(first + 1));
  leaf.kind = q.text(first + 2);
  if (!q.is_null(first + 3))
    leaf.tracking_code = to_hash(q.blob(first + 3));
  leaf.signer = to_hash(q.blob(first + 4));
  return leaf;
}

}  // namespace

// A reader connection with the statements prepared on it that a hot path
// runs again and again (find_leaf_hash: once per posted entry), so that
// SQLite parses each only once per connection (docs/performance.md,
// "Witnesses": the parse was 3% of the board's CPU at 1,000 ballots/s).
struct SqliteStorage::PooledConnection {
  explicit PooledConnection(sqlite3* connection) : db(connection) {}
  ~PooledConnection() {
    statements.clear();  // finalized before the connection closes
    sqlite3_close_v2(db);
  }
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;

  sqlite3* db;
  std::map<std::string, sqlite::Statement, std::less<>> statements;
};

// A reader connection borrowed from the pool; returned when destroyed, its
// cached statements reset first (a statement left stepping would hold a read
// transaction open: an old snapshot, and a WAL that cannot be checkpointed).
class SqliteStorage::Reader {
 public:
  Reader(SqliteStorage* owner, std::unique_ptr<PooledConnection> connection)
      : owner_(owner), connection_(std::move(connection)) {}
  Reader(Reader&& other) noexcept = default;
  Reader& operator=(Reader&&) = delete;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader() {
    if (!connection_)
      return;
    for (auto& [sql, statement] : connection_->statements)
      statement.reset();
    const std::lock_guard lock(owner_->pool_mutex_);
    owner_->idle_readers_.push_back(std::move(connection_));
  }
  sqlite3* db() const { return connection_->db; }
  // `sql` prepared on this connection once, then reused (reset, unbound).
  Expected<sqlite::Statement*> cached(const std::string& sql) {
    auto& statements = connection_->statements;
    if (auto hit = statements.find(sql); hit != statements.end())
      return &hit->second;
    auto prepared = sqlite::Statement::prepare(connection_->db, sql);
    if (!prepared)
      return prepared.error();
    return &statements.emplace(sql, std::move(*prepared)).first->second;
  }

 private:
  SqliteStorage* owner_;
  std::unique_ptr<PooledConnection> connection_;
};

SqliteStorage::SqliteStorage(std::string path) : path_(std::move(path)) {}

SqliteStorage::~SqliteStorage() {
  idle_readers_.clear();
  sqlite3_close_v2(writer_);
}

Expected<std::unique_ptr<SqliteStorage>> SqliteStorage::open(const std::string& path,
                                                             bool check_pages_now) {
  std::unique_ptr<SqliteStorage> storage(new SqliteStorage(path));
  auto writer = sqlite::open_connection(path, true);
  if (!writer)
    return writer.error();
  storage->writer_ = *writer;
  // The writer's page cache: 64 MiB instead of SQLite's 2 MiB. Credential
  // keys are random, so each list of 500 lands on ~500 pages of the
  // credential_leaves index; with the small cache every insert re-read its
  // page (measured: `admin credentials --lines` 7,800/s → 11,000/s).
  if (auto s = sqlite::exec(storage->writer_, "PRAGMA cache_size=-65536"); !s)
    return s.error();
  if (check_pages_now) {
    if (auto s = storage->check_pages(); !s)
      return s.error();
  }
  if (auto s = storage->create_or_check_schema(); !s) {
    // A page the schema check could not read: quick_check says which.
    if (auto pages = storage->check_pages(); !pages)
      return pages.error();
    return s.error();
  }
  return storage;
}

Status SqliteStorage::check_pages() {
  if (pages_checked_)
    return Status::success();
  auto s = quick_check();
  pages_checked_ = s.ok();
  return s;
}

Status SqliteStorage::quick_check() {
  // SQLite's own check of every page and b-tree; it does not compare an
  // index's contents with its table (check_lookups does that). It answers
  // "ok", or rows naming the damage, or fails outright on a page it cannot
  // read at all.
  auto damaged = [&](const std::string& what) {
    return make_error(Errc::io_error,
                      path_ + " is damaged: SQLite's PRAGMA quick_check " + what +
                          ". Put back a copy of it, or rebuild it from the board's election "
                          "record with senim-server --restore-from (docs/operator-guide.md §2.4)");
  };
  auto q = sqlite::Statement::prepare(writer_, "PRAGMA quick_check(10)");
  if (!q)
    return damaged("fails: " + q.error().message);
  std::string problems;
  for (;;) {
    auto row = q->step();
    if (!row)
      return damaged("fails: " + row.error().message);
    if (!*row)
      break;
    std::string line = q->text(0);
    std::replace(line.begin(), line.end(), '\n', ' ');
    if (line != "ok")
      problems += (problems.empty() ? "" : "; ") + line;
  }
  if (problems.empty())
    return Status::success();
  return damaged("reports: " + problems);
}

Status SqliteStorage::create_or_check_schema() {
  auto tables = sqlite::Statement::prepare(writer_, "SELECT count(*) FROM sqlite_master");
  if (!tables)
    return tables.error();
  if (auto row = tables->step(); !row)
    return row.error();
  if (tables->int64(0) == 0) {
    // A new (or empty) file: the whole schema in one transaction.
    if (auto s = sqlite::exec(writer_, kSchema); !s) {
      (void)sqlite::exec(writer_, "ROLLBACK");
      return s;
    }
    return Status::success();
  }
  auto version =
      sqlite::Statement::prepare(writer_, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version) {
    return make_error(Errc::invalid_encoding,
                      path_ + " is not a senim board database (" + version.error().message + ")");
  }
  auto row = version->step();
  if (!row)
    return row.error();
  const std::string found = *row ? version->text(0) : "";
  if (found == std::to_string(kSchemaVersion))
    return Status::success();
  if (found == "3")
    return upgrade_from_3();
  // Versions 1 and 2 stored signed tree heads of senim's own format, which
  // no record of this version carries (docs/api.md, "The data directory").
  const std::string before_checkpoints =
      found == "1" || found == "2"
          ? ". Its signed heads predate C2SP checkpoints: only a record written by a server of "
            "this version can rebuild it; otherwise finish its election with the server that "
            "made it"
          : "";
  return make_error(
      Errc::invalid_encoding,
      path_ + " has schema version \"" + found + "\"; this server reads version " +
          std::to_string(kSchemaVersion) +
          " (and upgrades version 3) and converts no other in place: rebuild it from the board's "
          "election record with senim-server --restore-from (docs/operator-guide.md "
          "§2.4)" +
          before_checkpoints);
}

Expected<SqliteStorage::Reader> SqliteStorage::reader() {
  {
    const std::lock_guard lock(pool_mutex_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<PooledConnection> connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(this, std::move(connection));
    }
  }
  auto db = sqlite::open_connection(path_, false);
  if (!db)
    return db.error();
  return Reader(this, std::make_unique<PooledConnection>(*db));
}

Status SqliteStorage::append(std::span<const LeafRecord> leaves, const StoredCheckpoint& checkpoint,
                             std::span<const StoredCosignature> cosignatures) {
  return store(leaves, &checkpoint, cosignatures);
}

Status SqliteStorage::append_leaves(std::span<const LeafRecord> leaves) {
  return store(leaves, nullptr, {});
}

Status SqliteStorage::append_cosignatures(std::span<const StoredCosignature> cosignatures) {
  return store({}, nullptr, cosignatures);
}

Status SqliteStorage::store(std::span<const LeafRecord> leaves, const StoredCheckpoint* checkpoint,
                            std::span<const StoredCosignature> cosignatures) {
  const std::lock_guard lock(write_mutex_);
  if (auto s = sqlite::exec(writer_, "BEGIN IMMEDIATE"); !s)
    return s;
  auto body = [&]() -> Status {
    if (auto s = insert_leaves(leaves); !s)
      return s;
    if (checkpoint != nullptr) {
      auto insert = sqlite::Statement::prepare(
          writer_, "INSERT INTO checkpoints (tree_size, root_hash, note) VALUES (?, ?, ?)");
      if (!insert)
        return insert.error();
      insert->bind(1, static_cast<std::int64_t>(checkpoint->size))
          .bind(2, ByteView(checkpoint->root))
          .bind(3, checkpoint->note);
      if (auto s = insert->run(); !s)
        return s;
    }
    if (auto s = insert_alphas(leaves); !s)
      return s;
    if (auto s = insert_credential_keys(leaves); !s)
      return s;
    return insert_cosignatures(cosignatures);
  };
  if (auto s = body(); !s) {
    (void)sqlite::exec(writer_, "ROLLBACK");
    return s;
  }
  // With synchronous=FULL this returns after the WAL is on disk.
  if (auto s = sqlite::exec(writer_, "COMMIT"); !s) {
    (void)sqlite::exec(writer_, "ROLLBACK");
    return s;
  }
  return Status::success();
}

Status SqliteStorage::insert_leaves(std::span<const LeafRecord> leaves) {
  if (leaves.empty())
    return Status::success();
  auto insert = sqlite::Statement::prepare(
      writer_,
      "INSERT INTO leaves (idx, bytes, leaf_hash, kind, tracking_code, signer) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!insert)
    return insert.error();
  for (const LeafRecord& leaf : leaves) {
    insert->bind(1, static_cast<std::int64_t>(leaf.index))
        .bind(2, ByteView(leaf.bytes))
        .bind(3, ByteView(leaf.leaf_hash))
        .bind(4, leaf.kind)
        .bind(6, ByteView(leaf.signer));
    if (leaf.tracking_code) {
      insert->bind(5, ByteView(*leaf.tracking_code));
    } else {
      insert->bind_null(5);
    }
    if (auto s = insert->run(); !s)
      return s;
    insert->reset();
  }
  return Status::success();
}

Status SqliteStorage::insert_alphas(std::span<const LeafRecord> leaves) {
  auto index = sqlite::Statement::prepare(
      writer_, "INSERT OR IGNORE INTO ballot_alphas (alpha_key, leaf) VALUES (?, ?)");
  if (!index)
    return index.error();
  for (const LeafRecord& leaf : leaves) {
    for (const Hash32& alpha : leaf.alphas) {
      index->bind(1, alpha_key(alpha)).bind(2, static_cast<std::int64_t>(leaf.index));
      if (auto s = index->run(); !s)
        return s;
      index->reset();
    }
  }
  return Status::success();
}

Status SqliteStorage::insert_credential_keys(std::span<const LeafRecord> leaves) {
  auto insert = sqlite::Statement::prepare(
      writer_, "INSERT INTO credential_leaves (key, leaf) VALUES (?, ?)");
  if (!insert)
    return insert.error();
  for (const LeafRecord& leaf : leaves) {
    for (const protocol::PublicKey& key : leaf.credential_keys) {
      insert->bind(1, ByteView(key)).bind(2, static_cast<std::int64_t>(leaf.index));
      if (auto s = insert->run(); !s)
        return s;
      insert->reset();
    }
  }
  return Status::success();
}

Status SqliteStorage::upgrade_from_3() {
  // The keys come from the stored lists' bytes; the start-up checks then
  // compare the table with the replayed leaves (check_lookups), as for a
  // board of this version, so a damaged list is refused there.
  auto body = [&]() -> Status {
    if (auto s = sqlite::exec(writer_, kCredentialLeavesTable); !s)
      return s;
    auto lists = sqlite::Statement::prepare(
        writer_, "SELECT idx, bytes FROM leaves WHERE kind = 'credentials' ORDER BY idx");
    if (!lists)
      return lists.error();
    std::vector<LeafRecord> records;
    for (;;) {
      auto row = lists->step();
      if (!row)
        return row.error();
      if (!*row)
        break;
      LeafRecord leaf;
      leaf.index = static_cast<std::uint64_t>(lists->int64(0));
      auto parsed = protocol::parse_entry(lists->blob(1));
      if (!parsed || !parsed->statement.has_credentials()) {
        return make_error(Errc::invalid_encoding,
                          "leaf " + std::to_string(leaf.index) +
                              " is stored as a credential list but is not one");
      }
      for (const v1::Credential& c : parsed->statement.credentials().credentials())
        leaf.credential_keys.push_back(to_hash32(c.key()));
      records.push_back(std::move(leaf));
    }
    if (auto s = insert_credential_keys(records); !s)
      return s;
    return sqlite::exec(writer_, "UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  };
  if (auto s = sqlite::exec(writer_, "BEGIN IMMEDIATE"); !s)
    return s;
  if (auto s = body(); !s) {
    (void)sqlite::exec(writer_, "ROLLBACK");
    return make_error(s.error().code, path_ +
                                          ": cannot upgrade the board from schema version 3 "
                                          "to 4 (nothing was changed): " +
                                          s.error().message);
  }
  if (auto s = sqlite::exec(writer_, "COMMIT"); !s) {
    (void)sqlite::exec(writer_, "ROLLBACK");
    return s;
  }
  return Status::success();
}

Expected<std::optional<std::uint64_t>> SqliteStorage::find_credential_list(
    const protocol::PublicKey& key) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(r->db(), "SELECT leaf FROM credential_leaves WHERE key = ?");
  if (!q)
    return q.error();
  q->bind(1, ByteView(key));
  auto row = q->step();
  if (!row)
    return row.error();
  if (!*row)
    return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(q->int64(0)));
}

Status SqliteStorage::insert_cosignatures(std::span<const StoredCosignature> cosignatures) {
  if (cosignatures.empty())
    return Status::success();
  // A witness that cosigns one size twice: the first line stays.
  auto insert = sqlite::Statement::prepare(
      writer_,
      "INSERT OR IGNORE INTO cosignatures (tree_size, key_name, key_id, line) VALUES (?, ?, ?, ?)");
  if (!insert)
    return insert.error();
  for (const StoredCosignature& c : cosignatures) {
    insert->bind(1, static_cast<std::int64_t>(c.size))
        .bind(2, c.key_name)
        .bind(3, static_cast<std::int64_t>(c.key_id))
        .bind(4, c.line);
    if (auto s = insert->run(); !s)
      return s;
    insert->reset();
  }
  return Status::success();
}

Expected<std::uint64_t> SqliteStorage::leaf_count() {
  auto r = reader();
  if (!r)
    return r.error();
  // idx is dense from 0, so the count is max + 1 (an O(log n) lookup).
  auto q = sqlite::Statement::prepare(r->db(), "SELECT COALESCE(MAX(idx) + 1, 0) FROM leaves");
  if (!q)
    return q.error();
  auto row = q->step();
  if (!row)
    return row.error();
  return static_cast<std::uint64_t>(q->int64(0));
}

Expected<Bytes> SqliteStorage::leaf(std::uint64_t index) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(r->db(), "SELECT bytes FROM leaves WHERE idx = ?");
  if (!q)
    return q.error();
  q->bind(1, static_cast<std::int64_t>(index));
  auto row = q->step();
  if (!row)
    return row.error();
  if (!*row)
    return make_error(Errc::not_found, "no leaf " + std::to_string(index));
  return q->blob(0);
}

Expected<std::vector<Hash32>> SqliteStorage::leaf_hashes(std::uint64_t end) {
  auto r = reader();
  if (!r)
    return r.error();
  // The covering index holds (leaf_hash, idx) in hash order: a few dozen
  // bytes a leaf, where the table holds every leaf's bytes.
  auto q = sqlite::Statement::prepare(
      r->db(), "SELECT idx, leaf_hash FROM leaves INDEXED BY leaves_by_leaf_hash WHERE idx < ?");
  if (!q)
    return q.error();
  q->bind(1, static_cast<std::int64_t>(end));
  std::vector<Hash32> hashes(end);
  std::vector<bool> seen(end, false);
  std::uint64_t found = 0;
  for (;;) {
    auto row = q->step();
    if (!row)
      return row.error();
    if (!*row)
      break;
    const auto idx = static_cast<std::uint64_t>(q->int64(0));
    if (idx >= end || seen[idx])
      return make_error(Errc::io_error, "leaf " + std::to_string(idx) + " is indexed twice");
    seen[idx] = true;
    hashes[idx] = to_hash(q->blob(1));
    ++found;
  }
  if (found != end) {
    return make_error(Errc::io_error, "the leaf-hash index holds " + std::to_string(found) +
                                          " of the " + std::to_string(end) +
                                          " leaves before leaf " + std::to_string(end));
  }
  return hashes;
}

Status SqliteStorage::scan_leaves(std::uint64_t begin, std::uint64_t end,
                                  const LeafVisitor& visit) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(r->db(), std::string("SELECT ") + kLeafColumns +
                                                   ", bytes FROM leaves WHERE idx >= ? AND idx "
                                                   "< ? ORDER BY idx");
  if (!q)
    return q.error();
  q->bind(1, static_cast<std::int64_t>(begin)).bind(2, static_cast<std::int64_t>(end));
  std::uint64_t expected = begin;
  for (;;) {
    auto row = q->step();
    if (!row)
      return row.error();
    if (!*row)
      break;
    LeafRecord leaf = read_leaf_columns(*q, 0);
    if (leaf.index != expected) {
      return make_error(Errc::io_error, "leaf " + std::to_string(expected) +
                                            " is missing from storage (next stored leaf is " +
                                            std::to_string(leaf.index) + ")");
    }
    leaf.bytes = q->blob(5);
    if (auto s = visit(std::move(leaf)); !s)
      return s;
    ++expected;
  }
  if (expected != end) {
    return make_error(Errc::io_error, "storage holds leaves up to " + std::to_string(expected) +
                                          ", asked for " + std::to_string(end));
  }
  return Status::success();
}

Expected<std::optional<TrackingCodeHit>> SqliteStorage::find_tracking_code(
    const Hash32& code, const std::string& kind) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(
      r->db(),
      "SELECT idx, kind FROM leaves WHERE tracking_code = ? AND (? = '' OR kind = ?) "
      "ORDER BY kind = 'ballot' DESC, idx LIMIT 1");
  if (!q)
    return q.error();
  q->bind(1, ByteView(code)).bind(2, kind).bind(3, kind);
  auto row = q->step();
  if (!row)
    return row.error();
  if (!*row)
    return std::optional<TrackingCodeHit>{};
  return std::optional<TrackingCodeHit>(
      TrackingCodeHit{static_cast<std::uint64_t>(q->int64(0)), q->text(1)});
}

Expected<std::vector<Hash32>> SqliteStorage::find_tracking_code_prefix(ByteView prefix,
                                                                       std::size_t limit) {
  auto r = reader();
  if (!r)
    return r.error();
  // A range of the tracking-code index: [prefix, prefix + 1) as blobs
  // (compared byte by byte, a shorter blob first); no upper bound when the
  // prefix is all 0xff.
  Bytes above(prefix.begin(), prefix.end());
  auto carry = std::find_if(above.rbegin(), above.rend(), [](std::uint8_t b) { return b != 0xff; });
  const bool bounded = carry != above.rend();
  if (bounded) {
    ++*carry;
    std::fill(above.rbegin(), carry, std::uint8_t{0});
  }
  auto q = sqlite::Statement::prepare(
      r->db(),
      "SELECT DISTINCT tracking_code FROM leaves WHERE tracking_code >= ? AND (? OR "
      "tracking_code < ?) ORDER BY tracking_code LIMIT ?");
  if (!q)
    return q.error();
  q->bind(1, prefix).bind(2, static_cast<std::int64_t>(bounded ? 0 : 1)).bind(3, ByteView(above));
  q->bind(4, static_cast<std::int64_t>(limit));
  std::vector<Hash32> codes;
  for (;;) {
    auto row = q->step();
    if (!row)
      return row.error();
    if (!*row)
      return codes;
    const Bytes code = q->blob(0);
    if (code.size() != 32)
      return make_error(Errc::io_error, "a stored tracking code is not 32 bytes");
    Hash32 h{};
    std::copy(code.begin(), code.end(), h.begin());
    codes.push_back(h);
  }
}

Expected<std::optional<LeafRecord>> SqliteStorage::find_leaf_hash(const Hash32& leaf_hash) {
  auto r = reader();
  if (!r)
    return r.error();
  static const std::string kSql = std::string("SELECT ") + kLeafColumns +
                                  " FROM leaves WHERE leaf_hash = ? ORDER BY idx LIMIT 1";
  auto q = r->cached(kSql);
  if (!q)
    return q.error();
  sqlite::Statement& query = **q;
  query.bind(1, ByteView(leaf_hash));
  auto row = query.step();
  if (!row)
    return row.error();
  if (!*row)
    return std::optional<LeafRecord>{};
  return std::optional<LeafRecord>(read_leaf_columns(query, 0));
}

Status SqliteStorage::check_lookups(const LookupDigests& of_leaves) {
  auto r = reader();
  if (!r)
    return r.error();
  for (const auto& [scan, expected] : {std::pair{kTrackingCodeIndex, &of_leaves.by_tracking_code},
                                       std::pair{kLeafHashIndex, &of_leaves.by_leaf_hash},
                                       std::pair{kAlphaTable, &of_leaves.by_alpha},
                                       std::pair{kCredentialTable, &of_leaves.by_credential}}) {
    auto q = sqlite::Statement::prepare(r->db(), scan.sql);
    if (!q)
      return q.error();
    PairDigest found;
    for (;;) {
      auto row = q->step();
      if (!row)
        return row.error();
      if (!*row)
        break;
      const auto leaf = static_cast<std::uint64_t>(q->int64(1));
      if (scan.integer_key) {
        found.add(alpha_key_bytes(q->int64(0)), leaf);
      } else {
        found.add(q->blob(0), leaf);
      }
    }
    if (found != *expected) {
      return make_error(Errc::io_error,
                        path_ + ": index " + scan.index +
                            " does not match the leaves it indexes (the index holds " +
                            found.describe() + "; the leaves give " + expected->describe() +
                            "): the database is damaged. The leaves themselves check out, so "
                            "it can be rebuilt from them: " +
                            rebuild_command(scan.rebuilt_by, path_) +
                            " (docs/operator-guide.md §2.4)");
    }
  }
  return Status::success();
}

Expected<std::vector<std::uint64_t>> SqliteStorage::find_alpha(const Hash32& alpha,
                                                               std::uint64_t before) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(
      r->db(), "SELECT leaf FROM ballot_alphas WHERE alpha_key = ? AND leaf < ? ORDER BY leaf");
  if (!q)
    return q.error();
  q->bind(1, alpha_key(alpha)).bind(2, static_cast<std::int64_t>(before));
  std::vector<std::uint64_t> leaves;
  for (;;) {
    auto row = q->step();
    if (!row)
      return row.error();
    if (!*row)
      return leaves;
    leaves.push_back(static_cast<std::uint64_t>(q->int64(0)));
  }
}

Status SqliteStorage::scan_checkpoints(const CheckpointVisitor& visit) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(
      r->db(), "SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size");
  if (!q)
    return q.error();
  for (;;) {
    auto row = q->step();
    if (!row)
      return row.error();
    if (!*row)
      return Status::success();
    StoredCheckpoint c;
    c.size = static_cast<std::uint64_t>(q->int64(0));
    c.root = to_hash(q->blob(1));
    c.note = q->text(2);
    if (auto s = visit(std::move(c)); !s)
      return s;
  }
}

Status SqliteStorage::scan_cosignatures(const CosignatureVisitor& visit) {
  auto r = reader();
  if (!r)
    return r.error();
  auto q = sqlite::Statement::prepare(
      r->db(),
      "SELECT tree_size, key_name, key_id, line FROM cosignatures ORDER BY tree_size, rowid");
  if (!q)
    return q.error();
  for (;;) {
    auto row = q->step();
    if (!row)
      return row.error();
    if (!*row)
      return Status::success();
    StoredCosignature c;
    c.size = static_cast<std::uint64_t>(q->int64(0));
    c.key_name = q->text(1);
    c.key_id = static_cast<std::uint32_t>(q->int64(2));
    c.line = q->text(3);
    if (auto s = visit(std::move(c)); !s)
      return s;
  }
}

}  // namespace senim::server
