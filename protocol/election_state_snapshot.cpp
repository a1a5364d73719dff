// ElectionState's voting state, saved and restored for a restart snapshot
// (election_state.hpp, "a restart snapshot"; docs/api.md, "Start-up and
// recovery"). Only what ballots and challenges changed is saved: every other
// entry is admitted again, so the configuration, the ceremony's keys and the
// tally that is checked against the running sum are never taken from a file.
#include <algorithm>
#include <utility>

#include "protocol/election_state.hpp"

namespace senim::protocol {
namespace {

Error bad(const std::string& what) {
  return make_error(Errc::invalid_argument, "voting state: " + what);
}

}  // namespace

std::optional<ElectionState::VotingState> ElectionState::voting_state() const {
  const std::shared_lock lock(mutex_);
  if (!running_)
    return std::nullopt;
  VotingState out;
  for (const auto& [key, cred] : credentials_) {
    if (cred.last_ballot)
      out.voters.push_back({key, cred.last_sequence, *cred.last_ballot});
  }
  out.running = running_->to_message();
  out.ballots_cast = ballots_cast_;
  out.superseded = superseded_;
  out.challenged.assign(challenged_alphas_.begin(), challenged_alphas_.end());
  return out;
}

Status ElectionState::restore_voting_state(const VotingState& saved) {
  const std::unique_lock lock(mutex_);
  if (phase_ != Phase::voting || ballots_cast_ != 0 || !challenged_alphas_.empty()) {
    return make_error(Errc::wrong_phase,
                      "a voting state is restored right after the open, in phase voting");
  }
  // Each ballot was a credential's first (a voter) or replaced one (superseded).
  if (saved.ballots_cast != saved.voters.size() + saved.superseded.size()) {
    return bad(std::to_string(saved.ballots_cast) + " ballots cast, but " +
               std::to_string(saved.voters.size()) + " voters and " +
               std::to_string(saved.superseded.size()) + " superseded ballots");
  }
  for (const VotingState::Voter& v : saved.voters) {
    auto it = credentials_.find(v.key);
    if (it == credentials_.end())
      return bad("voter " + to_hex(v.key) + " is not on the credential list");
    if (it->second.last_ballot)
      return bad("voter " + to_hex(v.key) + " is named twice");
    if (v.last_sequence == 0 || v.last_sequence > parameters_->shape.max_ballots)
      return bad("voter " + to_hex(v.key) + " has sequence " + std::to_string(v.last_sequence));
    it->second.last_sequence = v.last_sequence;
    it->second.last_ballot = v.last_ballot;
    ++turnout_[it->second.district].voted;
  }
  if (auto s = running_->restore(saved.running); !s)
    return bad("the running tally: " + s.error().message);
  ballots_cast_ = saved.ballots_cast;
  superseded_ = saved.superseded;
  for (const auto& [alpha, leaf] : saved.challenged) {
    if (!challenged_alphas_.emplace(alpha, leaf).second)
      return bad("ciphertext " + to_hex(alpha) + " is challenged twice");
  }
  return Status::success();
}

void ElectionState::keep_voting_changes() {
  const std::unique_lock lock(mutex_);
  if (!changes_)
    changes_ = VotingChanges{};
}

std::optional<ElectionState::VotingChanges> ElectionState::take_voting_changes() {
  const std::unique_lock lock(mutex_);
  if (!changes_ || !running_)
    return std::nullopt;
  VotingChanges out = std::exchange(*changes_, VotingChanges{});
  out.running = running_->to_message();
  out.ballots_cast = ballots_cast_;
  return out;
}

}  // namespace senim::protocol
