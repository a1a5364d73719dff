// `senim export-tiles --from SOURCE --out DIR`: a mirror of a board's tiled
// log in a directory (docs/protocol.md §11.5): the same files at the same
// paths as the board serves them, so that nginx or `python3 -m http.server`
// serves the board. Run again, it adds what is new since the mirror's own
// checkpoint. Everything written is authenticated first: the source's
// checkpoint is one of the election and consistent with the mirror's, every
// tile is read through a TileHashReader (authenticated to that checkpoint's
// root, §13.9.3), and every entry against its leaf hash.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/commands.hpp"
#include "client/common.hpp"
#include "net/log_sources.hpp"
#include "protocol/log_source.hpp"
#include "protocol/receipt.hpp"
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
  auto written = copy_tiles(**source, served->latest.checkpoint, old_size, out);
  if (!written)
    return fail(written.error());
  if (auto s = copy_witnessed(**source, *served, out); !s)
    return fail(o.from + ": " + s.error().message);
  // Last: the checkpoint, once everything it implies is in place.
  if (auto s = write_file(out / protocol::kCheckpointPath, served->latest.note); !s)
    return fail(s.error());
  std::cout << "exported the board's log of " << served->latest.checkpoint.size << " entries to "
            << o.out << " (" << *written << " new files since size " << old_size << ")\n";
  return 0;
}

}  // namespace senim::client
