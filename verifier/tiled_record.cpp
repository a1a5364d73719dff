#include "verifier/tiled_record.hpp"

#include <optional>

#include "protocol/record.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"

namespace senim::verifier {
namespace {

// The size of a checkpoint note, if it is one (its signatures are checks 2
// and 3's business, once it is in the record).
std::optional<std::uint64_t> size_of(const std::string& note) {
  auto parsed = tlog::parse_note(note);
  if (!parsed)
    return std::nullopt;
  auto checkpoint = tlog::parse_checkpoint(parsed->text);
  if (!checkpoint)
    return std::nullopt;
  return checkpoint->size;
}

}  // namespace

Status save_record_from_tiles(protocol::LogSource& source, const std::string& path,
                              const std::function<void(std::uint64_t)>& progress) {
  auto served = protocol::read_served_election(source);
  if (!served)
    return served.error();
  const tlog::Checkpoint& latest = served->latest.checkpoint;
  // The witnessed checkpoint goes after its size's entries; one the record
  // cannot place (larger than the latest, or not a checkpoint) is left out.
  auto witnessed = source.witnessed_checkpoint();
  if (!witnessed)
    return witnessed.error();
  std::uint64_t witnessed_size = 0;  // 0: none to place
  if (*witnessed) {
    witnessed_size = size_of(**witnessed).value_or(0);
    if (witnessed_size >= latest.size)
      witnessed_size = 0;
  }
  auto writer = protocol::RecordWriter::create(path);
  if (!writer)
    return writer.error();
  protocol::CheckpointedLog log(source, latest);
  std::uint64_t written = 0;
  for (std::uint64_t n = 0; n < log.bundles(); ++n) {
    auto entries = log.bundle(n);
    if (!entries)
      return entries.error();
    for (const Bytes& entry : *entries) {
      if (auto s = writer->write(protocol::FrameKind::entry, entry); !s)
        return s;
      if (++written == witnessed_size && witnessed_size != 0) {
        if (auto s = writer->write(protocol::FrameKind::checkpoint, as_bytes(**witnessed)); !s)
          return s;
      }
    }
    if (progress)
      progress(written);
  }
  if (auto s = writer->write(protocol::FrameKind::checkpoint, as_bytes(served->latest.note)); !s)
    return s;
  return writer->finish();
}

}  // namespace senim::verifier
