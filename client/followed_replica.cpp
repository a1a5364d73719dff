// A replica in a directory: the witness's mirror and engine, resumed and
// brought up to the board (client/followed_replica.hpp).
#include "client/followed_replica.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <iostream>

#include "crypto/merkle.hpp"
#include "crypto/merkle_compact_range.hpp"
#include "net/log_sources.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "tlog/tile_reader.hpp"
#include "witness/witness_state.hpp"

namespace senim::client {
namespace {

using Clock = std::chrono::steady_clock;

// Entries fetched, proven and checked per round; committed after each.
constexpr std::uint64_t kChunkEntries = std::uint64_t{64} * tlog::kFullTileWidth;
// After a command's catch-up: a snapshot once this many entries follow the last.
constexpr std::uint64_t kCommandSnapshotEntries = 256;
// Ballots per worker batch: several batches per round, so both cores work.
constexpr std::size_t kBallotsPerBatch = 1024;

std::string str(std::uint64_t n) {
  return std::to_string(n);
}

std::string to_string(const Hash32& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace

FollowedReplica::FollowedReplica(ReplicaOptions options) : options_(std::move(options)) {}

FollowedReplica::~FollowedReplica() {
  verifier_.reset();
  if (lock_fd_ >= 0)
    ::close(lock_fd_);  // releases the flock
}

std::string FollowedReplica::path(const char* name) const {
  return (std::filesystem::path(options_.dir) / name).string();
}

void FollowedReplica::progress(const char* what, std::uint64_t done, std::uint64_t total,
                               bool last) {
  // A line every 2 s of a long step, and its end if it had any: a short
  // step says nothing.
  const auto now = Clock::now();
  if (options_.quiet ||
      (!last && now - last_progress_ < std::chrono::duration<double>(options_.progress_every)) ||
      (last && !progress_shown_)) {
    return;
  }
  last_progress_ = now;
  progress_shown_ = !last;
  const double seconds = std::chrono::duration<double>(now - step_start_).count();
  const auto rate = seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(done) / seconds)
                                : std::uint64_t{0};
  std::cerr << "replica " << options_.dir << ": " << what << " " << done << "/" << total
            << " entries, " << rate << " entries/s" << (last ? ", done" : "") << "\n";
}

Status FollowedReplica::lock(bool wait) {
  if (lock_fd_ < 0) {
    lock_fd_ = ::open(path("lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0)
      return protocol::io_error("cannot open " + path("lock"));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) == 0)
    return Status::success();
  if (errno != EWOULDBLOCK || !wait)
    return protocol::io_error("cannot lock " + path("lock"));
  if (!options_.quiet)
    std::cerr << "replica " << options_.dir << ": waiting for the process using it\n";
  if (::flock(lock_fd_, LOCK_EX) != 0)
    return protocol::io_error("cannot lock " + path("lock"));
  return Status::success();
}

void FollowedReplica::release() {
  ::flock(lock_fd_, LOCK_UN);
}

Expected<bool> FollowedReplica::reacquire() {
  if (auto s = lock(true); !s)
    return s.error();
  v1::ReplicaState now;
  if (auto s = witness::read_json_state(path("replica.json"), now); !s)
    return s.error();
  return now.size() == state_.size() && now.mirror_bytes() == state_.mirror_bytes();
}

Expected<std::unique_ptr<FollowedReplica>> FollowedReplica::open(const ReplicaOptions& options) {
  std::unique_ptr<FollowedReplica> r(new FollowedReplica(options));
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec)
    return make_error(Errc::io_error, "cannot create " + options.dir + ": " + ec.message());
  if (auto s = r->lock(true); !s)
    return s.error();
  auto board = net::open_log_source(options.server);
  if (!board)
    return board.error();
  r->board_ = std::move(*board);
  if (auto s = r->load_state(); !s)
    return s.error();
  if (auto s = r->rebuild_engine(); !s)
    return s.error();
  return r;
}

// replica.json, its checkpoint verified under the board key it names, and
// the mirror cut to what it vouches for.
Status FollowedReplica::load_state() {
  if (auto s = witness::read_json_state(path("replica.json"), state_); !s)
    return s;
  if (!state_.board_vkey().empty()) {
    auto key = tlog::parse_vkey(state_.board_vkey());
    if (!key)
      return make_error(Errc::invalid_encoding, path("replica.json") + ": its board vkey: " +
                                                    key.error().message + " (damaged)");
    board_vkey_ = *key;
    auto checkpoint = protocol::verify_board_checkpoint(state_.checkpoint(), *board_vkey_);
    if (!checkpoint) {
      return make_error(checkpoint.error().code, path("replica.json") +
                                                     ": its checkpoint does not verify under the "
                                                     "board's key (changed?): " +
                                                     checkpoint.error().message);
    }
    if (state_.size() > checkpoint->checkpoint.size) {
      return make_error(Errc::invalid_encoding,
                        path("replica.json") + " says it holds " + str(state_.size()) +
                            " entries of a checkpoint of size " + str(checkpoint->checkpoint.size) +
                            " (damaged)");
    }
    checkpoint_ = std::move(*checkpoint);
  }
  auto mirror = witness::Mirror::open(path("mirror.senim"), state_.mirror_bytes());
  if (!mirror)
    return mirror.error();
  mirror_.emplace(std::move(*mirror));
  return Status::success();
}

// The mirror's entries before the snapshot's point hash to the tree the
// restored engine holds: an entry changed in place after it was checked is
// found here, by hashing alone.
Status FollowedReplica::check_mirror_prefix(const crypto::merkle::CompactRange& prefix) const {
  if (prefix.size() == verifier_->size() && prefix.root() == verifier_->root())
    return Status::success();
  return make_error(Errc::merkle_root_mismatch,
                    mirror_->path() + ": its first " + str(prefix.size()) +
                        " entries do not hash to the tree of the " + str(verifier_->size()) +
                        " entries its snapshot checked: the mirror was changed after it was "
                        "checked; remove " +
                        options_.dir + " and follow the board again from the start");
}

// A command does not hash the mirror before the snapshot, but the restored
// engine took the election's configuration from its first entry: that
// entry must still be the set-up that passed check_setup (signed by the
// authority it names), not one changed since (docs/protocol.md §11.7).
Status FollowedReplica::check_restored_setup() const {
  if (config() == nullptr || !report_->passed())
    return Status::success();  // no set-up yet; a failing report is refused after
  auto reader = protocol::RecordReader::open(mirror_->path());
  if (!reader)
    return reader.error();
  auto frame = reader->read_at(protocol::kRecordHeaderBytes);
  if (!frame)
    return make_error(Errc::invalid_encoding, mirror_->path() + ": " + frame.error().message);
  auto parsed = protocol::parse_entry(frame->payload);
  Status checked = parsed ? protocol::verify_entry_signature(*parsed) : Status(parsed.error());
  if (checked) {
    auto config = protocol::check_setup(*parsed);
    checked = config ? Status::success() : Status(config.error());
  }
  if (!checked) {
    return make_error(Errc::merkle_root_mismatch,
                      mirror_->path() + ": its entry 0 is no longer the set-up it checked (" +
                          checked.error().message +
                          "): the mirror was changed after it was checked; remove " + options_.dir +
                          " and follow the board again from the start");
  }
  return Status::success();
}

// The engine in the state of the mirror's checked entries: from the
// snapshot, then every entry after it, checked again.
Status FollowedReplica::rebuild_engine() {
  report_ = std::make_unique<verifier::Report>();
  std::uint64_t from = protocol::kRecordHeaderBytes;
  if (std::filesystem::exists(path("snapshot.bin"))) {
    auto restored = verifier::LogVerifier::restore_snapshot(
        path("snapshot.bin"), mirror_->path(), *report_, 0, from, verifier::Mode::live);
    if (!restored) {
      return make_error(restored.error().code,
                        restored.error().message + "; remove " + path("snapshot.bin") +
                            " to check the mirror again from its first entry");
    }
    if ((*restored)->size() > state_.size() || from > mirror_->bytes()) {
      return make_error(Errc::invalid_encoding, path("snapshot.bin") + " covers " +
                                                    str((*restored)->size()) + " entries, but " +
                                                    path("replica.json") + " vouches for " +
                                                    str(state_.size()) + " (changed?)");
    }
    verifier_ = std::move(*restored);
  } else {
    verifier_ =
        std::make_unique<verifier::LogVerifier>(mirror_->path(), *report_, 0, verifier::Mode::live);
  }
  verifier_->set_ballots_per_batch(kBallotsPerBatch);
  snapshot_size_ = verifier_->size();
  opened_from_snapshot_ = snapshot_size_;
  // One pass over the mirror: the frames before `from` hashed (hash_mirror)
  // or skipped, those after checked. docs/protocol.md §11.7 says what
  // skipping them leaves unchecked.
  auto reader = protocol::RecordReader::open(mirror_->path());
  if (!reader)
    return reader.error();
  crypto::merkle::CompactRange prefix;
  bool prefix_checked = !options_.hash_mirror;
  if (!options_.hash_mirror) {
    if (auto s = check_restored_setup(); !s)
      return s;
    if (auto s = reader->seek(from); !s)
      return s;
  }
  step_start_ = last_progress_ = Clock::now();
  progress_shown_ = false;
  while (true) {
    auto frame = reader->next();
    if (!frame)
      return make_error(Errc::invalid_encoding, mirror_->path() + ": " + frame.error().message);
    if (!frame->has_value())
      break;
    protocol::Frame& f = **frame;
    if (f.offset < from) {
      prefix.append_leaf_hash(crypto::merkle::leaf_hash(f.payload));
      progress("hashing the mirror up to its snapshot:", prefix.size(), snapshot_size_);
      continue;
    }
    if (!prefix_checked) {
      if (auto s = check_mirror_prefix(prefix); !s)
        return s;
      prefix_checked = true;
    }
    verifier_->add_entry(std::move(f.payload), f.offset);
    progress("checking the mirror after its snapshot:", verifier_->size() - snapshot_size_,
             state_.size() - snapshot_size_);
  }
  if (!prefix_checked) {
    if (auto s = check_mirror_prefix(prefix); !s)
      return s;
  }
  verifier_->settle();
  rechecked_ = verifier_->size() - snapshot_size_;
  const bool fresh = state_.size() == 0 && state_.root().empty();
  if (verifier_->size() != state_.size() ||
      (!fresh && to_string(verifier_->root()) != state_.root())) {
    return make_error(Errc::merkle_root_mismatch,
                      mirror_->path() + " does not hold the " + str(state_.size()) +
                          " entries that " + path("replica.json") +
                          " vouches for (changed?); remove " + options_.dir +
                          " and follow the board again from the start");
  }
  return check_passed(0);
}

// The report passes; if not, the first failing entry and its check.
Status FollowedReplica::check_passed(std::uint64_t first_new) const {
  if (report_->passed())
    return Status::success();
  std::uint64_t leaf = first_new;
  verifier::Check check = verifier::Check::record_format;
  if (auto first = report_->first_failed_entry()) {
    leaf = first->first;
    check = first->second;
  } else {
    for (const verifier::CheckInfo& c : verifier::kChecks) {
      if (!report_->result(c.check).passed()) {
        check = c.check;
        break;
      }
    }
  }
  const verifier::CheckInfo& info = verifier::info(check);
  return make_error(Errc::not_authorized, "the board's entry " + str(leaf) + " fails check " +
                                              str(verifier::number(check)) + " (" +
                                              std::string(info.id) +
                                              "): " + report_->result(check).first_message +
                                              "; this replica acts on nothing after it");
}

// The board's latest checkpoint, under the key of the election this replica
// follows; the first time, the election is the one the board serves
// (its set-up at leaf 0, protocol::read_served_election).
Expected<protocol::BoardCheckpoint> FollowedReplica::latest_checkpoint() {
  if (!board_vkey_) {
    auto served = protocol::read_served_election(*board_);
    if (!served)
      return served.error();
    board_vkey_ = served->config.board_vkey;
    state_.set_board_vkey(tlog::format_vkey(*board_vkey_));
    return served->latest;
  }
  auto note = board_->checkpoint();
  if (!note)
    return note.error();
  auto latest = protocol::verify_board_checkpoint(*note, *board_vkey_);
  if (!latest) {
    return make_error(latest.error().code, board_->where() +
                                               "/checkpoint is not a checkpoint of the board "
                                               "this replica follows: " +
                                               latest.error().message);
  }
  return latest;
}

Status FollowedReplica::commit(const std::string& note) {
  verifier_->settle();
  if (auto s = mirror_->sync(); !s)
    return s;
  v1::ReplicaState next = state_;
  next.set_checkpoint(note);
  next.set_size(verifier_->size());
  next.set_mirror_bytes(mirror_->bytes());
  next.set_ballots(report_->ballots);
  next.set_root(to_string(verifier_->root()));
  if (auto s = witness::write_json_state(path("replica.json"), next); !s)
    return s;
  state_ = std::move(next);
  return Status::success();
}

Status FollowedReplica::snapshot() {
  if (verifier_->size() == snapshot_size_ && std::filesystem::exists(path("snapshot.bin")))
    return Status::success();
  const auto start = Clock::now();
  if (auto s = verifier_->save_snapshot(path("snapshot.bin"), mirror_->bytes()); !s)
    return s;
  snapshot_size_ = verifier_->size();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!options_.quiet && seconds >= 1) {  // a long step: said, as every long step is
    std::cerr << "replica " << options_.dir << ": snapshot at " << snapshot_size_ << " entries ("
              << seconds << " s)\n";
  }
  return Status::success();
}

// docs/operator-guide.md "Replicas that keep up": consistency first, then
// the new entries, proven and checked.
Expected<FollowedReplica::CatchUp> FollowedReplica::catch_up(bool want_snapshot) {
  const auto start = Clock::now();
  CatchUp out;
  out.from = verifier_->size();
  auto latest = latest_checkpoint();
  if (!latest)
    return latest.error();
  const tlog::Checkpoint& next = latest->checkpoint;
  if (checkpoint_) {
    const tlog::Checkpoint& ours = checkpoint_->checkpoint;
    if (next.size < ours.size) {
      return make_error(Errc::size_conflict,
                        "the board's checkpoint has " + str(next.size) +
                            " entries, fewer than the " + str(ours.size) +
                            " of the checkpoint this replica holds: a log only grows");
    }
    auto proof = tlog::consistency_proof_from_tiles(ours.size, next.size, next.root, *board_);
    if (!proof)
      return proof.error();
    if (auto s =
            crypto::merkle::verify_consistency(ours.size, next.size, ours.root, next.root, *proof);
        !s) {
      return make_error(s.error().code, "the board's checkpoint of size " + str(next.size) +
                                            " is not consistent with the one of size " +
                                            str(ours.size) +
                                            " this replica holds: " + s.error().message);
    }
  }
  checkpoint_ = *latest;
  protocol::CheckpointedLog log(*board_, next);
  step_start_ = last_progress_ = Clock::now();
  progress_shown_ = false;
  const std::uint64_t first_new = verifier_->size();
  while (verifier_->size() < next.size) {
    const std::uint64_t begin = verifier_->size();
    const std::uint64_t end = std::min(next.size, (begin / kChunkEntries + 1) * kChunkEntries);
    auto entries = log.entries(begin, end);
    if (!entries)
      return entries.error();
    for (Bytes& entry : *entries) {
      auto offset = mirror_->append(entry);
      if (!offset)
        return offset.error();
      verifier_->add_entry(std::move(entry), *offset);
    }
    verifier_->settle();
    if (auto s = check_passed(first_new); !s)
      return s.error();
    if (auto s = commit(latest->note); !s)
      return s.error();
    progress("checking new entries:", verifier_->size() - first_new, next.size - first_new);
    if (verifier_->size() >= snapshot_size_ + options_.snapshot_entries) {
      if (auto s = snapshot(); !s)
        return s.error();
    }
  }
  if (verifier_->root() != next.root) {  // every entry was proven against it: a bug
    return make_error(Errc::merkle_root_mismatch,
                      "the entries checked do not hash to the board's checkpoint's root");
  }
  if (auto s = commit(latest->note); !s)
    return s.error();
  if (first_new < next.size)
    progress("checking new entries:", next.size - first_new, next.size - first_new, true);
  if (want_snapshot) {
    if (auto s = snapshot(); !s)
      return s.error();
  }
  out.to = verifier_->size();
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

protocol::Phase FollowedReplica::phase() const {
  switch (engine().stage()) {
    case verifier::Stage::before_setup:
      return protocol::Phase::empty;
    case verifier::Stage::ceremony:
      return protocol::Phase::ceremony;
    case verifier::Stage::ceremony_failed:
      return protocol::Phase::ceremony_failed;
    case verifier::Stage::voting:
      return protocol::Phase::voting;
    case verifier::Stage::closed:
      return protocol::Phase::closed;
    case verifier::Stage::tallied:
      return protocol::Phase::decrypting;
    case verifier::Stage::finished:
      return protocol::Phase::finished;
  }
  return protocol::Phase::empty;
}

Expected<std::unique_ptr<FollowedReplica>> open_current_replica(const ReplicaOptions& options) {
  auto replica = FollowedReplica::open(options);
  if (!replica)
    return replica.error();
  auto round = (*replica)->catch_up(false);
  if (!round)
    return round.error();
  // A snapshot when the mirror holds many entries after the last one, so
  // that the next command does not check them again; a command's own few
  // entries (a close, a tally) are cheaper to check again than a snapshot
  // is to write at national size.
  if ((*replica)->size() >= (*replica)->snapshot_size() + kCommandSnapshotEntries) {
    if (auto s = (*replica)->snapshot(); !s)
      return s.error();
  }
  if (!options.quiet) {
    std::cerr << "replica " << options.dir << ": " << round->to << " entries checked ("
              << (*replica)->opened_from_snapshot() << " from its snapshot, "
              << (*replica)->rechecked_at_open() << " from its mirror, " << round->to - round->from
              << " new from the board)\n";
  }
  return replica;
}

}  // namespace senim::client
