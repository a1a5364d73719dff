// senim-verify: the public verifier. Anyone can run it on an election record
// (or a board's URL) to check the count without decrypting a single ballot.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "net/log_sources.hpp"
#include "protocol/entry.hpp"
#include "protocol/fork_evidence.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/version.hpp"
#include "tlog/base64.hpp"
#include "verifier/record_evidence.hpp"
#include "verifier/record_verifier.hpp"
#include "verifier/tiled_record.hpp"

namespace {

// A record read from a board without --save goes into a new private (0700)
// directory under $TMPDIR (or /tmp), which is removed when the check ends:
// the record and the .tmp file it is written through are out of other users'
// reach, and nothing is left in the current directory. The record's path.
senim::Expected<std::string> temporary_record() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec)
    dir = "/tmp";
  std::string name = (dir / "senim-record-XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr) {
    return senim::make_error(senim::Errc::io_error, "cannot create a temporary directory in " +
                                                        dir.string() + ": " + std::strerror(errno));
  }
  return name + "/record.senim";
}

// Removes what temporary_record() made (`record` empty: nothing).
void remove_temporary(const std::string& record) {
  if (record.empty())
    return;
  std::error_code ignored;
  std::filesystem::remove_all(std::filesystem::path(record).parent_path(), ignored);
}

// senim-verify --evidence FILE: does the file prove that the board signed
// two checkpoints that cannot both be true (docs/protocol.md §14.6)? Exit
// 0 only if it does; 1 if it does not; 2 if it cannot be read.
int check_evidence(const std::string& path) {
  using senim::protocol::printable;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "senim-verify: cannot read " << printable(path) << "\n";
    return 2;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::cout << "fork evidence " << printable(path) << "\n";
  auto evidence = senim::protocol::parse_fork_evidence(text);
  auto proven = evidence ? senim::protocol::verify_fork_evidence(*evidence)
                         : senim::Expected<senim::protocol::ProvenFork>(evidence.error());
  if (!proven) {
    std::cout << "NOT PROVEN (" << senim::errc_name(proven.error().code)
              << "): " << printable(proven.error().message) << "\n";
    return 1;
  }
  auto line = [](const senim::tlog::Checkpoint& c) {
    return "size " + std::to_string(c.size) + ", root " + senim::tlog::base64_encode(c.root);
  };
  std::cout << "  board       " << printable(evidence->board_vkey) << "\n"
            << "  origin      " << printable(proven->board.name) << "\n"
            << "  checkpoint  " << line(proven->smaller) << "  (signed by the board)\n"
            << "  checkpoint  " << line(proven->larger) << "  (signed by the board)\n"
            << "PROVEN: " << printable(proven->explanation)
            << ". The board showed different people different logs.\n";
  return 0;
}

// Where fork evidence goes: --evidence-out DIR; else beside the record
// file, named after it; else (a record read into a temporary file) the
// current directory.
std::pair<std::string, std::string> evidence_place(const std::string& evidence_out,
                                                   const std::string& record, bool temporary) {
  if (!evidence_out.empty())
    return {evidence_out, ""};
  if (temporary)
    return {".", ""};
  const std::filesystem::path path(record);
  const std::string dir = path.parent_path().string();
  return {dir.empty() ? "." : dir, path.filename().string() + "."};
}

