#include "verifier/record_verifier.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <filesystem>
#include <future>
#include <thread>

#include "crypto/bytes.hpp"
#include "crypto/merkle_compact_range.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/record.hpp"
#include "protocol/witness_quorum.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "verifier/engine.hpp"
#include "verifier/snapshot.hpp"
#include "verifier/thread_pool.hpp"

namespace senim::verifier {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

// Checks 1–3 and the pipeline that feeds ballots to the workers in batches
// and applies their outcomes in log order.
class LogVerifier::Impl {
 public:
  Impl(std::string path, Report& report, unsigned threads, Mode mode)
      : engine_(path, report, mode == Mode::live),
        report_(report),
        path_(std::move(path)),
        pool_(threads == 0 ? std::max(1U, std::thread::hardware_concurrency()) : threads) {}

  void set_ballots_per_batch(std::size_t ballots) {
    ballots_per_batch_ = std::max<std::size_t>(1, ballots);
  }

  void on_entry(protocol::Frame frame) {
    ended_with_head_ = false;
    const std::uint64_t leaf = leaves_++;
    log_.append_leaf_hash(crypto::merkle::leaf_hash(frame.payload));
    auto parsed = protocol::parse_entry(frame.payload);
    if (!parsed) {
      // §11.1.1: a non-canonical entry is not a message of this protocol;
      // the code names the broken rule.
      report_.fail(Check::record_format, leaf,
                   "entry does not parse: " + std::string(errc_name(parsed.error().code)) + ": " +
                       parsed.error().message);
      return;
    }
    const bool ballot_like = parsed->statement.has_ballot() || parsed->statement.has_challenge();
    if (ballot_like && engine_.in_voting() && engine_.parameters()) {
      batch_.push_back(BallotTask{leaf, frame.offset, std::move(*parsed)});
      if (batch_.size() >= ballots_per_batch_)
        submit();
      return;
    }
    drain();
    engine_.on_entry(leaf, frame.offset, *parsed);
  }

  // Sends the current batch to the pool; applies finished batches in order,
  // keeping at most two per worker in flight.
  void submit() {
    if (batch_.empty())
      return;
    auto tasks = std::make_shared<std::vector<BallotTask>>(std::move(batch_));
    batch_.clear();
    auto params = engine_.parameters();
    const std::string election_id = engine_.election_id();
    in_flight_.push_back({tasks, pool_.submit([tasks, params, election_id] {
                            return check_ballot_batch(*params, election_id, *tasks);
                          })});
    while (in_flight_.size() > 2 * pool_.size())
      apply_front();
  }

  void apply_front() {
    auto& [tasks, future] = in_flight_.front();
    const std::vector<BallotOutcome> outcomes = future.get();
    for (std::size_t i = 0; i < tasks->size(); ++i)
      engine_.apply_ballot((*tasks)[i], outcomes[i]);
    in_flight_.pop_front();
  }

  // Everything before the next non-ballot entry must be applied first.
  void drain() {
    submit();
    while (!in_flight_.empty())
      apply_front();
  }

  // Checks 1–3 for a checkpoint covering exactly the entries so far
  // (docs/verifier-checks.md): its syntax, its size and root, and that it is
  // a checkpoint of the election (docs/protocol.md §11.2). False if the frame
  // is not a checkpoint at all: it then covers nothing.
  bool on_checkpoint(const Bytes& payload) {
    const std::string note(payload.begin(), payload.end());
    auto parsed = tlog::parse_note(note);
    auto checkpoint =
        parsed ? tlog::parse_checkpoint(parsed->text) : Expected<tlog::Checkpoint>(parsed.error());
    if (!checkpoint) {
      report_.fail(Check::record_format, leaves_,
                   "a checkpoint frame is not a checkpoint note: " +
                       std::string(errc_name(checkpoint.error().code)) + ": " +
                       checkpoint.error().message);
      return false;
    }
    ended_with_head_ = true;
    ++heads_;
    report_.item(Check::log_root);
    report_.item(Check::checkpoint_signatures);
    last_head_size_ = checkpoint->size;
    if (checkpoint->size != leaves_) {
      report_.fail(Check::log_root, leaves_,
                   "a checkpoint of size " + std::to_string(checkpoint->size) + " follows " +
                       std::to_string(leaves_) + " entries");
    } else if (checkpoint->root != log_.root()) {
      report_.fail(Check::log_root, leaves_,
                   "the signed root for size " + std::to_string(leaves_) +
                       " is not the Merkle root of the entries (an entry changed after signing?)");
    }
    const protocol::ElectionConfig* config = engine_.config();
    if (config == nullptr) {
      report_.fail(Check::checkpoint_signatures, leaves_, "no set-up names the board's key");
      return true;
    }
    if (auto v = protocol::verify_board_checkpoint(note, config->board_vkey); !v) {
      report_.fail(Check::checkpoint_signatures, leaves_,
                   std::string(errc_name(v.error().code)) + ": " + v.error().message);
      return true;
    }
    check_cosignatures(note, *config);
    return true;
  }

