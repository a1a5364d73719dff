#include "verifier/engine.hpp"

#include <algorithm>

namespace senim::verifier {

Engine::Engine(std::string path, Report& report, bool live)
    : report_(report),
      path_(std::move(path)),
      cast_alphas_(live ? std::make_unique<CastAlphaIndex>() : nullptr) {}

void Engine::on_entry(std::uint64_t leaf, std::uint64_t /*offset*/,
                      const protocol::ParsedEntry& e) {
  report_.item(Check::entry_signatures);
  if (auto s = protocol::verify_entry_signature(e); !s) {
    report_.fail(Check::entry_signatures, leaf, s.error().message);
  }
  report_.item(Check::roles_and_phases);
  if (!election_id_.empty() && e.statement.election_id() != election_id_) {
    report_.fail(Check::roles_and_phases, leaf,
                 protocol::with_article(protocol::body_name(e.statement)) + " for election \"" +
                     e.statement.election_id() + "\"");
    return;
  }
  switch (e.statement.body_case()) {
    case v1::Statement::kSetup:
      on_setup(leaf, e);
      break;
    case v1::Statement::kDeal:
      on_deal(leaf, e);
      break;
    case v1::Statement::kReady:
      on_ready(leaf, e);
      break;
    case v1::Statement::kComplaint:
      on_complaint(leaf, e);
      break;
    case v1::Statement::kCredentials:
      on_credentials(leaf, e);
      break;
    case v1::Statement::kOpen:
      on_open(leaf, e);
      break;
    case v1::Statement::kBallot:
    case v1::Statement::kChallenge:
      // Ballots of the voting period come through apply_ballot(); one here
      // arrived when no ballot may be cast.
      report_.fail(
          Check::roles_and_phases, leaf,
          protocol::with_article(protocol::body_name(e.statement)) + " outside the voting period");
      break;
    case v1::Statement::kClose:
      on_close(leaf, e);
      break;
    case v1::Statement::kTally:
      on_tally(leaf, e);
      break;
    case v1::Statement::kPartial:
      on_partial(leaf, e);
      break;
    case v1::Statement::kResult:
      on_result(leaf, e);
      break;
    case v1::Statement::BODY_NOT_SET:
      break;  // parse_entry refuses these
  }
}

bool Engine::expect_stage(std::uint64_t leaf, const protocol::ParsedEntry& e,
                          std::initializer_list<Stage> allowed) {
  if (std::find(allowed.begin(), allowed.end(), stage_) != allowed.end())
    return true;
  static constexpr const char* kNames[] = {
      "before the set-up", "during the ceremony", "after the ceremony failed", "during voting",
      "after the close",   "after the tally",     "after the result"};
  report_.fail(Check::roles_and_phases, leaf,
               protocol::with_article(protocol::body_name(e.statement)) + " " +
                   kNames[static_cast<std::size_t>(stage_)]);
  return false;
}

bool Engine::expect_authority(std::uint64_t leaf, const protocol::ParsedEntry& e) {
  if (same_bytes(e.entry.signer(), config_->authority))
    return true;
  report_.fail(Check::roles_and_phases, leaf,
               protocol::with_article(protocol::body_name(e.statement)) +
                   " not signed by the election authority");
  return false;
}

std::optional<std::uint32_t> Engine::expect_trustee(std::uint64_t leaf,
                                                    const protocol::ParsedEntry& e,
                                                    std::uint32_t claimed) {
  const auto t = config_->trustee_of(as_bytes(e.entry.signer()));
  if (!t || *t != claimed) {
    report_.fail(Check::roles_and_phases, leaf,
                 protocol::with_article(protocol::body_name(e.statement)) + " for trustee " +
                     std::to_string(claimed) + " not signed by that trustee");
    return std::nullopt;
  }
  return t;
}

}  // namespace senim::verifier
