// Startup and recovery: the board is rebuilt from storage alone, checking
// everything on the way, so that after any stop (kill -9 included) the server
// serves exactly the log it had signed, or refuses to start and says why.
#include <algorithm>
#include <mutex>
#include <thread>

#include "protocol/tree_head.hpp"
#include "server/board.hpp"

namespace senim::server {
namespace {

// Leaves replayed per round: prechecked in parallel, then admitted in order.
constexpr std::size_t kReplayChunk = 512;

Error refuse(std::uint64_t leaf, const Error& e) {
  return make_error(e.code, "leaf " + std::to_string(leaf) + " does not replay: " +
                                std::string(errc_name(e.code)) + ": " + e.message);
}

}  // namespace

Expected<std::unique_ptr<Board>> Board::open(std::unique_ptr<Storage> storage,
                                             protocol::SigningKey key, std::string public_url,
                                             unsigned threads) {
  std::unique_ptr<Board> board(
      new Board(std::move(storage), std::move(key), std::move(public_url)));
  const std::unique_lock lock(board->mutex_);
  auto count = board->storage_->leaf_count();
  if (!count)
    return count.error();
  board->stored_size_ = *count;
  // Step 1: every leaf's bytes hash to the stored leaf hash (§7.1) and go into
  // the log; every entry replays through the state machine (§12).
  std::vector<Bytes> chunk;
  std::uint64_t chunk_start = 0;
  auto s = board->storage_->scan_leaves(
      0, *count, [&](std::uint64_t index, Bytes bytes, const Hash32& stored) -> Status {
        if (crypto::merkle::leaf_hash(bytes) != stored) {
          return make_error(Errc::merkle_root_mismatch,
                            "leaf " + std::to_string(index) +
                                ": the stored leaf hash is not the hash of the stored bytes");
        }
        board->log_.append_leaf_hash(stored);
        chunk.push_back(std::move(bytes));
        if (chunk.size() < kReplayChunk)
          return Status::success();
        Status replayed = board->replay(chunk_start, chunk, threads);
        chunk_start = index + 1;
        return replayed;
      });
  if (!s)
    return s.error();
  if (auto r = board->replay(chunk_start, chunk, threads); !r)
    return r.error();
  // Step 2: every head this board ever signed matches the rebuilt log.
  if (auto h = board->check_heads(*count); !h)
    return h.error();
  return board;
}

Status Board::replay(std::uint64_t first_leaf, std::vector<Bytes>& chunk, unsigned threads) {
  // Prechecks in parallel: the proofs are the expensive part, and they need
  // no state but the voting parameters.
  std::vector<std::optional<Expected<Prechecked>>> pre(chunk.size());
  const unsigned workers = std::max(1U, std::min<unsigned>(threads, chunk.size()));
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      for (std::size_t i = w; i < chunk.size(); i += workers)
        pre[i] = state_.precheck(chunk[i]);
    });
  }
  for (std::thread& t : pool)
    t.join();
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    const std::uint64_t leaf = first_leaf + i;
    // A ballot prechecked before this chunk's Open was admitted had no
    // parameters yet: check it again now that the state has moved on.
    if (!pre[i]->ok())
      pre[i] = state_.precheck(chunk[i]);
    if (!pre[i]->ok())
      return refuse(leaf, pre[i]->error());
    if (auto s = admit(**pre[i], leaf); !s)
      return refuse(leaf, s.error());
  }
  chunk.clear();
  return Status::success();
}

Status Board::check_heads(std::uint64_t leaf_count) {
  const std::string election_id = state_.config() ? state_.config()->election_id() : "";
  auto s = storage_->scan_tree_heads([&](const v1::SignedTreeHead& head) -> Status {
    const std::string which = "stored tree head of size " + std::to_string(head.tree_size());
    if (auto v = protocol::verify_tree_head(head, key_.public_key()); !v) {
      return make_error(v.error().code, which + ": " + v.error().message);
    }
    if (head.election_id() != election_id) {
      return make_error(Errc::invalid_argument, which + " names election \"" + head.election_id() +
                                                    "\", the log holds \"" + election_id + "\"");
    }
    auto root = log_.root_at(head.tree_size());
    if (!root) {
      return make_error(Errc::merkle_bad_proof,
                        which + " exceeds the " + std::to_string(leaf_count) + " stored leaves");
    }
    if (*root != protocol::tree_head_root(head)) {
      return make_error(Errc::merkle_root_mismatch,
                        which + " has root " + to_hex(as_bytes(head.root_hash())) +
                            ", the stored leaves give " + to_hex(*root));
    }
    head_ = head;
    return Status::success();
  });
  if (!s)
    return s;
  if (leaf_count == (head_ ? head_->tree_size() : 0))
    return Status::success();
  // Leaves with no head over them: storage written by something other than
  // commit(), which stores each batch with its head. They are part of the
  // log now, so sign and store a head over them before serving.
  v1::SignedTreeHead head = sign_head();
  if (auto a = storage_->append({}, head); !a)
    return a;
  head_ = std::move(head);
  return Status::success();
}

}  // namespace senim::server