  // Check 19 on one checkpoint the board signed: every cosignature of a
  // policy witness on it verifies. Which of them cosigned the last one is
  // kept for the quorum (judge_quorum).
  void check_cosignatures(const std::string& note, const protocol::ElectionConfig& config) {
    last_note_ = note;
    final_.reset();
    if (config.policy.quorum == tlog::kQuorumNone)
      return;
    report_.item(Check::witness_quorum);
    auto w = protocol::witnessing(note, config.policy);
    if (!w) {
      report_.fail(Check::witness_quorum, leaves_,
                   std::string(errc_name(w.error().code)) + ": " + w.error().message);
      return;
    }
    final_ = std::move(*w);
  }

  // Check 19 at the end: the record's final checkpoint meets the quorum of
  // the election's witness policy (docs/verifier-checks.md).
  void judge_quorum() {
    const protocol::ElectionConfig* config = engine_.config();
    if (config == nullptr) {
      report_.skip(Check::witness_quorum, "no set-up names the witness policy");
      return;
    }
    report_.quorum = protocol::describe_quorum(config->policy);
    if (config->policy.quorum == tlog::kQuorumNone) {
      report_.skip(Check::witness_quorum,
                   "the election's witness policy is `quorum none`: no cosignature is required");
      return;
    }
    if (!ended_with_head_ || heads_ == 0) {
      report_.item(Check::witness_quorum);
      report_.fail(Check::witness_quorum, std::nullopt,
                   "quorum_not_met: the record does not end with a checkpoint");
      return;
    }
    if (!final_)
      return;  // the final checkpoint failed check 3 or 19 already
    report_.cosigners.assign(final_->witnesses.begin(), final_->witnesses.end());
    if (auto q = protocol::require_quorum(*final_, config->policy); !q) {
      report_.fail(Check::witness_quorum, std::nullopt,
                   std::string(errc_name(q.error().code)) + ": " + q.error().message);
    }
  }

  // The record has ended: every entry must be covered by a signed head, and
  // the last one must meet the quorum.
  void check_heads_cover_log() {
    judge_quorum();
    if (ended_with_head_ && heads_ > 0) {
      // The tree people compare with what they saw: the one recomputed from
      // every entry, when the record's last signed head is that tree.
      if (report_.result(Check::log_root).passed() &&
          report_.result(Check::checkpoint_signatures).passed()) {
        report_.tree_size = leaves_;
        report_.root_hex = to_hex(log_.root());
      }
      return;
    }
    report_.item(Check::log_root);
    report_.fail(Check::log_root, std::nullopt,
                 heads_ == 0
                     ? "the record has no checkpoint"
                     : "entries " + std::to_string(last_head_size_) + " to " +
                           std::to_string(leaves_ - 1) + " are not covered by a checkpoint");
  }

  std::uint64_t leaves() const { return leaves_; }
  Hash32 root() const { return log_.root(); }
  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }
  Report& report() { return report_; }

