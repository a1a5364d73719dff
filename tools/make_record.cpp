// senim-make-record: writes a simulated election record (all roles played
// in-process) for benchmarks and for people who want a record to verify.
// Not part of an election: it holds every secret key.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <random>

#include "sim/deterministic_random.hpp"
#include "sim/election_builder.hpp"

int main(int argc, char** argv) {
  CLI::App app{"senim-make-record: simulate an election and write its record"};
  std::string out;
  std::uint32_t voters = 1000;
  std::uint32_t ballots = 0;
  std::uint32_t districts = 0;
  unsigned threads = 2;
  std::uint64_t seed = 0;
  bool demo = false;
  app.add_option("record", out, "output record file")->required();
  app.add_option("--voters", voters, "credentials to issue");
  app.add_option("--ballots", ballots,
                 "ballots to cast (default: one per voter; more means re-votes)");
  app.add_option("--districts", districts, "districts in the manifest");
  app.add_option("--threads", threads, "threads for encryption");
  app.add_option("--seed", seed, "deterministic randomness from this seed (0: real randomness)");
  app.add_flag("--demo", demo,
               "the demo manifest (referendum + choose 2 of 5) instead of a yes/no referendum");
  CLI11_PARSE(app, argc, argv);
  if (seed != 0)
    senim::sim::use_deterministic_randomness(seed);
  if (sodium_init() < 0)
    return 2;
  if (ballots == 0)
    ballots = voters;

  senim::sim::ElectionPlan plan;
  plan.manifest = demo ? senim::sim::demo_manifest("simulated", districts)
                       : senim::sim::referendum_manifest("simulated", false, districts);
  plan.voters = voters;
  plan.validate = false;
  senim::sim::ElectionBuilder builder(std::move(plan));
  const auto start = std::chrono::steady_clock::now();
  builder.prepare();
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::uint32_t, senim::protocol::BallotChoices>> cast;
  for (std::uint32_t i = 0; i < ballots; ++i) {
    const std::uint32_t voter = i < voters ? i : static_cast<std::uint32_t>(rng() % voters);
    const std::uint32_t yes = static_cast<std::uint32_t>(rng() % 2);
    senim::protocol::BallotChoices c;
    c.contests.push_back({yes, 1 - yes});
    if (demo)
      c.contests.push_back({1, 0, 0, 1, 0});
    cast.emplace_back(voter, std::move(c));
  }
  for (std::size_t begin = 0; begin < cast.size(); begin += 4096) {
    const std::size_t end = std::min(cast.size(), begin + 4096);
    builder.cast_many({cast.begin() + static_cast<std::ptrdiff_t>(begin),
                       cast.begin() + static_cast<std::ptrdiff_t>(end)},
                      threads);
  }
  builder.finish();
  if (auto s = builder.write_record(out); !s) {
    std::cerr << "senim-make-record: " << s.error().message << "\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "senim-make-record: " << builder.entries().size() << " entries (" << ballots
            << " ballots) in " << seconds << " s -> " << out << "\n";
  return 0;
}
