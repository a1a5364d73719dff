#include "bench/election_keys.hpp"

#include <sodium.h>

#include <stdexcept>

#include "client/key_files.hpp"
#include "proto/files.pb.h"
#include "protocol/election_config.hpp"

namespace senim::bench {

std::vector<Bytes> fresh_trustee_seeds(std::uint32_t trustees) {
  std::vector<Bytes> seeds;
  for (std::uint32_t t = 0; t < trustees; ++t) {
    Bytes seed(32);
    randombytes_buf(seed.data(), seed.size());
    seeds.push_back(std::move(seed));
  }
  return seeds;
}

void write_key_files(const sim::ElectionBuilder& b, const std::vector<Bytes>& seeds,
                     const std::string& dir) {
  using client::Secrecy;
  v1::AuthorityKeyFile authority;
  authority.set_seed(to_string(b.authority_key().seed()));
  if (!client::write_message_file(dir + "/authority.key", authority, Secrecy::secret_file))
    throw std::runtime_error("cannot write authority.key");
  auto config = protocol::check_setup(b.parsed(0));
  if (!config)
    throw std::runtime_error("the set-up does not check");
  for (std::uint32_t t = 1; t <= b.plan().trustees; ++t) {
    v1::TrusteeKeyFile key;
    key.set_name("Trustee " + std::to_string(t));
    key.set_signing_seed(to_string(seeds.at(t - 1)));
    v1::TrusteeStateFile state;
    state.set_election_id(b.plan().manifest.election_id());
    state.set_trustee(t);
    state.set_share(client::secret_scalar_bytes(b.trustee_share(t)));
    state.set_board_key(to_string(*b.plan().board_public_key));
    state.set_box_key(to_string(config->box_keys[t - 1]));
    state.set_setup_hash(to_string(config->setup_hash));
    const std::string base = dir + "/trustee-" + std::to_string(t);
    if (!client::write_message_file(base + ".key", key, Secrecy::secret_file) ||
        !client::write_message_file(base + ".state", state, Secrecy::secret_file)) {
      throw std::runtime_error("cannot write " + base + ".key");
    }
  }
}

}  // namespace senim::bench
