// senim-verify: the public verifier. Anyone can run it on an election record
// (or a board's URL) to check the count without decrypting a single ballot.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "verifier/record_verifier.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "senim-verify: checks an election record from its first entry to the published result.\n"
      "Runs the numbered checks of docs/verifier-checks.md; exit status 0 only if all pass."};
  std::string record;
  bool json = false;
  bool quiet = false;
  unsigned threads = 0;
  app.add_option("record", record, "election record file (as exported by the board)")->required();
  app.add_flag("--json", json, "print the report as JSON");
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  app.add_option("--threads", threads, "worker threads (default: one per core)");
  CLI11_PARSE(app, argc, argv);

  if (sodium_init() < 0) {
    std::cerr << "senim-verify: libsodium failed to initialise\n";
    return 2;
  }
  senim::verifier::Options options;
  options.threads = threads;
  if (!quiet) {
    options.progress = [](std::uint64_t entries, std::uint64_t read, std::uint64_t size) {
      std::fprintf(stderr, "senim-verify: %llu entries checked (%.0f%% of the record)\n",
                   static_cast<unsigned long long>(entries),
                   size == 0 ? 0.0 : 100.0 * static_cast<double>(read) / static_cast<double>(size));
    };
  }
  const senim::verifier::Report report = senim::verifier::verify_record(record, options);
  std::cout << (json ? report.to_json() : report.to_text());
  return report.passed() ? 0 : 1;
}
