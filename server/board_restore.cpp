#include "server/board_restore.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "server/board.hpp"
#include "server/board_key.hpp"
#include "server/data_dir.hpp"
#include "server/durable_file.hpp"
#include "server/sqlite_storage.hpp"

namespace senim::server {

namespace fs = std::filesystem;

Expected<StoredCheckpoint> Board::import_record(std::unique_ptr<Storage> empty,
                                                protocol::SigningKey key,
                                                protocol::RecordReader& record,
                                                const RecordedHead* released, unsigned threads) {
  std::unique_ptr<Board> board(new Board(std::move(empty), std::move(key), ""));
  const std::unique_lock lock(board->mutex_);
  std::vector<Bytes> chunk;
  std::uint64_t stored = 0;
  // Entries go to storage a chunk at a time, checked as at start (§12).
  auto flush = [&]() -> Status {
    if (chunk.empty())
      return Status::success();
    if (auto r = board->replay(stored, std::move(chunk), threads); !r)
      return r;
    chunk.clear();
    if (auto a = board->storage_->append_leaves(board->batch_); !a)
      return a;
    stored += board->batch_.size();
    board->batch_.clear();
    return Status::success();
  };
  std::optional<StoredCheckpoint> last;
  for (;;) {
    auto frame = record.next();
    if (!frame)
      return frame.error();
    if (!*frame)
      break;
    if ((*frame)->kind == protocol::FrameKind::entry) {
      chunk.push_back(std::move((*frame)->payload));
      if (chunk.size() < kReplayChunk)
        continue;
    }
    if (auto f = flush(); !f)
      return f.error();
    if ((*frame)->kind != protocol::FrameKind::checkpoint)
      continue;
    const std::string at = "the checkpoint at offset " + std::to_string((*frame)->offset);
    auto imported = board->import_checkpoint(
        std::string((*frame)->payload.begin(), (*frame)->payload.end()), at);
    if (!imported)
      return imported.error();
    last = std::move(*imported);
  }
  if (auto f = flush(); !f)
    return f.error();
  if (!last)
    return make_error(Errc::invalid_argument, "it holds no checkpoint");
  if (board->log_.size() != last->size) {
    return make_error(Errc::invalid_argument,
                      "it holds " + std::to_string(board->log_.size() - last->size) +
                          " entries after its last checkpoint (docs/record.md: a record ends "
                          "with a checkpoint that covers every entry)");
  }
  if (released != nullptr) {
    if (auto s = board->check_released(*released, "board.head"); !s) {
      return make_error(s.error().code,
                        s.error().message +
                            ". Use a record saved after that checkpoint (GET /v1/record from any "
                            "copy of this board that reaches it, or an observer's senim-verify "
                            "--save)");
    }
  }
  return *last;
}

Expected<StoredCheckpoint> Board::import_checkpoint(const std::string& note,
                                                    const std::string& at) {
  // docs/record.md: a checkpoint covers exactly the entries before it.
  auto checkpoint = check_checkpoint(note);
  if (!checkpoint)
    return make_error(checkpoint.error().code, at + ": " + checkpoint.error().message);
  if (checkpoint->checkpoint.size != log_.size()) {
    return make_error(Errc::merkle_bad_proof,
                      at + " has size " + std::to_string(checkpoint->checkpoint.size) + " after " +
                          std::to_string(log_.size()) + " entries");
  }
  // The board's note alone is stored; the cosignatures on it that verify
  // for a policy witness beside it, and the others dropped.
  auto split = protocol::split_checkpoint(note, state_.config()->board_vkey);
  if (!split)
    return make_error(split.error().code, at + ": " + split.error().message);
  StoredCheckpoint stored{checkpoint->checkpoint.size, checkpoint->checkpoint.root,
                          split->board_note};
  make_cosignature_book();
  std::vector<StoredCosignature> cosignatures;
  for (const tlog::NoteSignature& sig : split->others) {
    StoredCosignature row{stored.size, sig.name, sig.key_id, tlog::format_signature_line(sig)};
    if (cosignatures_->load(published(stored), row))
      cosignatures.push_back(std::move(row));
  }
  if (auto a = storage_->append({}, stored, cosignatures); !a)
    return a.error();
  publish(stored);
  return stored;
}

namespace {

struct DataFiles {
  explicit DataFiles(const std::string& dir)
      : key(dir + "/board.key"),
        head(dir + "/board.head"),
        db(dir + "/board.sqlite"),
        staging(dir + "/board.sqlite.restoring") {}
  std::string key, head, db, staging;
};

// A database and the two files SQLite keeps beside it.
std::vector<std::string> with_sidecars(const std::string& db) {
  return {db, db + "-wal", db + "-shm"};
}

void remove_database(const std::string& db) {
  std::error_code ignored;
  for (const std::string& f : with_sidecars(db))
    fs::remove(f, ignored);
}

// Renames each existing file of `db` (and its sidecars) to `db`+`suffix`.
Status move_database(const std::string& db, const std::string& to) {
  const auto from = with_sidecars(db);
  const auto dest = with_sidecars(to);
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (!fs::exists(from[i]))
      continue;
    if (auto s = rename_durably(from[i], dest[i]); !s)
      return s;
  }
  return Status::success();
}

// ".before-restore-<unix time>", or with "-2", "-3", … after it if any
// file a restore would move there exists already (two restores in one
// second): a replaced database is kept, never overwritten. The data
// directory's lock keeps another restore from taking the name meanwhile.
std::string unused_suffix(const DataFiles& files) {
  const std::string base =
      ".before-restore-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  auto taken = [&](const std::string& suffix) {
    if (fs::exists(files.head + suffix))
      return true;
    const auto moved = with_sidecars(files.db + suffix);
    return std::any_of(moved.begin(), moved.end(),
                       [](const std::string& p) { return fs::exists(p); });
  };
  std::string suffix = base;
  for (unsigned n = 2; taken(suffix); ++n)
    suffix = base + "-" + std::to_string(n);
  return suffix;
}

