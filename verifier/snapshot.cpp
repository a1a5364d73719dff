#include "verifier/snapshot.hpp"

namespace senim::verifier {

void save_report(const Report& report, v1::ReportState& out) {
  for (const CheckInfo& c : kChecks) {
    const CheckResult& r = report.result(c.check);
    v1::CheckState* s = out.add_checks();
    s->set_items(r.items);
    s->set_failures(r.failures);
    s->set_has_first_entry(r.first_entry.has_value());
    s->set_first_entry(r.first_entry.value_or(0));
    s->set_first_message(r.first_message);
    s->set_skipped(r.skipped);
  }
  out.set_election_id(report.election_id);
  out.set_board_key_hex(report.board_key_hex);
  out.set_ballots(report.ballots);
  for (const std::string& d : report.district_names)
    out.add_district_names(d);
  for (const auto& names : report.option_names)
    out.add_option_names()->mutable_names()->Add(names.begin(), names.end());
  out.mutable_district_ids()->Add(report.district_ids.begin(), report.district_ids.end());
  out.mutable_contest_ids()->Add(report.contest_ids.begin(), report.contest_ids.end());
  for (const auto& ids : report.option_ids)
    out.add_option_ids()->mutable_names()->Add(ids.begin(), ids.end());
  if (report.verified_result)
    *out.mutable_verified_result() = *report.verified_result;
}

Status restore_report(const v1::ReportState& in, Report& report) {
  if (static_cast<std::size_t>(in.checks_size()) != kCheckCount) {
    return make_error(Errc::invalid_encoding, "snapshot: " + std::to_string(in.checks_size()) +
                                                  " checks, not " + std::to_string(kCheckCount));
  }
  for (const CheckInfo& c : kChecks) {
    const v1::CheckState& s = in.checks(static_cast<int>(number(c.check) - 1));
    CheckResult r;
    r.items = s.items();
    r.failures = s.failures();
    if (s.has_first_entry())
      r.first_entry = s.first_entry();
    r.first_message = s.first_message();
    r.skipped = s.skipped();
    report.restore_result(c.check, std::move(r));
  }
  report.election_id = in.election_id();
  report.board_key_hex = in.board_key_hex();
  report.ballots = in.ballots();
  report.district_names.assign(in.district_names().begin(), in.district_names().end());
  report.option_names.clear();
  for (const v1::OptionNames& o : in.option_names())
    report.option_names.emplace_back(o.names().begin(), o.names().end());
  report.district_ids.assign(in.district_ids().begin(), in.district_ids().end());
  report.contest_ids.assign(in.contest_ids().begin(), in.contest_ids().end());
  report.option_ids.clear();
  for (const v1::OptionNames& o : in.option_ids())
    report.option_ids.emplace_back(o.names().begin(), o.names().end());
  report.verified_result.reset();
  if (in.has_verified_result())
    report.verified_result = in.verified_result();
  return Status::success();
}

Status write_snapshot(const std::string& path, const v1::VerifierSnapshot& state,
                      std::span<const SnapshotTable> tables) {
  return protocol::write_snapshot_file(path, {kSnapshotMagic, kSnapshotVersion}, state, tables);
}

Expected<SnapshotReader> SnapshotReader::open(const std::string& path) {
  auto state = std::make_unique<v1::VerifierSnapshot>();
  auto file = protocol::SnapshotFileReader::open(path, {kSnapshotMagic, kSnapshotVersion}, *state);
  if (!file)
    return file.error();
  return SnapshotReader(std::move(*file), std::move(state));
}

}  // namespace senim::verifier
