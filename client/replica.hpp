// A client's own copy of the board, checked entry by entry with the same
// state machine the board uses (docs/protocol.md §12). A trustee or the
// authority acts only on a replica that checked; a board that served an
// entry that does not check is reported, not trusted. (One rule it leaves to
// the board and the verifier: that a challenge opens no cast ciphertext,
// §9.5, which needs an index of every cast ciphertext.)
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "client/board_client.hpp"
#include "protocol/election_state.hpp"

namespace senim::client {

class Replica {
 public:
  Replica();
  // Fetches and checks entries until the board's end, or until `stop`
  // returns true for an entry just applied.
  Status sync(BoardClient& board,
              const std::function<bool(const protocol::ParsedEntry&)>& stop = {});
  const protocol::ElectionState& state() const { return *state_; }
  const std::vector<Bytes>& entries() const { return *entries_; }

 private:
  // On the heap, so that the state's lookups still find it after a move.
  std::unique_ptr<std::vector<Bytes>> entries_;
  std::unique_ptr<protocol::ElectionState> state_;
};

}  // namespace senim::client
