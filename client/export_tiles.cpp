// `senim export-tiles --from SOURCE --out DIR`: a mirror of a board's tiled
// log in a directory (docs/protocol.md §11.5): the same files at the same
// paths as the board serves them, so that nginx or `python3 -m http.server`
// serves the board. Run again, it adds what is new since the mirror's own
// checkpoint. Everything written is authenticated first: the source's
// checkpoint is one of the election and consistent with the mirror's, every
// tile is read through a TileHashReader (authenticated to that checkpoint's
// root, §13.9.3), and every entry against its leaf hash.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/commands.hpp"
#include "client/common.hpp"
#include "net/log_sources.hpp"
#include "proto/api.pb.h"
#include "protocol/ballot.hpp"
#include "protocol/challenge_view.hpp"
#include "protocol/code_index.hpp"
#include "protocol/entry.hpp"
#include "protocol/log_source.hpp"
#include "protocol/readable_json.hpp"
#include "protocol/receipt.hpp"
#include "protocol/tracking_code.hpp"
#include "protocol/voting_parameters.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/tile_reader.hpp"

namespace senim::client {
namespace {

namespace fs = std::filesystem;

// Written under a temporary name, then renamed: a reader sees the old file
// or the new one, never half of one.
Status write_file(const fs::path& path, std::string_view data) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return make_error(Errc::io_error,
                      "cannot create " + path.parent_path().string() + ": " + ec.message());
  const fs::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out)
      return make_error(Errc::io_error, "cannot write " + temporary.string());
  }
  fs::rename(temporary, path, ec);
  if (ec)
    return make_error(Errc::io_error, "cannot rename " + temporary.string() + ": " + ec.message());
  return Status::success();
}

// tlog-tiles: a partial tile may go once the full tile at its place exists.
void remove_partials(const fs::path& full_path) {
  std::error_code ignored;
  fs::remove_all(full_path.string() + ".p", ignored);
}

// The mirror's own election and checkpoint, if it has one.
Expected<std::optional<protocol::ServedElection>> mirror_state(const fs::path& out) {
  if (!fs::exists(out / protocol::kCheckpointPath))
    return std::optional<protocol::ServedElection>{};
  net::DirectoryLogSource mirror(out.string());
  auto served = protocol::read_served_election(mirror);
  if (!served)
    return make_error(served.error().code,
                      "the mirror " + out.string() + ": " + served.error().message);
  return std::optional<protocol::ServedElection>(std::move(*served));
}

// Step 3: the tiles and bundles new since `old_size`, authenticated.
Expected<std::size_t> copy_tiles(protocol::LogSource& source, const tlog::Checkpoint& latest,
                                 std::uint64_t old_size, const fs::path& out) {
  tlog::TileHashReader reader(latest.size, latest.root, source);
  protocol::CheckpointedLog log(source, latest);
  std::size_t written = 0;
  for (const tlog::Tile& tile : tlog::new_tiles(old_size, latest.size)) {
    auto data = tlog::read_tile_data(tile, reader);
    if (!data)
      return make_error(data.error().code, source.where() + ": " + data.error().message);
    const fs::path path = out / tlog::tile_path(tile);
    if (auto s = write_file(path, to_string(*data)); !s)
      return s.error();
    ++written;
    if (tile.level == 0) {
      auto entries = log.bundle(tile.index);
      if (!entries)
        return entries.error();
      auto bundle = tlog::encode_entry_bundle(*entries);
      if (!bundle)
        return bundle.error();
      const fs::path bundle_path = out / tlog::entry_bundle_path(tile);
      if (auto s = write_file(bundle_path, to_string(*bundle)); !s)
        return s.error();
      ++written;
      if (tile.full())
        remove_partials(bundle_path);
    }
    if (tile.full())
      remove_partials(path);
  }
  return written;
}