// docs/verifier-checks.md, "Fork evidence": after the checks, when check 2
// failed or the user gave checkpoints. Prints what it found on `out` and
// returns the exit status it calls for: 1 for a fork, 3 for a given
// checkpoint the record cannot judge, else 0.
int report_forks(const std::string& record,
                 const std::vector<senim::verifier::GivenCheckpoint>& given,
                 const std::pair<std::string, std::string>& place, std::ostream& out) {
  using senim::protocol::printable;
  auto found = senim::verifier::find_record_forks(record, given);
  if (!found) {
    out << "fork evidence: cannot look for it: " << printable(found.error().message) << "\n";
    return given.empty() ? 0 : 3;
  }
  for (const std::string& said : found->given_said)
    out << "your checkpoint " << printable(said) << "\n";
  for (const senim::protocol::ForkEvidence& e : found->forks) {
    auto proven = senim::protocol::verify_fork_evidence(e);
    out << "FORK: " << printable(proven ? proven->explanation : std::string("a fork")) << "\n";
    std::error_code ec;
    std::filesystem::create_directories(place.first, ec);
    auto kept = senim::protocol::keep_fork_evidence(e, place.first, place.second);
    if (!kept) {
      out << "  the evidence could not be written: " << printable(kept.error().message) << "\n";
      continue;
    }
    out << "  fork evidence written to " << printable(*kept)
        << ": anyone can check it offline with `senim-verify --evidence " << printable(*kept)
        << "`\n";
  }
  if (!found->forks.empty())
    return 1;
  return found->given_unconfirmed ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "senim-verify: checks an election record from its first entry to the published result.\n"
      "Runs the numbered checks of docs/verifier-checks.md. Exit status: 0 verified, 1 a check\n"
      "failed, 2 could not run (or read the record), 3 incomplete (no result yet; see --partial)."};
  app.set_version_flag("--version", senim::protocol::version_text("senim-verify"));
  std::string record;
  std::string server;
  std::string mirror;
  std::string save;
  bool json = false;
  bool quiet = false;
  unsigned threads = 0;
  auto* record_opt =
      app.add_option("record", record, "election record file (as exported by the board)");
  auto* server_opt = app.add_option(
      "--server", server,
      "read the board's log from its tiles at this URL (the board, or a mirror behind any web "
      "server) into a record first");
  auto* mirror_opt = app.add_option("--mirror", mirror,
                                    "read the board's log from a mirror directory of its tiles "
                                    "(senim export-tiles) into a record first");
  record_opt->excludes(server_opt);
  record_opt->excludes(mirror_opt);
  server_opt->excludes(mirror_opt);
  std::string evidence;
  auto* evidence_opt = app.add_option(
      "--evidence", evidence,
      "check a fork evidence file offline instead: exit 0 only if it proves that the board signed "
      "two checkpoints that cannot both be true");
  evidence_opt->excludes(record_opt)->excludes(server_opt)->excludes(mirror_opt);
  app.add_option("--save", save, "with --server or --mirror: where to keep the record");
  std::vector<std::string> checkpoints;
  app.add_option("--checkpoint", checkpoints,
                 "a checkpoint you saw (a checkpoint note, or a receipt): the record must be "
                 "consistent with it, else fork evidence is written (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
  std::string evidence_out;
  app.add_option("--evidence-out", evidence_out,
                 "where to write fork evidence (a directory, created if missing; default: beside "
                 "the record file, else the current directory)");
  bool partial = false;
  app.add_flag("--partial", partial,
               "accept a record that ends before the result (a live board): exit 0 if nothing "
               "failed so far, instead of 3 (incomplete)");
  app.add_flag("--json", json, "print the report as JSON");
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  app.add_option("--threads", threads, "worker threads (default: one per core)");
  std::size_t batch = senim::verifier::kDefaultBallotsPerBatch;
  app.add_option("--batch", batch, "ballots whose proofs are checked together (for benchmarks)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  CLI11_PARSE(app, argc, argv);

  senim::protocol::quiet_protobuf_logging();
  if (sodium_init() < 0) {
    std::cerr << "senim-verify: libsodium failed to initialise\n";
    return 2;
  }
  if (!evidence.empty())
    return check_evidence(evidence);
  if (record.empty() && server.empty() && mirror.empty()) {
    std::cerr << "senim-verify: give a record file, --server URL or --mirror DIR (see --help)\n";
    return 2;
  }
  if (!save.empty() && !record.empty()) {
    std::cerr << "senim-verify: --save goes with --server or --mirror\n";
    return 2;
  }
  std::vector<senim::verifier::GivenCheckpoint> given;
  for (const std::string& path : checkpoints) {
    auto c = senim::verifier::read_given_checkpoint(path);
    if (!c) {
      std::cerr << "senim-verify: --checkpoint " << senim::protocol::printable(path) << ": "
                << senim::protocol::printable(c.error().message) << "\n";
      return 2;
    }
    given.push_back(std::move(*c));
  }
  std::string remove_at_end;
  if (record.empty()) {
    const std::string& location = server.empty() ? mirror : server;
    // Without --save the record is only read once (temporary_record).
    if (save.empty()) {
      auto temporary = temporary_record();
      if (!temporary) {
        std::cerr << "senim-verify: " << temporary.error().message << "\n";
        return 2;
      }
      record = *temporary;
      remove_at_end = record;
    } else {
      record = save;
    }
    auto source = senim::net::open_log_source(server.empty() ? "file://" + mirror : server);
    senim::Status saved = source ? senim::Status() : senim::Status(source.error());
    if (saved) {
      saved = senim::verifier::save_record_from_tiles(**source, record, [&](std::uint64_t n) {
        if (!quiet && n % 100000 < 256)
          std::fprintf(stderr, "senim-verify: %llu entries read\n",
                       static_cast<unsigned long long>(n));
      });
    }
    if (!saved) {
      std::remove(record.c_str());  // nothing half-written is left behind
      std::remove((record + ".tmp").c_str());
      remove_temporary(remove_at_end);
      std::cerr << "senim-verify: cannot read the board's log from "
                << senim::protocol::printable(location) << ": "
                << senim::protocol::printable(saved.error().message) << "\n";
      return 2;
    }
    if (!quiet)
      std::cerr << "senim-verify: read the board's log from "
                << senim::protocol::printable(location) << " into "
                << senim::protocol::printable(record) << "\n";
  }
  senim::verifier::Options options;
  options.threads = threads;
  options.ballots_per_batch = batch;
  if (!quiet) {
    options.progress = [](std::uint64_t entries, std::uint64_t read, std::uint64_t size) {
      std::fprintf(stderr, "senim-verify: %llu entries checked (%.0f%% of the record)\n",
                   static_cast<unsigned long long>(entries),
                   size == 0 ? 0.0 : 100.0 * static_cast<double>(read) / static_cast<double>(size));
    };
  }
  senim::verifier::Report report = senim::verifier::verify_record(record, options);
  report.partial = partial;
  if (report.unreadable) {
    remove_temporary(remove_at_end);
    std::cerr << "senim-verify: cannot read " << senim::protocol::printable(record) << ": "
              << senim::protocol::printable(*report.unreadable) << "\n";
    if (json)
      std::cout << report.to_json();
    return report.exit_status();
  }
  std::cout << (json ? report.to_json() : report.to_text());
  int status = report.exit_status();
  if (!report.result(senim::verifier::Check::log_root).passed() || !given.empty()) {
    const int forks =
        report_forks(record, given, evidence_place(evidence_out, record, !remove_at_end.empty()),
                     json ? std::cerr : std::cout);
    if (forks == 1 || (forks == 3 && status == 0))
      status = forks;
  }
  remove_temporary(remove_at_end);
  return status;
}