  // The state besides the engine's and the report's, for a snapshot
  // (verifier/snapshot.cpp writes and reads the file). Called settled.
  void save(v1::VerifierSnapshot& out) const {
    out.set_leaves(leaves_);
    out.set_heads(heads_);
    out.set_last_head_size(last_head_size_);
    out.set_ended_with_head(ended_with_head_);
    out.set_last_checkpoint(last_note_);
    for (const Hash32& h : log_.subtrees())
      out.add_subtrees(reinterpret_cast<const char*>(h.data()), h.size());
    engine_.save(*out.mutable_engine());
  }
  Status restore(const v1::VerifierSnapshot& in) {
    std::vector<Hash32> subtrees;
    for (const std::string& h : in.subtrees()) {
      if (!copy_exact(h, subtrees.emplace_back()))
        return make_error(Errc::invalid_length, "snapshot: a subtree hash is not 32 bytes");
    }
    auto log = crypto::merkle::CompactRange::restore(in.leaves(), std::move(subtrees));
    if (!log)
      return make_error(Errc::invalid_encoding, "snapshot: " + log.error().message);
    log_ = std::move(*log);
    leaves_ = in.leaves();
    heads_ = in.heads();
    last_head_size_ = in.last_head_size();
    ended_with_head_ = in.ended_with_head();
    last_note_ = in.last_checkpoint();
    if (auto s = engine_.restore(in.engine()); !s)
      return s;
    // What check 19 found on the last checkpoint, found again (its
    // failures, if any, are in the report restored).
    const protocol::ElectionConfig* config = engine_.config();
    if (config != nullptr && !last_note_.empty() && config->policy.quorum != tlog::kQuorumNone) {
      if (auto w = protocol::witnessing(last_note_, config->policy))
        final_ = std::move(*w);
    }
    return Status::success();
  }

 private:
  // In the order that packs them (clang-tidy's padding check).
  Engine engine_;
  Report& report_;
  std::uint64_t leaves_ = 0;
  std::uint64_t heads_ = 0;
  std::uint64_t last_head_size_ = 0;
  std::vector<BallotTask> batch_;
  std::size_t ballots_per_batch_ = kDefaultBallotsPerBatch;
  const std::string path_;
  crypto::merkle::CompactRange log_;
  std::string last_note_;  // the last checkpoint frame's note
  std::deque<
      std::pair<std::shared_ptr<std::vector<BallotTask>>, std::future<std::vector<BallotOutcome>>>>
      in_flight_;
  std::optional<protocol::Witnessing> final_;  // check 19 on it, if it passed
  ThreadPool pool_;                            // last but one: its workers stop first
  bool ended_with_head_ = false;
};

LogVerifier::LogVerifier(std::string record_path, Report& report, unsigned threads, Mode mode)
    : impl_(std::make_unique<Impl>(std::move(record_path), report, threads, mode)) {}
LogVerifier::LogVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogVerifier::~LogVerifier() = default;

void LogVerifier::add_entry(Bytes payload, std::uint64_t offset) {
  impl_->report().item(Check::record_format);
  impl_->on_entry(protocol::Frame{protocol::FrameKind::entry, std::move(payload), offset});
}

void LogVerifier::set_ballots_per_batch(std::size_t ballots) {
  impl_->set_ballots_per_batch(ballots);
}

bool LogVerifier::add_checkpoint(const Bytes& payload) {
  impl_->report().item(Check::record_format);
  impl_->drain();
  return impl_->on_checkpoint(payload);
}

void LogVerifier::settle() {
  impl_->drain();
  impl_->report().entries = impl_->leaves();
}

void LogVerifier::finish() {
  settle();
  impl_->check_heads_cover_log();
  impl_->engine().finish();
}

std::uint64_t LogVerifier::size() const {
  return impl_->leaves();
}

Hash32 LogVerifier::root() const {
  return impl_->root();
}

const protocol::ElectionConfig* LogVerifier::config() const {
  return impl_->engine().config();
}

const Engine& LogVerifier::engine() const {
  return impl_->engine();
}

