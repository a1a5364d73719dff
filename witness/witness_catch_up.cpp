// A catch-up longer than a push can wait (docs/protocol.md §14.2): a
// checkpoint with more than `background_after` new entries is checked on a
// thread of its own, and the request is answered at once with 503 and
// Retry-After (RFC 9110 §15.6.4, §10.2.3: the service is unavailable for a
// while, and says when to ask again). tlog-witness names no status for it;
// 503 is what it is: nothing was decided, and the same request sent later
// succeeds. While the check runs every add-checkpoint is answered so, since
// only the check may touch the engine, the mirror and the state; the
// monitoring endpoint keeps answering. The entries checked are kept, not
// cosigned, until a checkpoint whose tree extends theirs is submitted.
#include <algorithm>
#include <cmath>

#include "protocol/receipt.hpp"
#include "witness/witness.hpp"

namespace senim::witness {
namespace {

constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr unsigned kFirstRetryAfter = 5;  // seconds, before any progress is measured
constexpr unsigned kMaxRetryAfter = 60;

std::string str(std::uint64_t n) {
  return std::to_string(n);
}

}  // namespace

// From the pace so far: the seconds the rest will take, 1 to 60.
unsigned Witness::retry_after_estimate() const {
  const std::uint64_t now_checked = checked_;
  const std::uint64_t done = now_checked > catch_up_->from ? now_checked - catch_up_->from : 0;
  if (done == 0)
    return kFirstRetryAfter;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - catch_up_->started).count();
  const double rest = static_cast<double>(catch_up_->to - std::min(now_checked, catch_up_->to));
  const double seconds = std::ceil(rest * elapsed / static_cast<double>(done));
  return static_cast<unsigned>(std::clamp(seconds, 1.0, static_cast<double>(kMaxRetryAfter)));
}

Answer Witness::start_catch_up(const tlog::Checkpoint& checkpoint, const std::string& note) {
  catch_up_ = std::make_unique<CatchUp>();
  catch_up_->from = engine_->size();
  catch_up_->to = checkpoint.size;
  catch_up_->started = std::chrono::steady_clock::now();
  config_.log("checking entries " + str(catch_up_->from) + " to " + str(checkpoint.size - 1) +
              " in the background (" + str(checkpoint.size - catch_up_->from) +
              " new entries, more than --background-after " + str(config_.background_after) + ")");
  CatchUp* job = catch_up_.get();
  job->thread = std::thread([this, job, checkpoint, note] {
    job->outcome = check_new_entries(checkpoint, note);
    report_catch_up(*job);
    job->done = true;
  });
  const unsigned retry = retry_after_estimate();
  return {503, std::string(kText),
          "senim witness: checking the " + str(checkpoint.size - catch_up_->from) +
              " new entries up to size " + str(checkpoint.size) +
              " in the background; try again in " + str(retry) + " s\n",
          retry};
}

// What the catch-up did, said once it is over (on its own thread).
void Witness::report_catch_up(const CatchUp& job) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - job.started).count();
  const Status& outcome = job.outcome;
  if (outcome) {
    config_.log("checked entries up to size " + str(job.to) + " in the background in " +
                std::to_string(std::lround(seconds)) + " s");
  } else if (outcome.error().code == Errc::io_error || outcome.error().code == Errc::not_found) {
    config_.log("the background check up to size " + str(job.to) +
                " stopped (it starts again at the next push): " + outcome.error().message);
  } else {
    log_refusal(403, job.to, outcome.error().message);
  }
}

std::optional<Answer> Witness::while_catching_up() {
  if (!catch_up_)
    return std::nullopt;
  if (!catch_up_->done) {
    const unsigned retry = retry_after_estimate();
    return Answer{503, std::string(kText),
                  "senim witness: checking entries up to size " + str(catch_up_->to) +
                      " in the background (" + str(checked_) + " checked); try again in " +
                      str(retry) + " s\n",
                  retry};
  }
  catch_up_->thread.join();
  catch_up_.reset();
  return std::nullopt;
}

// docs/protocol.md §14.2: entries checked beyond the cosigned size are used
// only for a checkpoint whose tree extends theirs (§7.4, from its tiles).
std::optional<Answer> Witness::keep_checked_if_extended_by(const tlog::Checkpoint& checkpoint) {
  if (!checked_tree_ || engine_->size() == state_.size())
    return std::nullopt;
  const tlog::Checkpoint tree = *checked_tree_;
  if (checkpoint.size >= tree.size) {
    const Status s = protocol::verify_extends(tree, checkpoint, *config_.board);
    if (s)
      return std::nullopt;
    if (s.error().code == Errc::io_error || s.error().code == Errc::not_found)
      return Answer{503, std::string(kText), s.error().message + "\n", 1};
  }
  config_.log("dropping the entries checked up to size " + str(tree.size) +
              ": the checkpoint of size " + str(checkpoint.size) + " does not extend their tree");
  checked_tree_.reset();
  if (auto s = mirror_->truncate(state_.mirror_bytes()); !s)
    return Answer{500, std::string(kText), s.error().message + "\n", 0};
  if (auto s = rebuild_engine(nullptr); !s)
    return Answer{500, std::string(kText), s.error().message + "\n", 0};
  checked_ = engine_->size();
  return std::nullopt;
}

}  // namespace senim::witness