// Step 4: the source's witnessed checkpoint, if it has one that checks.
Status copy_witnessed(protocol::LogSource& source, const protocol::ServedElection& served,
                      const fs::path& out) {
  auto note = source.witnessed_checkpoint();
  if (!note)
    return note.error();
  if (!*note)
    return Status::success();
  auto witnessed = protocol::verify_witnessed_checkpoint(**note, served.config.policy);
  if (!witnessed)
    return make_error(witnessed.error().code,
                      "its witnessed checkpoint: " + witnessed.error().message);
  if (!witnessed->quorum_met)
    return make_error(Errc::quorum_not_met, "its witnessed checkpoint does not meet the quorum");
  if (auto s = protocol::verify_extends(witnessed->checkpoint, served.latest.checkpoint, source);
      !s)
    return make_error(s.error().code,
                      "its witnessed checkpoint and its latest: " + s.error().message);
  return write_file(out / protocol::kWitnessedCheckpointPath, **note);
}

// The files the board's page reads besides the log (docs/api.md, "From a
// mirror"): the page itself and the readable views. A source that lacks one
// (an older mirror) is not an error: the page says what is missing.
constexpr std::array<std::string_view, 5> kPageFiles = {
    "index.html", "web/app.js", "web/receipt.js", "web/style.css", "web/messages.json"};
constexpr std::string_view kManifestView = "v1/manifest";
constexpr std::string_view kTurnoutView = "v1/turnout";
constexpr std::string_view kResultView = "v1/result";
constexpr std::size_t kMaxViewBytes = std::size_t{16} << 20;

using Files = std::vector<std::pair<std::string, std::string>>;  // path, bytes

Expected<std::optional<std::string>> fetch_optional(protocol::LogSource& source,
                                                    std::string_view path) {
  auto data = source.fetch(std::string(path), kMaxViewBytes);
  if (!data && data.error().code == Errc::not_found)
    return std::optional<std::string>{};
  if (!data)
    return data.error();
  return std::optional<std::string>(std::move(*data));
}

template <class View>
Expected<View> parse_view(const std::string& where, const std::string& json) {
  View view;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (auto s = google::protobuf::util::JsonStringToMessage(json, &view, options); !s.ok()) {
    return make_error(Errc::invalid_encoding,
                      where + " is not the board's JSON answer: " + std::string(s.message()));
  }
  return view;
}

// v1/manifest names the election, board and log of the authenticated
// set-up, and holds exactly its manifest.
Status check_manifest_view(const std::string& where, const std::string& json,
                           const protocol::ElectionConfig& config) {
  auto view = parse_view<v1::ElectionView>(where, json);
  if (!view)
    return view.error();
  if (view->election_id() != config.election_id() || view->board_key() != to_hex(config.board) ||
      view->log_origin() != config.log_origin ||
      !google::protobuf::util::MessageDifferencer::Equals(view->manifest(),
                                                          config.setup.manifest())) {
    return make_error(Errc::invalid_argument,
                      where + " does not describe the election of the log's set-up");
  }
  return Status::success();
}

// v1/result's counts are those of the result entry it names, which is in
// the checkpointed log.
Status check_result_view(const std::string& where, const std::string& json,
                         protocol::LogSource& source, const tlog::Checkpoint& latest) {
  auto view = parse_view<v1::ResultView>(where, json);
  if (!view)
    return view.error();
  const std::uint64_t leaf = view->leaf_index();
  if (leaf >= latest.size) {
    return make_error(Errc::out_of_range, where + " names entry " + std::to_string(leaf) +
                                              ", beyond the checkpoint's " +
                                              std::to_string(latest.size));
  }
  protocol::CheckpointedLog log(source, latest);
  auto bundle = log.bundle(leaf / tlog::kFullTileWidth);
  if (!bundle)
    return bundle.error();
  auto entry = protocol::parse_entry(bundle->at(leaf % tlog::kFullTileWidth));
  if (!entry || !entry->statement.has_result())
    return make_error(Errc::invalid_argument,
                      where + " names entry " + std::to_string(leaf) + ", which is not the result");
  const v1::DistrictResult& total = entry->statement.result().total();
  bool same = total.ballots_counted() == view->total().ballots_counted() &&
              total.contests_size() == view->total().contests_size();
  for (int c = 0; same && c < total.contests_size(); ++c) {
    const auto& counted = total.contests(c);
    const auto& shown = view->total().contests(c);
    same = counted.options_size() == shown.options_size() && counted.blank() == shown.blank();
    for (int o = 0; same && o < counted.options_size(); ++o)
      same = counted.options(o) == shown.options(o).count();
  }
  if (!same)
    return make_error(
        Errc::invalid_argument,
        where + "'s totals are not those of the result entry " + std::to_string(leaf));
  return Status::success();
}

