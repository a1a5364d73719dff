#include "verifier/record_evidence.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "protocol/board_checkpoint.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "protocol/record_log_source.hpp"
#include "tlog/proof_file.hpp"
#include "tlog/vkey.hpp"

namespace senim::verifier {
namespace {

struct Signed {
  std::string note;
  tlog::Checkpoint checkpoint;
};

// The set-up (the record's first entry) and every checkpoint frame's note.
struct RecordNotes {
  std::optional<protocol::ElectionConfig> config;
  std::vector<std::string> notes;
};

Expected<RecordNotes> read_notes(const std::string& path) {
  auto reader = protocol::RecordReader::open(path);
  if (!reader)
    return reader.error();
  RecordNotes out;
  bool first_entry = true;
  for (;;) {
    auto frame = reader->next();
    if (!frame)
      return frame.error();
    if (!*frame)
      return out;
    const Bytes& payload = (*frame)->payload;
    if ((*frame)->kind == protocol::FrameKind::checkpoint) {
      out.notes.emplace_back(payload.begin(), payload.end());
    } else if (first_entry) {
      first_entry = false;
      auto entry = protocol::parse_entry(payload);
      auto config =
          entry ? protocol::check_setup(*entry) : Expected<protocol::ElectionConfig>(entry.error());
      if (config)
        out.config = std::move(*config);
    }
  }
}

std::string str(std::uint64_t n) {
  return std::to_string(n);
}

}  // namespace

Expected<GivenCheckpoint> read_given_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(Errc::io_error, "cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.starts_with(tlog::kProofFileHeader)) {
    auto proof = tlog::parse_proof_file(text);
    if (!proof)
      return make_error(proof.error().code, path + ": " + proof.error().message);
    text = proof->checkpoint;
  }
  if (auto note = tlog::parse_note(text); !note)
    return make_error(note.error().code, path + ": " + note.error().message);
  return GivenCheckpoint{path, std::move(text)};
}

// docs/verifier-checks.md, "Fork evidence".
Expected<RecordEvidence> find_record_forks(const std::string& record_path,
                                           const std::vector<GivenCheckpoint>& given) {
  auto notes = read_notes(record_path);
  if (!notes)
    return notes.error();
  if (!notes->config)
    return make_error(Errc::invalid_argument, "the record has no set-up naming the board key");
  const tlog::VerifierKey& board = notes->config->board_vkey;
  const std::string vkey = tlog::format_vkey(board);
  auto source = protocol::RecordLogSource::open(record_path);
  if (!source)
    return source.error();
  // The board's checkpoints in the record, largest first; the anchor is the
  // largest whose root the record's entries give.
  std::vector<Signed> record_signed;
  for (const std::string& note : notes->notes) {
    if (auto c = protocol::verify_board_checkpoint(note, board))
      record_signed.push_back({note, c->checkpoint});
  }
  std::stable_sort(
      record_signed.begin(), record_signed.end(),
      [](const Signed& a, const Signed& b) { return a.checkpoint.size > b.checkpoint.size; });
  RecordEvidence out;
  const Signed* anchor = nullptr;
  for (const Signed& s : record_signed) {
    if (s.checkpoint.size == 0 || s.checkpoint.size > (*source)->size())
      continue;
    auto root = tlog::root_from_tiles(s.checkpoint.size, **source);
    if (root && *root == s.checkpoint.root) {
      anchor = &s;
      out.anchor_size = s.checkpoint.size;
      break;
    }
  }
  std::map<std::string, bool> seen;  // evidence already found, by its text
  auto add = [&](protocol::ForkEvidence e) {
    if (!seen.emplace(protocol::format_fork_evidence(e), true).second)
      return;
    out.forks.push_back(std::move(e));
  };
  // Two of the same size with different roots need no tree at all.
  std::map<std::uint64_t, const Signed*> first_of_size;
  for (const Signed& s : record_signed) {
    auto [it, fresh] = first_of_size.try_emplace(s.checkpoint.size, &s);
    if (!fresh && it->second->checkpoint.root != s.checkpoint.root) {
      if (auto e = protocol::build_fork_evidence(vkey, it->second->note, s.note, nullptr))
        add(std::move(*e));
    }
  }
  if (anchor != nullptr) {
    for (const Signed& s : record_signed) {
      if (&s == anchor || s.checkpoint.size > anchor->checkpoint.size)
        continue;
      auto c = protocol::compare_checkpoints(vkey, s.note, anchor->note, source->get());
      if (c.evidence)
        add(std::move(*c.evidence));
    }
  }
  for (const GivenCheckpoint& g : given) {
    auto c = protocol::verify_board_checkpoint(g.note, board);
    if (!c) {
      out.given_unconfirmed = true;
      out.given_said.push_back(g.path +
                               ": not a checkpoint of this election's board: " + c.error().message);
      continue;
    }
    const std::uint64_t size = c->checkpoint.size;
    if (anchor == nullptr || size > anchor->checkpoint.size) {
      out.given_unconfirmed = true;
      out.given_said.push_back(g.path + ": size " + str(size) +
                               " is beyond the record's signed tree (" + str(out.anchor_size) +
                               " entries): this record cannot show whether it is consistent");
      continue;
    }
    auto compared = protocol::compare_checkpoints(vkey, g.note, anchor->note, source->get());
    using Outcome = protocol::CheckpointComparison::Outcome;
    if (compared.outcome == Outcome::consistent) {
      out.given_said.push_back(g.path + ": size " + str(size) +
                               ", consistent with the record's checkpoint of size " +
                               str(anchor->checkpoint.size));
    } else if (compared.evidence) {
      out.given_said.push_back(g.path + ": size " + str(size) +
                               ", NOT CONSISTENT with the record's checkpoint of size " +
                               str(anchor->checkpoint.size));
      add(std::move(*compared.evidence));
    } else {
      out.given_unconfirmed = true;
      out.given_said.push_back(g.path + ": " + compared.message);
    }
  }
  return out;
}

}  // namespace senim::verifier
