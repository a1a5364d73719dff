// docs/protocol.md §11.6: checking a voter's view.
#include "protocol/voter_view.hpp"

#include <algorithm>

#include "crypto/merkle.hpp"
#include "protocol/entry.hpp"

namespace senim::protocol {
namespace {

std::string at_leaf(std::uint64_t leaf) {
  return "leaf " + std::to_string(leaf) + ": ";
}

Error with_leaf(std::uint64_t leaf, const Error& e) {
  return make_error(e.code, at_leaf(leaf) + e.message);
}

// Step 1: ascending leaf indices, starting with the set-up's.
Status check_order(const v1::VoterView& view) {
  if (view.entries().empty())
    return make_error(Errc::invalid_argument, "the voter view holds no entries");
  if (view.entries(0).leaf_index() != 0) {
    return make_error(Errc::invalid_argument,
                      "the voter view does not begin with the set-up at leaf 0 (its first entry "
                      "is leaf " +
                          std::to_string(view.entries(0).leaf_index()) + ")");
  }
  for (int i = 1; i < view.entries_size(); ++i) {
    if (view.entries(i).leaf_index() <= view.entries(i - 1).leaf_index()) {
      return make_error(Errc::invalid_argument,
                        "the voter view's entries are not in ascending leaf order (leaf " +
                            std::to_string(view.entries(i).leaf_index()) + " after leaf " +
                            std::to_string(view.entries(i - 1).leaf_index()) + ")");
    }
  }
  return Status::success();
}

// Step 4: the entry is leaf `leaf_index` of the checkpoint's tree (§7.3).
Status check_inclusion(const v1::ProvenEntry& e, const tlog::Checkpoint& checkpoint) {
  std::vector<Hash32> path;
  for (const std::string& h : e.inclusion_proof()) {
    if (h.size() != 32) {
      return make_error(Errc::invalid_length, "an inclusion proof hash has " +
                                                  std::to_string(h.size()) + " bytes, not 32");
    }
    path.push_back(to_hash32(h));
  }
  return crypto::merkle::verify_inclusion(e.leaf_index(), checkpoint.size,
                                          crypto::merkle::leaf_hash(as_bytes(e.entry())), path,
                                          checkpoint.root);
}

}  // namespace

Expected<CheckedVoterView> check_voter_view(const v1::VoterView& view, std::string_view election_id,
                                            const PublicKey& credential) {
  if (auto s = check_order(view); !s)
    return s.error();
  CheckedVoterView out;
  auto entries = std::make_shared<std::map<std::uint64_t, Bytes>>();
  for (const v1::ProvenEntry& e : view.entries()) {
    const ByteView bytes = as_bytes(e.entry());
    entries->emplace(e.leaf_index(), Bytes(bytes.begin(), bytes.end()));
  }
  out.entries = entries;
  // Only the given entries can be loaded: before the open the state machine
  // loads none (it does for re-votes), so a gap is never read.
  out.state = std::make_unique<ElectionState>(
      [entries](std::uint64_t leaf) -> Expected<Bytes> {
        auto it = entries->find(leaf);
        if (it == entries->end())
          return make_error(Errc::not_found,
                            "leaf " + std::to_string(leaf) + " is not in the view");
        return it->second;
      },
      nullptr);
  ElectionState& state = *out.state;
  // Step 2: the set-up, which names the board key and the witness policy.
  if (auto s = state.apply(as_bytes(view.entries(0).entry()), 0); !s)
    return with_leaf(0, s.error());
  const ElectionConfig& config = *state.config();
  if (config.election_id() != election_id) {
    return make_error(Errc::invalid_argument, "the board holds election \"" + config.election_id() +
                                                  "\", not \"" + std::string(election_id) + "\"");
  }
  // Step 3: a checkpoint of the election, every policy cosignature valid.
  auto checkpoint = verify_witnessed_checkpoint(view.checkpoint(), config.policy);
  if (!checkpoint)
    return make_error(checkpoint.error().code,
                      "the voter view's checkpoint: " + checkpoint.error().message);
  out.checkpoint = std::move(*checkpoint);
  // Step 4: every entry is in that checkpoint's tree, at its index.
  for (const v1::ProvenEntry& e : view.entries()) {
    if (auto s = check_inclusion(e, out.checkpoint.checkpoint); !s)
      return with_leaf(e.leaf_index(), s.error());
  }
  // Step 5: the rest replays in log order, up to and including the open.
  int lists = 0;
  for (int i = 1; i < view.entries_size(); ++i) {
    const v1::ProvenEntry& e = view.entries(i);
    if (state.phase() == Phase::voting) {
      return make_error(Errc::invalid_argument,
                        at_leaf(e.leaf_index()) + "the voter view holds an entry after the open");
    }
    auto pre = state.precheck(as_bytes(e.entry()));
    if (!pre)
      return with_leaf(e.leaf_index(), pre.error());
    if (auto s = state.admit(*pre, e.leaf_index()); !s)
      return with_leaf(e.leaf_index(), s.error());
    if (pre->parsed.statement.has_credentials()) {
      ++lists;
      out.credential_list_leaf = e.leaf_index();
    }
  }
  const std::uint64_t last = view.entries(view.entries_size() - 1).leaf_index();
  if (state.phase() != Phase::voting) {
    return make_error(Errc::invalid_argument, "the voter view ends at leaf " +
                                                  std::to_string(last) +
                                                  " without an open: the election is in phase " +
                                                  phase_name(state.phase()));
  }
  if (lists != 1) {
    return make_error(Errc::invalid_argument,
                      "the voter view holds " + std::to_string(lists) +
                          " credential lists; it holds exactly the one that lists the voter");
  }
  // Step 6: that list holds the voter's credential.
  const auto district = state.district_of(credential);
  if (!district) {
    return make_error(Errc::not_found, "the credential list at leaf " +
                                           std::to_string(out.credential_list_leaf) +
                                           " does not list credential " + to_hex(credential));
  }
  out.open_leaf = last;
  out.given = static_cast<std::uint64_t>(view.entries_size());
  out.skipped = last + 1 - out.given;
  out.district = *district;
  out.last_sequence = view.last_sequence();
  return out;
}

}  // namespace senim::protocol