// Step 2b: the page and its views, read and checked before anything is
// written. The manifest and result are checked against the log; the turnout
// is the board's word, as on the board itself.
Expected<Files> read_page(protocol::LogSource& source, const protocol::ServedElection& served) {
  Files files;
  for (std::string_view path : kPageFiles) {
    auto data = fetch_optional(source, path);
    if (!data)
      return data.error();
    if (*data)
      files.emplace_back(std::string(path), std::move(**data));
  }
  for (std::string_view path : {kManifestView, kTurnoutView, kResultView}) {
    auto data = fetch_optional(source, path);
    if (!data)
      return data.error();
    if (!*data)
      continue;
    const std::string where = source.where() + "/" + std::string(path);
    Status checked = Status::success();
    if (path == kManifestView)
      checked = check_manifest_view(where, **data, served.config);
    else if (path == kResultView)
      checked = check_result_view(where, **data, source, served.latest.checkpoint);
    else if (auto turnout = parse_view<v1::Turnout>(where, **data); !turnout)
      checked = turnout.error();
    if (!checked)
      return checked.error();
    files.emplace_back(std::string(path), std::move(**data));
  }
  return files;
}

// The voting parameters an open entry names (§8.4), for opening the
// challenges after it. The ceremony that made K is the verifier's to check;
// the exporter only shows what each challenge opens under it.
std::shared_ptr<const protocol::VotingParameters> open_parameters(
    const protocol::ElectionConfig& config, const v1::Open& open) {
  auto key = crypto::Element::decode(as_bytes(open.joint_key()));
  if (!key || open.base_hash().size() != 32)
    return nullptr;
  return std::make_shared<const protocol::VotingParameters>(config.shape, key->point,
                                                            to_hash32(open.base_hash()));
}

// v1/challenges/<code>, as the board answers it, for a challenge at `leaf`:
// a file once written never changes, so it is not opened again.
Status write_challenge_view(const fs::path& out, const protocol::ServedElection& served,
                            const protocol::VotingParameters* params, std::uint64_t leaf,
                            const protocol::ParsedEntry& entry) {
  const Hash32 code = protocol::entry_tracking_code(entry);
  const fs::path path = out / "v1" / "challenges" / to_hex(code);
  if (fs::exists(path))
    return Status::success();
  if (!params) {
    std::cerr << "entry " << leaf << ": a challenge before the open; its choices are not shown\n";
    return Status::success();
  }
  const v1::ChallengedBallot& challenge = entry.statement.challenge();
  auto opened = protocol::check_challenge(*params, served.config.election_id(), challenge,
                                          as_bytes(entry.entry.signer()));
  if (!opened) {
    std::cerr << "entry " << leaf << ": the challenge does not open (" << opened.error().message
              << "); its choices are not shown\n";
    return Status::success();
  }
  auto json = protocol::readable_json(
      protocol::challenge_view(served.config.setup.manifest(), code, leaf, *opened, challenge));
  if (!json)
    return json.error();
  return write_file(path, *json);
}

