#include "witness/status.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "crypto/bytes.hpp"
#include "protocol/text_rules.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"
#include "witness/witness_state.hpp"

namespace senim::witness {
namespace {

std::string utc(std::uint64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

struct Refusal {
  std::uint64_t time = 0;
  std::string status;
  std::string size;
  std::string why;
};

std::vector<Refusal> read_refusals(const std::filesystem::path& file) {
  std::vector<Refusal> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Refusal r;
    std::string time;
    if (!std::getline(fields, time, '\t') || !std::getline(fields, r.status, '\t') ||
        !std::getline(fields, r.size, '\t') || !std::getline(fields, r.why)) {
      continue;
    }
    r.time = std::strtoull(time.c_str(), nullptr, 10);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Expected<std::string> status_text(const std::string& data_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(data_dir);
  if (!fs::exists(dir / "state.json"))
    return make_error(Errc::io_error, data_dir + " holds no witness state (state.json)");
  auto state = read_state((dir / "state.json").string());
  if (!state)
    return state.error();
  auto p = [](const std::string& s) { return protocol::printable(s); };
  std::ostringstream out;
  out << "senim witness: " << p(data_dir) << "\n";
  out << "  log        " << p(state->log_vkey()) << "\n";
  out << "  witness    " << p(state->witness_vkey()) << "\n";
  if (state->cosigned().empty()) {
    out << "  cosigned   nothing yet\n";
  } else {
    auto note = tlog::parse_note(state->cosigned());
    auto checkpoint =
        note ? tlog::parse_checkpoint(note->text) : Expected<tlog::Checkpoint>(note.error());
    out << "  cosigned   size " << state->size();
    if (checkpoint)
      out << ", root " << to_hex(checkpoint->root);  // docs/api.md "Encodings": hex
    out << ", at " << utc(state->cosigned_at()) << "\n";
  }
  out << "  verified   " << state->size() << " entries (" << state->ballots()
      << " ballots) pass every check; mirror " << p((dir / "mirror.senim").string()) << ", "
      << state->mirror_bytes() << " bytes\n";
  if (state->refusing()) {
    out << "  REFUSING   from entry " << state->refused_from() << ": " << p(state->refusal())
        << "\n";
  }
  const std::vector<Refusal> refusals = read_refusals(dir / "refusals.log");
  std::map<std::string, std::size_t> by_status;
  for (const Refusal& r : refusals)
    ++by_status[r.status];
  out << "  refused    " << refusals.size() << " request" << (refusals.size() == 1 ? "" : "s");
  if (!by_status.empty()) {
    out << " (";
    const char* sep = "";
    for (const auto& [status, n] : by_status) {
      out << sep << "HTTP " << p(status) << ": " << n;
      sep = ", ";
    }
    out << ")";
  }
  out << "\n";
  const std::size_t shown = std::min<std::size_t>(refusals.size(), 10);
  for (std::size_t i = refusals.size() - shown; i < refusals.size(); ++i) {
    const Refusal& r = refusals[i];
    out << "    " << utc(r.time) << "  " << p(r.status) << "  size " << p(r.size) << "  "
        << p(r.why) << "\n";
  }
  std::vector<std::string> evidence;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "evidence", ec))
    evidence.push_back(e.path().filename().string());
  std::sort(evidence.begin(), evidence.end());
  out << "  evidence   " << evidence.size() << " file" << (evidence.size() == 1 ? "" : "s")
      << (evidence.empty() ? "" : " in " + p((dir / "evidence").string())) << "\n";
  for (const std::string& name : evidence)
    out << "    " << p(name) << "\n";
  return out.str();
}

}  // namespace senim::witness