// How many entries the database at `path` holds, if it opens and checks.
std::optional<std::uint64_t> entries_in(const std::string& path) {
  if (!fs::exists(path))
    return std::nullopt;
  auto storage = SqliteStorage::open(path);
  if (!storage)
    return std::nullopt;
  auto count = (*storage)->leaf_count();
  return count ? std::optional<std::uint64_t>(*count) : std::nullopt;
}

// board.head as it is, or nothing if it is missing or damaged (a restore
// then makes it from RECORD); other errors stop the restore.
Expected<std::optional<HeadRecord>> released_head(const std::string& path) {
  auto record = HeadRecord::open(path);
  if (record)
    return std::optional<HeadRecord>(std::move(*record));
  if (record.error().code == Errc::not_found || record.error().code == Errc::invalid_encoding)
    return std::optional<HeadRecord>{};
  return record.error();
}

RecordedHead recorded(const StoredCheckpoint& checkpoint) {
  return RecordedHead{checkpoint.size, checkpoint.root,
                      Bytes(checkpoint.note.begin(), checkpoint.note.end())};
}

// Steps 1-2: RECORD into a new database beside the old one.
Expected<StoredCheckpoint> build_staging(const DataFiles& files, const std::string& record_path,
                                         const std::optional<HeadRecord>& released,
                                         unsigned threads) {
  auto key = load_board_key(files.key);
  if (!key)
    return key.error();
  auto reader = protocol::RecordReader::open(record_path);
  if (!reader)
    return reader.error();
  remove_database(files.staging);
  auto storage = SqliteStorage::open(files.staging);
  if (!storage)
    return storage.error();
  // The storage is closed when import_record returns: SQLite folds its
  // write-ahead log into the file, which can then be renamed alone.
  auto last = Board::import_record(std::move(*storage), std::move(*key), *reader,
                                   released ? &released->latest() : nullptr, threads);
  if (!last) {
    remove_database(files.staging);
    return make_error(last.error().code,
                      record_path + " cannot be restored: " + last.error().message);
  }
  if (fs::exists(files.staging + "-wal")) {
    remove_database(files.staging);
    return make_error(Errc::io_error, "SQLite left " + files.staging + "-wal behind");
  }
  return last;
}

