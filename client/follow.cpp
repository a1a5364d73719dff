// `senim admin follow` and `senim trustee follow`: one loop for both, a
// replica kept current during voting (client/followed_replica.hpp).
#include <iostream>
#include <thread>

#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/followed_replica.hpp"

namespace senim::client {
namespace {

// Errors of reading the board, not of what it served.
bool transient(const Error& e) {
  return e.code == Errc::io_error || e.code == Errc::not_found;
}

}  // namespace

int follow(const FollowOptions& o) {
  // A follower starts rarely and runs for hours: it hashes its whole mirror
  // when it starts (docs/protocol.md §11.7), commands do not.
  const ReplicaOptions options{o.data, o.server, o.snapshot_entries, false, o.progress_every, true};
  auto opened = FollowedReplica::open(options);
  if (!opened)
    return fail(opened.error());
  std::unique_ptr<FollowedReplica> replica = std::move(*opened);
  std::cout << "replica " << o.data << ": " << replica->size() << " entries checked ("
            << replica->opened_from_snapshot() << " from its snapshot, "
            << replica->rechecked_at_open() << " checked again from its mirror)" << std::endl;
  while (true) {
    auto round = replica->catch_up(false);
    if (!round && !transient(round.error()))
      return fail(round.error());
    if (!round) {
      // The board is away (or has no election yet): try again, from what
      // was committed, never from a half-checked round.
      std::cerr << "senim: " << round.error().message << "; trying again\n";
      replica.reset();
      std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
      auto again = FollowedReplica::open(options);
      if (!again)
        return fail(again.error());
      replica = std::move(*again);
      continue;
    }
    if (round->to > round->from) {
      std::cout << "replica " << o.data << ": " << round->to << " entries checked ("
                << round->to - round->from << " new), phase "
                << protocol::phase_name(replica->phase()) << ", " << replica->report().ballots
                << " ballots" << std::endl;
    }
    // The result is the board's last entry: nothing more to follow.
    const bool finished = replica->phase() == protocol::Phase::finished;
    if (o.once || finished) {
      if (auto s = replica->catch_up(true); !s)
        return fail(s.error());
      if (finished)
        std::cout << "replica " << o.data << ": the result is on the board; done" << std::endl;
      return 0;
    }
    replica->release();
    std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
    auto same = replica->reacquire();
    if (!same)
      return fail(same.error());
    if (!*same) {  // a command moved the replica on meanwhile: take its state
      replica.reset();
      auto again = FollowedReplica::open(options);
      if (!again)
        return fail(again.error());
      replica = std::move(*again);
    }
  }
}

}  // namespace senim::client
