#include "server/witness_pusher.hpp"

#include <algorithm>
#include <array>

#include "net/http_client.hpp"
#include "tlog/witness_protocol.hpp"

namespace senim::server {

using Clock = std::chrono::steady_clock;

namespace {

// How often the manager looks at the board without being woken: it starts
// rounds on time and stores cosignatures after a quiet spell.
constexpr std::chrono::milliseconds kTick{200};

// Retry-After's delay-seconds (RFC 9110 §10.2.3: 1*DIGIT), at most an
// hour; 0 for none, an HTTP-date, or anything else (then the back-off
// applies).
std::chrono::seconds retry_after_seconds(const std::string& value) {
  constexpr std::uint64_t kMaxSeconds = 3600;
  if (value.empty() || value.size() > 10)
    return std::chrono::seconds(0);
  std::uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9')
      return std::chrono::seconds(0);
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return std::chrono::seconds(std::min(n, kMaxSeconds));
}

std::string excerpt(const std::string& body) {
  std::string out = body.substr(0, 120);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      c = ' ';
  }
  return out;
}

}  // namespace

struct WitnessPusher::Witness {
  tlog::PolicyWitness policy;
  std::unique_ptr<net::HttpClient> http;
  std::uint64_t size = 0;        // what the board believes it cosigned (this thread's)
  std::uint64_t round_done = 0;  // the last round it pushed (or had nothing to push)
  Clock::time_point next_attempt{};
  std::chrono::milliseconds backoff{0};
  // A 503's Retry-After (RFC 9110 §10.2.3, delay-seconds): when to ask
  // again instead of the back-off, for the last failure; 0 if none.
  std::chrono::seconds retry_after{0};
  WitnessProgress progress;  // guarded by the pusher's mutex
  std::thread thread;
};

WitnessPusher::WitnessPusher(Board& board, PushOptions options,
                             std::function<void(const std::string&)> log)
    : board_(board), options_(options), log_(std::move(log)), manager_([this] { manage(); }) {}

WitnessPusher::~WitnessPusher() {
  stop();
}

void WitnessPusher::notify() {
  {
    const std::lock_guard lock(mutex_);
    ++published_;
  }
  wake_.notify_one();
}

void WitnessPusher::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && !manager_.joinable())
      return;
    stopping_ = true;
  }
  wake_.notify_all();
  round_changed_.notify_all();
  if (manager_.joinable())
    manager_.join();
  for (auto& w : witnesses_) {
    if (w->thread.joinable())
      w->thread.join();
  }
  // What the witnesses cosigned since the last batch, stored now.
  if (auto s = board_.store_pending_cosignatures(std::chrono::milliseconds(0)); !s)
    log_("cannot store the witnesses' cosignatures: " + s.error().message);
}

std::vector<WitnessProgress> WitnessPusher::progress() const {
  const std::lock_guard lock(mutex_);
  std::vector<WitnessProgress> out;
  for (const auto& w : witnesses_)
    out.push_back(w->progress);
  return out;
}

void WitnessPusher::start_witnesses(const tlog::Policy& policy) {
  for (const tlog::PolicyWitness& p : policy.witnesses) {
    if (p.url.empty())
      continue;  // a witness the board does not push to (docs/protocol.md §8.1 rule 8)
    auto w = std::make_unique<Witness>();
    w->policy = p;
    w->progress.name = p.name;
    w->size = board_.cosigned_size(p.key);
    w->progress.cosigned_size = w->size;
    net::ClientOptions client;
    client.timeout = options_.timeout;
    client.max_body_bytes = tlog::kMaxNoteBytes;
    auto http = net::HttpClient::create(p.url, client);
    if (!http) {
      log_("witness " + p.name + ": cannot push to " + p.url + ": " + http.error().message);
      continue;
    }
    w->http = std::make_unique<net::HttpClient>(std::move(*http));
    // The board is asked above without the lock: a commit holds the board's
    // lock while it notifies, which takes this one.
    const std::lock_guard lock(mutex_);
    Witness* raw = w.get();
    witnesses_.push_back(std::move(w));
    raw->thread = std::thread([this, raw] { serve(*raw); });
  }
}

void WitnessPusher::manage() {
  std::uint64_t seen = 0;
  bool started = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kTick, [&] { return stopping_ || published_ != seen; });
      if (stopping_)
        return;
      seen = published_;
    }
    if (!started) {
      // The witnesses are the set-up's: known once it is on the board.
      if (auto policy = board_.policy()) {
        start_witnesses(*policy);
        started = true;
      }
    }
    auto latest = board_.latest_checkpoint();
    {
      const std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      const bool newer = latest && (!round_.checkpoint ||
                                    latest->checkpoint.size > round_.checkpoint->checkpoint.size);
      if (newer && now - round_started_ >= options_.interval) {
        ++round_.number;
        round_.checkpoint = std::move(latest);
        round_started_ = now;
        round_changed_.notify_all();
      }
    }
    if (auto s = board_.store_pending_cosignatures(options_.quiet); !s)
      log_("cannot store the witnesses' cosignatures: " + s.error().message);
  }
}

