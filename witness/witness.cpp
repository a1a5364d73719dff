// add-checkpoint and the monitoring endpoint (docs/protocol.md §13.6, §14.2).
#include "witness/witness.hpp"

#include "tlog/cosignature.hpp"
#include "witness/witness_state.hpp"

namespace senim::witness {
namespace {

constexpr std::string_view kText = "text/plain; charset=utf-8";

Answer text_answer(unsigned status, const std::string& message) {
  return {status, std::string(kText), message + "\n", 0};
}

}  // namespace

std::uint64_t Witness::cosigned_size() const {
  return state_.size();
}

Answer Witness::monitoring_checkpoint(std::string_view origin_hash) const {
  if (origin_hash != tlog::origin_hash_hex(log_key_.name))
    return text_answer(404, "this witness does not watch that log");
  const std::lock_guard lock(published_mutex_);
  if (published_.empty())
    return text_answer(404, "this witness has not cosigned a checkpoint of the log yet");
  return {200, std::string(kText), published_, 0};
}

Answer Witness::refuse(unsigned status, const Error& why, const std::string& note) {
  std::uint64_t size = 0;
  if (auto opened = tlog::parse_note(note)) {
    if (auto c = tlog::parse_checkpoint(opened->text))
      size = c->size;
  }
  log_refusal(status, size, why.message);
  return text_answer(status, why.message);
}

// docs/protocol.md §14.2: the spec's checks, then the election's.
Answer Witness::add_checkpoint(std::string_view body) {
  if (auto busy = while_catching_up())
    return *busy;
  auto request = tlog::parse_add_checkpoint_request(body);
  if (!request) {
    log_refusal(400, 0, request.error().message);
    return text_answer(400, request.error().message);
  }
  tlog::WitnessOriginState known;
  known.origin_known = request->checkpoint.origin == log_key_.name;
  known.log_keys = std::span(&log_key_, 1);
  known.latest = latest_;
  tlog::AddCheckpointOutcome outcome = tlog::decide_add_checkpoint(*request, known);
  if (outcome.status == 409) {
    log_refusal(409, request->checkpoint.size, outcome.error->message);
    return {409, std::string(tlog::kTlogSizeContentType),
            tlog::format_tlog_size(outcome.latest_size), 0};
  }
  if (outcome.status == 422)
    return on_inconsistent(*request, outcome);
  if (outcome.status != 200)
    return refuse(static_cast<unsigned>(outcome.status), *outcome.error, request->note);

  // The tree is consistent with what this witness cosigned: now the election.
  const tlog::Checkpoint& checkpoint = outcome.checkpoint;
  if (state_.refusing() && checkpoint.size > state_.refused_from()) {
    return refuse(
        403,
        make_error(Errc::not_authorized,
                   "senim witness: this log fails the election's checks from entry " +
                       std::to_string(state_.refused_from()) + " on (" + state_.refusal() +
                       "); this witness cosigns no checkpoint that includes it"),
        request->note);
  }
  if (auto busy = keep_checked_if_extended_by(checkpoint))
    return *busy;
  if (checkpoint.size > engine_->size()) {
    if (checkpoint.size - engine_->size() > config_.background_after)
      return start_catch_up(checkpoint, request->note);
    if (auto s = check_new_entries(checkpoint, request->note); !s)
      return s.error().code == Errc::io_error || s.error().code == Errc::not_found
                 ? Answer{503, std::string(kText), s.error().message + "\n", 1}
                 : refuse(403, s.error(), request->note);
  }
  return cosign(outcome);
}

Answer Witness::cosign(const tlog::AddCheckpointOutcome& outcome) {
  const std::uint64_t now = config_.clock();
  auto signer = tlog::cosignature_v1_signer(config_.witness, config_.sign, now);
  if (!signer)
    return text_answer(500, "cannot cosign: " + signer.error().message);
  auto cosignature = tlog::sign_note_text(outcome.note.text, *signer);
  if (!cosignature)
    return text_answer(500, "cannot cosign: " + cosignature.error().message);
  tlog::Note stored = outcome.note;
  stored.signatures.push_back(*cosignature);
  const std::string note = tlog::format_note(stored);

  // Durable before the answer: the entries, then the state that vouches for them.
  if (auto s = mirror_->sync(); !s)
    return text_answer(500, s.error().message);
  v1::WitnessState next = state_;
  next.set_cosigned(note);
  next.set_size(outcome.checkpoint.size);
  next.set_cosigned_at(now);
  next.set_mirror_bytes(mirror_->bytes());
  next.set_ballots(report_->ballots);
  if (auto s = write_state(path("state.json"), next); !s)
    return text_answer(500, s.error().message);
  state_ = std::move(next);
  latest_ = outcome.checkpoint;
  checked_tree_.reset();  // the engine's entries are the cosigned ones
  {
    const std::lock_guard lock(published_mutex_);
    published_ = note;
  }
  maybe_snapshot();
  return {200, std::string(kText),
          tlog::format_add_checkpoint_response(std::span(&*cosignature, 1)), 0};
}

void Witness::maybe_snapshot() {
  const bool due_by_count = state_.size() >= snapshot_size_ + config_.snapshot_entries;
  const bool due_by_time =
      state_.size() > snapshot_size_ &&
      std::chrono::steady_clock::now() - last_snapshot_ >= config_.snapshot_interval;
  if (!due_by_count && !due_by_time)
    return;
  const auto start = std::chrono::steady_clock::now();
  if (auto s = engine_->save_snapshot(path("snapshot.bin"), mirror_->bytes()); !s) {
    config_.log("cannot write a snapshot: " + s.error().message);
    return;
  }
  snapshot_size_ = state_.size();
  last_snapshot_ = std::chrono::steady_clock::now();
  config_.log(
      "snapshot at " + std::to_string(snapshot_size_) + " entries (" +
      std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(last_snapshot_ - start).count()) +
      " ms)");
}

}  // namespace senim::witness
