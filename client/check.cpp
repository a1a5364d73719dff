// `senim check RECEIPT`: is my ballot still on the board, and does the
// board's log still extend the one it gave me the receipt under?
// (docs/protocol.md §11.3 "Checking it later", docs/voter-guide.md.) It reads
// the board's tiled log — from the board or any mirror (§11.5) — and keeps
// the latest checkpoint it checked beside the receipt, so that a later check
// also proves the log never shrank below it.
#include <filesystem>
#include <iostream>

#include "client/board_client.hpp"
#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/key_files.hpp"
#include "net/log_sources.hpp"
#include "proto/files.pb.h"
#include "protocol/log_source.hpp"
#include "protocol/receipt.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/tracking_code.hpp"
#include "protocol/witness_quorum.hpp"
#include "tlog/note.hpp"

namespace senim::client {
namespace {

// The receipt's origin without its last element: the board's URL as
// tlog-tiles suggests making the origin (docs/protocol.md §8.2).
std::string origin_url(const std::string& receipt_checkpoint) {
  const std::string origin = receipt_checkpoint.substr(0, receipt_checkpoint.find('\n'));
  const auto slash = origin.rfind('/');
  return "http://" + (slash == std::string::npos ? origin : origin.substr(0, slash));
}

Expected<std::string> where_to_read(const CheckOptions& o, const protocol::ReceiptParts& parts) {
  if (!o.mirror.empty())
    return o.mirror;
  if (!o.server.empty())
    return o.server;
  if (!o.credential.empty()) {
    v1::VoterCredentialFile file;
    if (auto s = read_message_file(o.credential, file); !s)
      return s.error();
    wipe_string(*file.mutable_seed());
    if (!file.server().empty())
      return file.server();
  }
  return origin_url(parts.file.checkpoint);
}

int evidence(const std::string& receipt, const std::string& what) {
  fail("THE BOARD IS NOT CONSISTENT WITH YOUR RECEIPT: " + what);
  std::cerr << "keep " << protocol::printable(receipt)
            << ": together with the board's current checkpoint it is evidence anyone can check\n";
  return 1;
}

// The board's ballot status, when the source is the board itself (a mirror
// has no such endpoint: then nothing is said).
void show_status(const std::string& location, const protocol::ReceiptParts& parts) {
  const auto& st = parts.parsed.statement;
  if (!st.has_ballot() && !st.has_challenge())
    return;
  const Hash32 code = protocol::tracking_code(as_bytes(parts.parsed.entry.statement()));
  auto board = BoardClient::connect(location);
  if (!board)
    return;
  if (auto status = board->ballot_status(code)) {
    std::cout << "tracking code " << protocol::short_tracking_code(code) << ": "
              << protocol::printable(status->state()) << "\n";
  }
}

// docs/protocol.md §11.3, "Checking it later", and §11.4: which of the
// election's witnesses vouch for a checkpoint covering the receipt, and
// whether they meet the quorum. Never overstated: a checkpoint without the
// quorum is "not yet witnessed". Errors: a policy witness's cosignature that
// does not verify, or a witnessed checkpoint the log does not extend.
Status report_witnesses(const protocol::ElectionConfig& config, const std::string& latest_note,
                        const tlog::Checkpoint& mine, protocol::LogSource& source) {
  const tlog::Policy& policy = config.policy;
  if (policy.quorum == tlog::kQuorumNone) {
    std::cout << "witnesses: none (the election's policy is `quorum none`): only the board "
                 "vouches for this log\n";
    return Status::success();
  }
  auto latest = protocol::witnessing(latest_note, policy);
  if (!latest)
    return latest.error();
  auto names = [](const protocol::Witnessing& w) {
    std::string out;
    for (const std::string& n : w.witnesses)
      out += (out.empty() ? "" : ", ") + protocol::printable(n);
    return out.empty() ? std::string("no witness") : out;
  };
  const std::string quorum = protocol::describe_quorum(policy);
  if (latest->quorum_met) {
    std::cout << "witnessed: the latest checkpoint (size " << latest->size << ") is cosigned by "
              << names(*latest) << " — " << protocol::printable(quorum) << ", met\n";
    return Status::success();
  }
  // The board's latest witnessed checkpoint, if it covers the receipt.
  auto witnessed_note = source.witnessed_checkpoint();
  if (witnessed_note && witnessed_note->has_value()) {
    auto w = protocol::witnessing(**witnessed_note, policy);
    if (!w)
      return w.error();
    auto parsed = protocol::verify_board_checkpoint(**witnessed_note, config.board_vkey);
    if (w->quorum_met && w->size >= mine.size && parsed) {
      if (auto s = protocol::verify_extends(mine, parsed->checkpoint, source); !s)
        return s;
      std::cout << "witnessed: the checkpoint of size " << w->size
                << ", which covers your ballot, is cosigned by " << names(*w) << " — "
                << protocol::printable(quorum) << ", met\n";
      return Status::success();
    }
  }
  std::cout << "NOT YET WITNESSED: no checkpoint covering your ballot carries the quorum yet "
               "(the latest, of size "
            << latest->size << ", is cosigned by " << names(*latest) << "; "
            << protocol::printable(quorum) << "). Check again later: a receipt that never "
            << "reaches the quorum means the election's observers did not vouch for it.\n";
  return Status::success();
}

}  // namespace

int check(const CheckOptions& o) {
  auto text = read_bytes_file(o.receipt);
  if (!text)
    return fail(text.error());
  auto parts = protocol::parse_receipt(*text);
  if (!parts)
    return fail(o.receipt + " is not a senim receipt: " + parts.error().message);
  auto location = where_to_read(o, *parts);
  if (!location)
    return fail(location.error());
  auto source = net::open_log_source(*location);
  if (!source)
    return fail(source.error());
  // The election the source serves: its set-up (leaf 0) and latest checkpoint.
  auto served = protocol::read_served_election(**source);
  if (!served)
    return fail("cannot read the board's log at " + *location + ": " + served.error().message);
  const protocol::ElectionConfig& config = served->config;
  const std::string receipt_origin =
      parts->file.checkpoint.substr(0, parts->file.checkpoint.find('\n'));
  if (receipt_origin != config.log_origin ||
      parts->parsed.statement.election_id() != config.election_id()) {
    return fail("the board at " + *location +
                " is not the one that gave this receipt (it holds election \"" +
                protocol::printable(config.election_id()) + "\" under log " +
                protocol::printable(config.log_origin) + "; the receipt names \"" +
                protocol::printable(parts->parsed.statement.election_id()) + "\" and " +
                protocol::printable(receipt_origin) + ")");
  }
  auto checked = protocol::verify_receipt(*text, config);
  if (!checked)
    return fail("the receipt itself does not check: " + checked.error().message);
  const tlog::Checkpoint& mine = checked->checkpoint.checkpoint;
  const tlog::Checkpoint& latest = served->latest.checkpoint;
  if (auto s = protocol::verify_extends(mine, latest, **source); !s) {
    if (s.error().code == Errc::out_of_range) {
      return fail("cannot check yet: " + s.error().message + " (a mirror that is behind? try " +
                  "again later, or another source)");
    }
    return evidence(o.receipt, s.error().message);
  }
  if (auto s = protocol::verify_leaf(checked->parts.file.index, checked->parts.leaf_hash, latest,
                                     **source);
      !s) {
    return evidence(o.receipt,
                    "your ballot is not in the board's current log: " + s.error().message);
  }
  // The checkpoint kept from the last check: the log must extend it too.
  const std::string kept_path = o.receipt + ".checkpoint";
  if (std::filesystem::exists(kept_path)) {
    auto kept_note = read_bytes_file(kept_path);
    if (!kept_note)
      return fail(kept_note.error());
    auto kept = protocol::verify_board_checkpoint(*kept_note, config.board_vkey);
    if (!kept)
      return fail(kept_path + " is not a checkpoint of this election: " + kept.error().message);
    if (auto s = protocol::verify_extends(kept->checkpoint, latest, **source); !s) {
      if (s.error().code == Errc::out_of_range)
        return fail("cannot check yet: " + s.error().message + " (kept in " + kept_path + ")");
      return evidence(kept_path, s.error().message);
    }
  }
  if (auto w = write_bytes_file(kept_path, served->latest.note); !w)
    return fail(w.error());
  std::cout << "your ballot (entry " << checked->parts.file.index
            << ") is on the board, and the board's log of " << latest.size
            << " entries extends the " << mine.size << " it had when it gave you the receipt\n"
            << "checked against " << protocol::printable(*location)
            << "; its latest checkpoint is kept in " << kept_path << "\n";
  if (auto s = report_witnesses(config, served->latest.note, mine, **source); !s)
    return fail("a witness cosignature on the board's checkpoint does not check: " +
                s.error().message);
  show_status(*location, checked->parts);
  return 0;
}

}  // namespace senim::client