Status LogVerifier::save_snapshot(const std::string& path, std::uint64_t record_bytes) {
  settle();
  v1::VerifierSnapshot state;
  state.set_version(kSnapshotVersion);
  impl_->save(state);
  state.set_record_bytes(record_bytes);
  save_report(impl_->report(), *state.mutable_report());
  const Engine& engine = impl_->engine();
  state.set_credentials(engine.credential_count());
  state.set_cast_alphas(engine.cast_alpha_count());
  const std::array<SnapshotTable, 2> tables{{
      {"credential records", kCredentialRecordBytes, state.credentials(),
       [&](const std::function<void(ByteView)>& sink) { engine.save_credentials(sink); }},
      {"cast ciphertexts' fingerprints", kCastAlphaRecordBytes, state.cast_alphas(),
       [&](const std::function<void(ByteView)>& sink) {
         if (state.cast_alphas() > 0)
           engine.save_cast_alphas(sink);
       }},
  }};
  return write_snapshot(path, state, tables);
}

Expected<std::unique_ptr<LogVerifier>> LogVerifier::restore_snapshot(
    const std::string& path, std::string record_path, Report& report, unsigned threads,
    std::uint64_t& record_bytes, Mode mode) {
  auto reader = SnapshotReader::open(path);
  if (!reader)
    return reader.error();
  const v1::VerifierSnapshot& state = reader->state();
  auto impl = std::make_unique<Impl>(std::move(record_path), report, threads, mode);
  if (auto s = restore_report(state.report(), report); !s)
    return s.error();
  if (auto s = impl->restore(state); !s)
    return s.error();
  Engine& engine = impl->engine();
  if (auto s =
          reader->read_records("credential records", kCredentialRecordBytes, state.credentials(),
                               [&](ByteView r) { return engine.restore_credential(r); });
      !s) {
    return s.error();
  }
  if (auto s = engine.finish_restoring_credentials(); !s)
    return s.error();
  if (auto s = reader->read_records("cast ciphertexts' fingerprints", kCastAlphaRecordBytes,
                                    state.cast_alphas(),
                                    [&](ByteView r) { return engine.restore_cast_alpha(r); });
      !s) {
    return s.error();
  }
  if (auto s = reader->finish(); !s)
    return s.error();
  record_bytes = state.record_bytes();
  report.entries = impl->leaves();
  return std::unique_ptr<LogVerifier>(new LogVerifier(std::move(impl)));
}

namespace {

// Streams the record at `path` through a LogVerifier, with check 1 on the
// file's framing.
void verify_frames(const std::string& path, const Options& options, Report& report) {
  auto reader = protocol::RecordReader::open(path);
  report.item(Check::record_format);
  if (!reader && reader.error().code == Errc::io_error) {
    // No file to read: one clear error, not a list of checks that had
    // nothing to check.
    report.unreadable = reader.error().message;
    return;
  }
  if (!reader) {  // a file, but not a record this verifier reads
    report.fail(Check::record_format, std::nullopt, reader.error().message);
    for (const CheckInfo& c : kChecks) {
      if (c.check != Check::record_format)
        report.skip(c.check, "the record cannot be read");
    }
    return;
  }
  LogVerifier log(path, report, options.threads);
  log.set_ballots_per_batch(options.ballots_per_batch);
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(path, ec);
  auto last_progress = Clock::now();
  while (true) {
    auto frame = reader->next();
    if (!frame) {
      report.item(Check::record_format);
      report.fail(Check::record_format, std::nullopt, frame.error().message);
      break;
    }
    if (!frame->has_value())
      break;
    const std::uint64_t bytes_read = (*frame)->offset + 5 + (*frame)->payload.size();
    if ((*frame)->kind == protocol::FrameKind::checkpoint)
      log.add_checkpoint((*frame)->payload);
    else
      log.add_entry(std::move((*frame)->payload), (*frame)->offset);
    if (options.progress && Clock::now() - last_progress >= std::chrono::seconds(2)) {
      last_progress = Clock::now();
      options.progress(log.size(), bytes_read, file_size);
    }
  }
  log.finish();
}

}  // namespace

Report verify_record(const std::string& path, const Options& options) {
  Report report;
  report.record = path;
  const auto start = Clock::now();
  verify_frames(path, options, report);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace senim::verifier
