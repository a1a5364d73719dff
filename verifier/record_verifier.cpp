#include "verifier/record_verifier.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <future>
#include <thread>

#include "crypto/bytes.hpp"
#include "crypto/merkle_compact_range.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/record.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "verifier/engine.hpp"
#include "verifier/thread_pool.hpp"

namespace senim::verifier {
namespace {

using Clock = std::chrono::steady_clock;

// Checks 1–3 and the pipeline that feeds ballots to the workers in batches
// and applies their outcomes in log order.
class Stream {
 public:
  Stream(const std::string& path, const Options& options, Report& report)
      : path_(path),
        options_(options),
        report_(report),
        engine_(path, report),
        pool_(options.threads == 0 ? std::max(1U, std::thread::hardware_concurrency())
                                   : options.threads) {}

  void run() {
    auto reader = protocol::RecordReader::open(path_);
    report_.item(Check::record_format);
    if (!reader && reader.error().code == Errc::io_error) {
      // No file to read: one clear error, not a list of checks that had
      // nothing to check.
      report_.unreadable = reader.error().message;
      return;
    }
    if (!reader) {  // a file, but not a record this verifier reads
      report_.fail(Check::record_format, std::nullopt, reader.error().message);
      for (const CheckInfo& c : kChecks) {
        if (c.check != Check::record_format)
          report_.skip(c.check, "the record cannot be read");
      }
      return;
    }
    std::error_code ec;
    file_size_ = std::filesystem::file_size(path_, ec);
    last_progress_ = Clock::now();
    bool ended_with_head = false;
    while (true) {
      auto frame = reader->next();
      if (!frame) {
        report_.item(Check::record_format);
        report_.fail(Check::record_format, std::nullopt, frame.error().message);
        break;
      }
      if (!frame->has_value())
        break;
      report_.item(Check::record_format);
      bytes_read_ = (*frame)->offset + 5 + (*frame)->payload.size();
      if ((*frame)->kind == protocol::FrameKind::checkpoint) {
        drain();
        if (on_checkpoint((*frame)->payload))
          ended_with_head = true;
      } else {
        on_entry(std::move(**frame));
        ended_with_head = false;
      }
      maybe_progress();
    }
    drain();
    if (!ended_with_head || heads_ == 0) {
      report_.item(Check::log_root);
      report_.fail(Check::log_root, std::nullopt,
                   heads_ == 0
                       ? "the record has no checkpoint"
                       : "entries " + std::to_string(last_head_size_) + " to " +
                             std::to_string(leaves_ - 1) + " are not covered by a checkpoint");
    }
    engine_.finish();
    report_.entries = leaves_;
    // The tree people compare with what they saw: the one recomputed from
    // every entry, when the record's last signed head is that tree.
    if (ended_with_head && heads_ > 0 && report_.result(Check::log_root).passed() &&
        report_.result(Check::checkpoint_signatures).passed()) {
      report_.tree_size = leaves_;
      report_.root_hex = to_hex(log_.root());
    }
  }

 private:
  void on_entry(protocol::Frame frame) {
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
      if (batch_.size() >= std::max<std::size_t>(1, options_.ballots_per_batch))
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
    }
    return true;
  }

  void maybe_progress() {
    if (!options_.progress)
      return;
    const auto now = Clock::now();
    if (now - last_progress_ < std::chrono::seconds(2))
      return;
    last_progress_ = now;
    options_.progress(leaves_, bytes_read_, file_size_);
  }

  const std::string& path_;
  const Options& options_;
  Report& report_;
  Engine engine_;
  ThreadPool pool_;
  crypto::merkle::CompactRange log_;
  std::uint64_t leaves_ = 0;
  std::uint64_t heads_ = 0;
  std::uint64_t last_head_size_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t file_size_ = 0;
  Clock::time_point last_progress_;
  std::vector<BallotTask> batch_;
  std::deque<
      std::pair<std::shared_ptr<std::vector<BallotTask>>, std::future<std::vector<BallotOutcome>>>>
      in_flight_;
};

}  // namespace

Report verify_record(const std::string& path, const Options& options) {
  Report report;
  report.record = path;
  const auto start = Clock::now();
  Stream stream(path, options, report);
  stream.run();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace senim::verifier
