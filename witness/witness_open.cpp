// Starting a witness: its directory, its state, and the engine resumed from
// the latest snapshot (docs/protocol.md §14.4).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

#include "protocol/record.hpp"
#include "witness/witness.hpp"
#include "witness/witness_state.hpp"

namespace senim::witness {

Witness::Witness(WitnessConfig config) : config_(std::move(config)) {}

Witness::~Witness() {
  stopping_ = true;
  if (catch_up_ && catch_up_->thread.joinable())
    catch_up_->thread.join();
  engine_.reset();
  if (lock_fd_ >= 0)
    ::close(lock_fd_);  // releases the flock
}

std::string Witness::path(const char* name) const {
  return (std::filesystem::path(config_.data_dir) / name).string();
}

Expected<std::unique_ptr<Witness>> Witness::open(WitnessConfig config, OpenReport* report) {
  const auto start = std::chrono::steady_clock::now();
  if (!config.clock) {
    config.clock = [] {
      return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
    };
  }
  if (!config.log)
    config.log = [](const std::string&) {};
  std::unique_ptr<Witness> w(new Witness(std::move(config)));
  auto key = tlog::parse_vkey(w->config_.log_vkey);
  if (!key)
    return make_error(key.error().code, "--log: " + key.error().message);
  if (key->type != tlog::kSignatureTypeEd25519)
    return make_error(Errc::invalid_argument, "--log: not a log's Ed25519 vkey (type 0x01)");
  w->log_key_ = *key;
  if (w->config_.witness.type != tlog::kSignatureTypeCosignatureV1)
    return make_error(Errc::invalid_argument, "the witness key is not a cosigner key (type 0x04)");
  if (auto s = w->load(); !s)
    return s.error();
  OpenReport local;
  OpenReport& r = report ? *report : local;
  if (auto s = w->rebuild_engine(&r); !s)
    return s.error();
  w->checked_ = w->engine_->size();
  r.cosigned_size = w->state_.size();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return w;
}

// The lock, the state, its checks against the configuration, the mirror.
Status Witness::load() {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec)
    return make_error(Errc::io_error, "cannot create " + config_.data_dir + ": " + ec.message());
  std::filesystem::create_directories(path("evidence"), ec);
  lock_fd_ = ::open(path("lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0)
    return protocol::io_error("cannot open " + path("lock"));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return make_error(Errc::io_error, "another witness is running on " + config_.data_dir);
  auto state = read_state(path("state.json"));
  if (!state)
    return state.error();
  state_ = std::move(*state);
  const std::string own = tlog::format_vkey(config_.witness);
  if (state_.log_vkey().empty()) {
    state_.set_log_vkey(config_.log_vkey);
    state_.set_witness_vkey(own);
  } else if (state_.log_vkey() != config_.log_vkey) {
    return make_error(Errc::invalid_argument, config_.data_dir + " belongs to the log " +
                                                  state_.log_vkey() + ", not " + config_.log_vkey);
  } else if (state_.witness_vkey() != own) {
    return make_error(Errc::invalid_argument, config_.data_dir + " belongs to the witness " +
                                                  state_.witness_vkey() + ", not " + own);
  }
  if (!state_.cosigned().empty()) {
    auto opened = tlog::open_note(state_.cosigned(), std::span(&log_key_, 1));
    auto checkpoint =
        opened ? tlog::parse_checkpoint(opened->text) : Expected<tlog::Checkpoint>(opened.error());
    if (!checkpoint || checkpoint->size != state_.size())
      return make_error(Errc::invalid_encoding, path("state.json") +
                                                    ": its cosigned checkpoint does not verify "
                                                    "under the log's key (damaged)");
    latest_ = *checkpoint;
  }
  auto mirror = Mirror::open(path("mirror.senim"), state_.mirror_bytes());
  if (!mirror)
    return mirror.error();
  mirror_.emplace(std::move(*mirror));
  state_.set_mirror_bytes(mirror_->bytes());
  const std::lock_guard lock(published_mutex_);
  published_ = state_.cosigned();
  return Status::success();
}

// The engine in the state of the mirror's checked entries: from the snapshot
// if there is a usable one, then every entry after it, re-checked.
Status Witness::rebuild_engine(OpenReport* report) {
  engine_.reset();
  report_ = std::make_unique<verifier::Report>();
  std::uint64_t from = protocol::kRecordHeaderBytes;
  snapshot_size_ = 0;
  auto restored = verifier::LogVerifier::restore_snapshot(
      path("snapshot.bin"), mirror_->path(), *report_, config_.threads, from, verifier::Mode::live);
  if (restored && (*restored)->size() <= state_.size() && from <= mirror_->bytes()) {
    engine_ = std::move(*restored);
    snapshot_size_ = engine_->size();
  } else {
    if (report) {
      report->snapshot_note =
          restored ? "the snapshot is ahead of the state (ignored)" : restored.error().message;
    }
    report_ = std::make_unique<verifier::Report>();
    engine_ = std::make_unique<verifier::LogVerifier>(mirror_->path(), *report_, config_.threads,
                                                      verifier::Mode::live);
    from = protocol::kRecordHeaderBytes;
  }
  if (report)
    report->snapshot_size = snapshot_size_;
  auto reader = protocol::RecordReader::open(mirror_->path());
  if (!reader)
    return reader.error();
  std::uint64_t rechecked = 0;
  while (from < mirror_->bytes()) {
    auto frame = reader->read_at(from);
    if (!frame)
      return make_error(Errc::invalid_encoding, mirror_->path() + ": " + frame.error().message);
    const std::uint64_t next = from + 5 + frame->payload.size();
    engine_->add_entry(std::move(frame->payload), from);
    from = next;
    ++rechecked;
  }
  engine_->settle();
  if (report)
    report->rechecked = rechecked;
  last_snapshot_ = std::chrono::steady_clock::now();
  if (engine_->size() != state_.size() || (latest_ && engine_->root() != latest_->root)) {
    return make_error(Errc::invalid_encoding,
                      mirror_->path() + " does not hold the cosigned checkpoint's " +
                          std::to_string(state_.size()) + " entries (damaged)");
  }
  return Status::success();
}

}  // namespace senim::witness
