// Storage in one SQLite file (DIR/board.sqlite), the embedded default
// (DESIGN.md): write-ahead log, synchronous=FULL, so a committed transaction
// survives kill -9 and power loss. One writer connection (the committer's)
// and a pool of reader connections, which WAL lets run beside the writer.
//
// Schema (version 4; version 3 is upgraded at open, another is refused):
//   leaves(idx PK, bytes, leaf_hash, kind, tracking_code, signer)
//     + index on tracking_code for GET /v1/ballots and the challenge rule
//     + index on leaf_hash: an entry posted again gets its receipt again
//   ballot_alphas(alpha_key, leaf) PK both: the first 8 bytes of each cast
//     ciphertext's α (a little-endian int64), for the challenge rule (§9.5)
//   credential_leaves(key PK, leaf) WITHOUT ROWID: the credential list that
//     holds each credential key, for the voter's view (docs/protocol.md §11.6)
//   checkpoints(tree_size PK, root_hash, note)   note = the board-signed checkpoint
//   cosignatures(tree_size, key_name, key_id, line) PK (tree_size, key_name, key_id)
//   meta(key PK, value)  schema_version
//
// Opening runs PRAGMA quick_check and refuses a damaged file (or, for a
// start from the restart snapshot, leaves it to check_pages()); the indexes'
// contents are compared with the leaves by check_lookups().
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/storage.hpp"

struct sqlite3;

namespace senim::server {

class SqliteStorage final : public Storage {
 public:
  // Opens or creates the database at `path`, checks it (quick_check, unless
  // `check_pages_now` is false: then check_pages() does) and its schema
  // version; creates the schema in an empty file.
  static Expected<std::unique_ptr<SqliteStorage>> open(const std::string& path,
                                                       bool check_pages_now = true);
  ~SqliteStorage() override;
  SqliteStorage(const SqliteStorage&) = delete;
  SqliteStorage& operator=(const SqliteStorage&) = delete;

  Status append(std::span<const LeafRecord> leaves, const StoredCheckpoint& checkpoint,
                std::span<const StoredCosignature> cosignatures) override;
  Status append_leaves(std::span<const LeafRecord> leaves) override;
  Status append_cosignatures(std::span<const StoredCosignature> cosignatures) override;
  Expected<std::uint64_t> leaf_count() override;
  Expected<Bytes> leaf(std::uint64_t index) override;
  Status scan_leaves(std::uint64_t begin, std::uint64_t end, const LeafVisitor& visit) override;
  Expected<std::vector<Hash32>> leaf_hashes(std::uint64_t end) override;
  Expected<std::vector<Hash32>> find_tracking_code_prefix(ByteView prefix,
                                                          std::size_t limit) override;
  Expected<std::optional<TrackingCodeHit>> find_tracking_code(const Hash32& code,
                                                              const std::string& kind) override;
  Expected<std::optional<LeafRecord>> find_leaf_hash(const Hash32& leaf_hash) override;
  Status check_lookups(const LookupDigests& of_leaves) override;
  Expected<std::vector<std::uint64_t>> find_alpha(const Hash32& alpha,
                                                  std::uint64_t before) override;
  Expected<std::optional<std::uint64_t>> find_credential_list(
      const protocol::PublicKey& key) override;
  Status scan_checkpoints(const CheckpointVisitor& visit) override;
  Status scan_cosignatures(const CosignatureVisitor& visit) override;
  Status check_pages() override;

 private:
  class Reader;             // a pooled reader connection, returned on destruction
  struct PooledConnection;  // a reader connection and its cached statements
  explicit SqliteStorage(std::string path);
  Expected<Reader> reader();
  Status quick_check();
  Status create_or_check_schema();
  // Schema 3 → 4: credential_leaves, built from the stored credential
  // lists, in one transaction (docs/api.md, "The data directory").
  Status upgrade_from_3();
  // One write transaction: the leaves, the checkpoint if given, the cosignatures.
  Status store(std::span<const LeafRecord> leaves, const StoredCheckpoint* checkpoint,
               std::span<const StoredCosignature> cosignatures);
  Status insert_leaves(std::span<const LeafRecord> leaves);
  Status insert_alphas(std::span<const LeafRecord> leaves);           // cast ballots' α (§9.5)
  Status insert_credential_keys(std::span<const LeafRecord> leaves);  // lists' keys (§11.6)
  Status insert_cosignatures(std::span<const StoredCosignature> cosignatures);

  std::string path_;
  bool pages_checked_ = false;
  std::mutex write_mutex_;
  sqlite3* writer_ = nullptr;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<PooledConnection>> idle_readers_;
};

}  // namespace senim::server
