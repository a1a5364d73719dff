#include "protocol/ceremony_keys.hpp"

#include <algorithm>
#include <string>

namespace senim::protocol {

bool Qualification::contains(std::uint32_t dealer) const {
  return std::any_of(qualified.begin(), qualified.end(),
                     [dealer](const crypto::DealerCommitment& c) { return c.dealer == dealer; });
}

// docs/protocol.md §6.5, rule 1: a deal that breaks any rule of CheckDeal
// costs its own dealer its place in Q, and nothing else.
Qualification qualify_dealers(const std::vector<Expected<crypto::DealerCommitment>>& verdicts) {
  Qualification q;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const auto dealer = static_cast<std::uint32_t>(i + 1);
    if (verdicts[i])
      q.qualified.push_back(*verdicts[i]);
    else
      q.disqualified.push_back({dealer, verdicts[i].error()});
  }
  return q;
}

namespace {

std::string left_out(const Qualification& q) {
  if (q.disqualified.empty())
    return "";
  std::string out = "; left out:";
  for (const Disqualified& d : q.disqualified)
    out += " " + std::to_string(d.dealer);
  return out;
}

}  // namespace

// §6.5, rules 2 and 3.
Expected<CeremonyKeys> ceremony_keys(const ElectionConfig& config, const Qualification& q) {
  const std::uint32_t k = config.ceremony.threshold;
  if (q.qualified.size() < k) {
    return make_error(Errc::invalid_argument,
                      "the ceremony gives no key: " + std::to_string(q.qualified.size()) + " of " +
                          std::to_string(config.ceremony.trustees) +
                          " dealers qualify, fewer than the threshold k = " + std::to_string(k) +
                          left_out(q));
  }
  auto joint = crypto::joint_public_key(q.qualified);
  if (!joint)
    return make_error(joint.error().code, "the ceremony gives no key: " + joint.error().message);
  CeremonyKeys keys{*joint, {}, {}};
  for (std::uint32_t t = 1; t <= config.ceremony.trustees; ++t) {
    auto x = crypto::trustee_public_key(q.qualified, t);
    if (!x)
      return x.error();  // unreachable: Q passed joint_public_key's checks
    keys.trustee_keys.push_back(*x);
  }
  keys.base_hash = base_hash(config, keys.joint_key, keys.trustee_keys);
  return keys;
}

}  // namespace senim::protocol