void WitnessPusher::serve(Witness& w) {
  for (;;) {
    protocol::BoardCheckpoint checkpoint;
    std::uint64_t number = 0;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (stopping_)
          return;
        const auto now = Clock::now();
        if (now < w.next_attempt) {
          round_changed_.wait_until(lock, w.next_attempt);
        } else if (round_.number <= w.round_done) {
          round_changed_.wait(lock);
        } else {
          break;
        }
      }
      checkpoint = *round_.checkpoint;
      number = round_.number;
    }
    if (checkpoint.checkpoint.size <= w.size) {
      const std::lock_guard lock(mutex_);
      w.round_done = number;
      continue;
    }
    const auto started = Clock::now();
    const Status outcome = push(w, checkpoint);
    const std::lock_guard lock(mutex_);
    if (outcome)
      w.round_done = number;
    note_outcome(w, outcome, checkpoint.checkpoint.size, started);
  }
}

Status WitnessPusher::push(Witness& w, const protocol::BoardCheckpoint& checkpoint) {
  // A 409 corrects the witness's size; the push is then made again at once.
  bool retry = false;
  Status outcome = post(w, checkpoint, retry);
  if (!outcome && retry)
    outcome = post(w, checkpoint, retry);
  return outcome;
}

Status WitnessPusher::post(Witness& w, const protocol::BoardCheckpoint& checkpoint, bool& retry) {
  retry = false;
  w.retry_after = std::chrono::seconds(0);
  const std::uint64_t size = checkpoint.checkpoint.size;
  // docs/protocol.md §13.6: old size, the consistency proof from it, the note.
  std::vector<Hash32> proof;
  if (w.size > 0 && w.size < size) {
    auto hashes = board_.consistency_proof(w.size, size);
    if (!hashes)
      return hashes.error();
    for (const std::string& h : hashes->hashes()) {
      Hash32 hash{};
      copy_exact(h, hash);
      proof.push_back(hash);
    }
  }
  auto body = tlog::format_add_checkpoint_request(w.size, proof, checkpoint.note);
  if (!body)
    return body.error();
  auto answer = w.http->post("/add-checkpoint", *body, "text/plain; charset=utf-8");
  const std::string where = w.policy.url + "/add-checkpoint";
  if (!answer)
    return make_error(Errc::io_error, "cannot reach " + where + ": " + answer.error().message);
  if (answer->status == 409) {
    auto theirs = tlog::parse_tlog_size(answer->body);
    if (!theirs)
      return make_error(theirs.error().code, where + " answered 409: " + theirs.error().message);
    if (*theirs > size) {
      return make_error(Errc::size_conflict,
                        where + " cosigned size " + std::to_string(*theirs) +
                            " for this origin, beyond the board's checkpoint of size " +
                            std::to_string(size) +
                            ": it saw a larger log under this origin (a fork, or another board)");
    }
    w.size = *theirs;
    retry = true;
    return make_error(Errc::size_conflict,
                      where + " answered 409: it last cosigned size " + std::to_string(*theirs));
  }
  if (answer->status != 200) {
    // docs/protocol.md §11.4: a 503 that says when to come back (a senim
    // witness checking a long catch-up in the background, §14.2).
    if (answer->status == 503)
      w.retry_after = retry_after_seconds(answer->retry_after);
    return make_error(Errc::io_error, where + " answered HTTP " + std::to_string(answer->status) +
                                          ": " + excerpt(answer->body));
  }
  const std::array<tlog::VerifierKey, 1> keys{w.policy.key};
  auto opened = tlog::open_add_checkpoint_response(checkpoint.text, answer->body, keys);
  if (!opened) {
    return make_error(opened.error().code, where + " answered 200 without its valid cosignature: " +
                                               opened.error().message);
  }
  for (const tlog::VerifiedSignature& v : opened->verified) {
    if (v.key == w.policy.key) {
      board_.add_cosignature(checkpoint, v);
      w.size = size;
      return Status::success();
    }
  }
  return make_error(Errc::note_unverified, where + " answered 200 without its cosignature");
}

void WitnessPusher::note_outcome(Witness& w, const Status& outcome, std::uint64_t size,
                                 Clock::time_point started) {
  WitnessProgress& p = w.progress;
  if (outcome) {
    const bool first = p.pushes == 0 || !p.last_error.empty();
    ++p.pushes;
    p.cosigned_size = size;
    p.last_error.clear();
    w.backoff = std::chrono::milliseconds(0);
    // At most one push per interval, counted from this one's start: a
    // witness that took most of the interval to check the new entries is
    // asked again as soon as the interval is over, not an interval after
    // its answer (that wait added a whole interval to every receipt's
    // delay to a quorum; docs/performance.md, "Witnesses").
    w.next_attempt = started + options_.interval;
    if (first)
      log_("witness " + p.name + ": cosigned size " + std::to_string(size));
    return;
  }
  ++p.failures;
  if (w.retry_after.count() > 0) {
    // The witness said when: that, instead of the back-off (which starts
    // again from its first step after it).
    w.backoff = std::chrono::milliseconds(0);
    w.next_attempt = Clock::now() + w.retry_after;
    log_("witness " + p.name + ": " + outcome.error().message + "; retrying in " +
         std::to_string(w.retry_after.count()) + " s (its Retry-After)");
    p.last_error = outcome.error().message;
    return;
  }
  w.backoff = w.backoff.count() == 0 ? options_.first_backoff
                                     : std::min(w.backoff * 2, options_.max_backoff);
  w.next_attempt = Clock::now() + w.backoff;
  if (outcome.error().message != p.last_error) {
    log_("witness " + p.name + ": " + outcome.error().message + "; retrying in " +
         std::to_string(w.backoff.count() / 1000) + " s");
  }
  p.last_error = outcome.error().message;
}

}  // namespace senim::server
