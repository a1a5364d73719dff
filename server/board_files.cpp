#include "server/board_files.hpp"

#include <filesystem>

#include "crypto/merkle.hpp"
#include "server/board_key.hpp"

namespace senim::server {
namespace {

namespace fs = std::filesystem;

Error refuse(const std::string& why) {
  return make_error(Errc::io_error, why);
}

// A board that has a key but no record of what it released.
std::string record_advice(const std::string& dir) {
  return "Put back board.head from a copy (safe: the log is checked against it; an older copy "
         "only protects less), or rebuild it and the log from the board's latest election "
         "record: senim-server --data " +
         dir + " --restore-from RECORD (docs/operator-guide.md §2.4)";
}

Expected<BoardFiles> create_board(const std::string& key_path, const std::string& head_path) {
  auto record = HeadRecord::open(head_path);
  if (record && record->latest().tree_size != 0) {
    return refuse(key_path + " is missing, but " + head_path + " records a checkpoint of size " +
                  std::to_string(record->latest().tree_size) +
                  " that it signed: restore board.key from your backup (a new key would not "
                  "match the signed checkpoints)");
  }
  if (!record && record.error().code != Errc::not_found) {
    return refuse(key_path + " is missing and " + record.error().message +
                  ": restore both from your backup, or start a new board in an empty directory");
  }
  if (!record) {
    record = HeadRecord::create(head_path, RecordedHead{0, crypto::merkle::empty_root(), {}});
    if (!record)
      return record.error();
  }
  auto key = create_board_key(key_path);
  if (!key)
    return key.error();
  return BoardFiles{std::move(*key), std::move(*record)};
}

}  // namespace

std::string restore_advice(const std::string& dir, std::uint64_t size) {
  return "Starting would sign checkpoints that contradict receipts already given. Put back a copy "
         "of "
         "board.sqlite taken after the checkpoint of size " +
         std::to_string(size) +
         ", or rebuild the log from an election record that reaches that head (GET /v1/record "
         "from any copy of this board, senim-verify --save): senim-server --data " +
         dir + " --restore-from RECORD (docs/operator-guide.md §2.4)";
}

Expected<BoardFiles> open_board_files(const std::string& dir) {
  const std::string key_path = dir + "/board.key";
  const std::string head_path = dir + "/board.head";
  const std::string db_path = dir + "/board.sqlite";
  if (!fs::exists(key_path)) {
    // A board that already has a log but lost its key must not get a new
    // one: every head it signed would then fail.
    if (fs::exists(db_path)) {
      return refuse(key_path + " is missing but the board has a log (" + db_path +
                    "); restore the key from backup (a new key would not match the signed "
                    "heads)");
    }
    return create_board(key_path, head_path);
  }
  auto key = load_board_key(key_path);
  if (!key)
    return key.error();
  auto record = HeadRecord::open(head_path);
  if (!record && record.error().code == Errc::not_found) {
    return refuse(head_path + " is missing, but " + key_path +
                  " exists: this board may have signed checkpoints, and without the record of the "
                  "largest one it released the server cannot tell a whole log from a damaged "
                  "or replaced one. " +
                  record_advice(dir));
  }
  if (!record)
    return refuse(record.error().message + ". " + record_advice(dir));
  const std::uint64_t released = record->latest().tree_size;
  if (released > 0 && !fs::exists(db_path)) {
    return refuse(db_path +
                  " is missing, but this board signed and released a checkpoint of size " +
                  std::to_string(released) + " (recorded in " + head_path + "). " +
                  restore_advice(dir, released));
  }
  return BoardFiles{std::move(*key), std::move(*record)};
}

}  // namespace senim::server
