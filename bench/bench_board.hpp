// What the benchmarks that drive a real senim-server share: an election
// made by the ElectionBuilder under the server's board key, posted up to the
// open.
#pragma once

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "proto/api.pb.h"
#include "sim/election_builder.hpp"

namespace senim::bench {

inline std::string_view view(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The endpoint of each entry ElectionBuilder::prepare() makes.
inline std::string setup_endpoint(v1::Statement::BodyCase kind) {
  switch (kind) {
    case v1::Statement::kSetup:
      return "/v1/setup";
    case v1::Statement::kDeal:
      return "/v1/deals";
    case v1::Statement::kReady:
      return "/v1/ready";
    case v1::Statement::kCredentials:
      return "/v1/credentials";
    default:
      return "/v1/open";
  }
}

// Names the server's board key in `plan` (the set-up names it).
inline void use_board_key(net::HttpClient& client, sim::ElectionPlan& plan) {
  v1::BoardInfo info;
  info.ParseFromString(client.get("/v1/election")->body);
  plan.board_public_key.emplace();
  std::copy(info.board_key().begin(), info.board_key().end(), plan.board_public_key->begin());
}

// Posts the builder's entries [from, to) to their endpoints; false (said
// on stderr) at the first the server refused.
inline bool post_entries(net::HttpClient& client, const sim::ElectionBuilder& builder,
                         std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    const std::string path = setup_endpoint(builder.parsed(i).statement.body_case());
    auto r = client.post(path, view(builder.entries()[i]));
    if (!r || r->status != 200) {
      std::fprintf(stderr, "posting %s failed\n", path.c_str());
      return false;
    }
  }
  return true;
}

// `plan` with the server's board key, prepared and posted; null (said on
// stderr) if the server refused an entry.
inline std::unique_ptr<sim::ElectionBuilder> open_election(net::HttpClient& client,
                                                           sim::ElectionPlan plan) {
  use_board_key(client, plan);
  auto builder = std::make_unique<sim::ElectionBuilder>(std::move(plan));
  builder->prepare();
  if (!post_entries(client, *builder, 0, builder->entries().size()))
    return nullptr;
  return builder;
}

}  // namespace senim::bench
