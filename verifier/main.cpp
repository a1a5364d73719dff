// senim-verify: the public verifier. Anyone can run it on an election record
// (or a board's URL) to check the count without decrypting a single ballot.
#include <sodium.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "net/http_client.hpp"
#include "protocol/entry.hpp"
#include "protocol/fork_evidence.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/version.hpp"
#include "tlog/base64.hpp"
#include "verifier/record_verifier.hpp"

namespace {

// GET /v1/record into `path` (docs/api.md).
senim::Status download(const std::string& server, const std::string& path) {
  auto http = senim::net::HttpClient::create(server);
  if (!http)
    return http.error();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return senim::make_error(senim::Errc::io_error, "cannot write " + path);
  auto response = http->download("/v1/record", [&](senim::ByteView piece) -> senim::Status {
    out.write(reinterpret_cast<const char*>(piece.data()),
              static_cast<std::streamsize>(piece.size()));
    if (!out)
      return senim::make_error(senim::Errc::io_error, "cannot write " + path);
    return senim::Status::success();
  });
  if (!response)
    return senim::make_error(senim::Errc::io_error,
                             "cannot download from " + server + ": " + response.error().message);
  if (response->status != 200) {
    return senim::make_error(senim::Errc::io_error,
                             "the board answered HTTP " + std::to_string(response->status));
  }
  out.close();
  if (!out)
    return senim::make_error(senim::Errc::io_error, "cannot write " + path);
  return senim::Status::success();
}

// A new, private (0600) file under $TMPDIR (or /tmp) for a downloaded record.
senim::Expected<std::string> temporary_record() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec)
    dir = "/tmp";
  std::string name = (dir / "senim-record-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return senim::make_error(senim::Errc::io_error, "cannot create a temporary file in " +
                                                        dir.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  return name;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "senim-verify: checks an election record from its first entry to the published result.\n"
      "Runs the numbered checks of docs/verifier-checks.md. Exit status: 0 verified, 1 a check\n"
      "failed, 2 could not run (or read the record), 3 incomplete (no result yet; see --partial)."};
  app.set_version_flag("--version", senim::protocol::version_text("senim-verify"));
  std::string record;
  std::string server;
  std::string save;
  bool json = false;
  bool quiet = false;
  unsigned threads = 0;
  auto* record_opt =
      app.add_option("record", record, "election record file (as exported by the board)");
  auto* server_opt =
      app.add_option("--server", server, "download the record from this board's URL first");
  record_opt->excludes(server_opt);
  std::string evidence;
  auto* evidence_opt = app.add_option(
      "--evidence", evidence,
      "check a fork evidence file offline instead: exit 0 only if it proves that the board signed "
      "two checkpoints that cannot both be true");
  evidence_opt->excludes(record_opt)->excludes(server_opt);
  app.add_option("--save", save, "with --server: where to keep the downloaded record")
      ->needs(server_opt);
  bool partial = false;
  app.add_flag("--partial", partial,
               "accept a record that ends before the result (a live board): exit 0 if nothing "
               "failed so far, instead of 3 (incomplete)");
  app.add_flag("--json", json, "print the report as JSON");
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  app.add_option("--threads", threads, "worker threads (default: one per core)");
  CLI11_PARSE(app, argc, argv);

  senim::protocol::quiet_protobuf_logging();
  if (sodium_init() < 0) {
    std::cerr << "senim-verify: libsodium failed to initialise\n";
    return 2;
  }
  if (!evidence.empty())
    return check_evidence(evidence);
  if (record.empty() && server.empty()) {
    std::cerr << "senim-verify: give a record file or --server URL (see --help)\n";
    return 2;
  }
  std::string remove_at_end;
  if (!server.empty()) {
    // Without --save the record is only read once: it goes to a private
    // temporary file that is removed when the check ends, not into the
    // current directory.
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
    if (auto s = download(server, record); !s) {
      std::remove(record.c_str());  // nothing half-downloaded is left behind
      std::cerr << "senim-verify: " << senim::protocol::printable(s.error().message) << "\n";
      return 2;
    }
    if (!quiet)
      std::cerr << "senim-verify: downloaded the record from " << senim::protocol::printable(server)
                << " to " << senim::protocol::printable(record) << "\n";
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
  senim::verifier::Report report = senim::verifier::verify_record(record, options);
  report.partial = partial;
  if (!remove_at_end.empty())
    std::remove(remove_at_end.c_str());
  if (report.unreadable) {
    std::cerr << "senim-verify: cannot read " << senim::protocol::printable(record) << ": "
              << senim::protocol::printable(*report.unreadable) << "\n";
    if (json)
      std::cout << report.to_json();
    return report.exit_status();
  }
  std::cout << (json ? report.to_json() : report.to_text());
  return report.exit_status();
}