// Step 3b: the code index (docs/api.md, "A mirror's code index") and the
// opened challenges, from the whole log as it now is in the mirror, each
// entry proven against the latest checkpoint as it is read. Returns the
// number of ballots indexed.
Expected<std::size_t> write_index(const fs::path& out, const protocol::ServedElection& served) {
  net::DirectoryLogSource local(out.string());
  protocol::CheckpointedLog log(local, served.latest.checkpoint);
  protocol::BallotLedger ledger(served.config.election_id());
  std::shared_ptr<const protocol::VotingParameters> params;
  for (std::uint64_t n = 0; n < log.bundles(); ++n) {
    auto entries = log.bundle(n);
    if (!entries)
      return make_error(entries.error().code, out.string() + ": " + entries.error().message);
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const std::uint64_t leaf = n * tlog::kFullTileWidth + i;
      auto entry = protocol::parse_entry((*entries)[i]);
      if (!entry)
        continue;  // the verifier's to judge: no ballot of the index
      ledger.add(leaf, *entry);
      if (entry->statement.has_open())
        params = open_parameters(served.config, entry->statement.open());
      if (entry->statement.has_challenge()) {
        if (auto s = write_challenge_view(out, served, params.get(), leaf, *entry); !s)
          return s.error();
      }
    }
  }
  std::vector<protocol::IndexedBallot> ballots = ledger.ballots();
  const std::size_t count = ballots.size();
  if (auto s = protocol::write_code_index(
          std::move(ballots), served.latest.checkpoint.size,
          [&](const protocol::IndexFile& file) { return write_file(out / file.path, file.bytes); });
      !s)
    return s.error();
  return count;
}

}  // namespace

int export_tiles(const ExportOptions& o) {
  auto source = net::open_log_source(o.from);
  if (!source)
    return fail(source.error());
  // Step 1: the source's election and latest checkpoint, with its cosignatures.
  auto served = protocol::read_served_election(**source);
  if (!served)
    return fail("cannot read the board's log at " + o.from + ": " + served.error().message);
  if (auto w = protocol::verify_witnessed_checkpoint(served->latest.note, served->config.policy);
      !w)
    return fail(o.from + "/checkpoint: " + w.error().message);
  // Step 2: the mirror's, which the source must extend.
  const fs::path out(o.out);
  auto mirror = mirror_state(out);
  if (!mirror)
    return fail(mirror.error());
  std::uint64_t old_size = 0;
  if (*mirror) {
    const protocol::ServedElection& own = **mirror;
    if (own.setup_entry != served->setup_entry) {
      return fail(o.out + " mirrors another election's board (its set-up differs from " + o.from +
                  "'s); use an empty directory");
    }
    if (auto s =
            protocol::verify_extends(own.latest.checkpoint, served->latest.checkpoint, **source);
        !s) {
      if (s.error().code == Errc::out_of_range)
        return fail(o.from + " is behind the mirror: " + s.error().message);
      return fail(
          "THE SOURCE IS NOT CONSISTENT WITH THE MIRROR'S CHECKPOINT: " + s.error().message + " (" +
          (out / protocol::kCheckpointPath).string() + " is kept as it was)");
    }
    old_size = own.latest.checkpoint.size;
  }
  auto page = read_page(**source, *served);
  if (!page)
    return fail(page.error());
  auto written = copy_tiles(**source, served->latest.checkpoint, old_size, out);
  if (!written)
    return fail(written.error());
  for (const auto& [path, data] : *page) {
    if (auto s = write_file(out / path, data); !s)
      return fail(s.error());
  }
  if (auto s = copy_witnessed(**source, *served, out); !s)
    return fail(o.from + ": " + s.error().message);
  auto indexed = write_index(out, *served);
  if (!indexed)
    return fail(indexed.error());
  // Last: the checkpoint, once everything it implies is in place.
  if (auto s = write_file(out / protocol::kCheckpointPath, served->latest.note); !s)
    return fail(s.error());
  std::cout << "exported the board's log of " << served->latest.checkpoint.size << " entries to "
            << o.out << " (" << *written << " new files since size " << old_size << "), with "
            << page->size() << " files of the board's page, and an index of " << *indexed
            << " ballots by tracking code\n";
  return 0;
}

}  // namespace senim::client