// Step 4's verified state, as the restart snapshot (docs/api.md, "The
// restart snapshot"), replacing any snapshot of the old database. A failure
// is not the restore's: the first start then re-verifies every leaf.
std::string write_restored_snapshot(const Board& board, const std::string& data_dir) {
  const std::string path = data_dir + "/" + std::string(kBoardSnapshotFile);
  auto snapshot = board.snapshot();
  SnapshotChain chain;
  Status written = snapshot ? start_board_snapshot_chain(path, *snapshot, chain)
                            : Status(make_error(Errc::invalid_argument, "no checkpoint"));
  if (written)
    return "; " + path + " holds its verified state";
  std::error_code ignored;
  fs::remove(path, ignored);
  return "; no restart snapshot (" + written.error().message +
         "): the first start re-verifies every leaf";
}

}  // namespace

Expected<std::string> restore_board(const std::string& data_dir, const std::string& record_path,
                                    unsigned threads) {
  const DataFiles files(data_dir);
  auto lock = DataDirLock::acquire(data_dir);
  if (!lock)
    return lock.error();
  if (!fs::exists(files.key)) {
    return make_error(Errc::not_found,
                      files.key +
                          " does not exist: a restore needs the board's own key (put it "
                          "back from your backup; a new key could not sign for this log)");
  }
  auto released = released_head(files.head);
  if (!released)
    return released.error();
  const auto old_entries = entries_in(files.db);
  // Steps 1-2: the new database, checked entry by entry and head by head.
  auto last = build_staging(files, record_path, *released, threads);
  if (!last)
    return last.error();
  if (old_entries && *old_entries > last->size) {
    remove_database(files.staging);
    return make_error(Errc::invalid_argument,
                      files.db + " holds " + std::to_string(*old_entries) + " entries and " +
                          record_path + " only " + std::to_string(last->size) +
                          ": a restore would drop entries; use a record saved later");
  }
  // Step 3: the old files aside (kept), the new database in.
  const std::string suffix = unused_suffix(files);
  if (auto s = move_database(files.db, files.db + suffix); !s)
    return s.error();
  if (auto s = rename_durably(files.staging, files.db); !s)
    return s.error();
  std::string made_record;
  if (!*released) {
    if (fs::exists(files.head)) {
      if (auto s = rename_durably(files.head, files.head + suffix); !s)
        return s.error();
    }
    auto created = HeadRecord::create(files.head, recorded(*last));
    if (!created)
      return created.error();
    released->emplace(std::move(*created));
    made_record = "; " + files.head + " was missing or damaged and now records that head";
  }
  // Step 4: the start-up checks, on the result; the old database back if
  // they fail. The state they verified is the restart snapshot (so the first
  // start re-verifies nothing again).
  std::string snapshot_note;
  auto key = load_board_key(files.key);
  auto storage = SqliteStorage::open(files.db);
  Status checked = !key ? Status(key.error()) : !storage ? Status(storage.error()) : Status();
  if (checked) {
    auto board =
        Board::open(std::move(*storage), std::move(*key), std::move(**released), "", threads);
    if (!board)
      checked = board.error();
    else
      snapshot_note = write_restored_snapshot(**board, data_dir);
  }
  if (!checked) {
    (void)move_database(files.db, files.db + ".restore-failed" + suffix);
    (void)move_database(files.db + suffix, files.db);
    if (!made_record.empty()) {
      std::error_code ignored;
      fs::remove(files.head, ignored);
      if (fs::exists(files.head + suffix))
        (void)rename_durably(files.head + suffix, files.head);
    }
    return make_error(checked.error().code,
                      "the restored board does not check out, so the old files are back: " +
                          checked.error().message);
  }
  return "restored " + std::to_string(last->size) + " entries and their checkpoint from " +
         record_path + made_record +
         (old_entries || fs::exists(files.db + suffix)
              ? "; the replaced database is " + files.db + suffix
              : "") +
         snapshot_note + ". Start the server as usual.";
}

}  // namespace senim::server
