// `senim check RECEIPT`: is my ballot still on the board, and does the
// board's log still extend the one it gave me the receipt under?
// (docs/protocol.md §11.3 "Checking it later", docs/voter-guide.md.) It reads
// the board's tiled log — from the board or any mirror (§11.5) — and keeps
// the latest checkpoint it checked beside the receipt, so that a later check
// also proves the log never shrank below it.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "client/board_client.hpp"
#include "client/checkpoint_judge.hpp"
#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/credential_lines.hpp"
#include "client/key_files.hpp"
#include "client/language.hpp"
#include "crypto/merkle.hpp"
#include "net/log_sources.hpp"
#include "proto/files.pb.h"
#include "protocol/ballot_state.hpp"
#include "protocol/code_index.hpp"
#include "protocol/log_source.hpp"
#include "protocol/receipt.hpp"
#include "protocol/record_log_source.hpp"
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
    if (auto s = read_voter_credential(o.credential, o.line, file); !s)
      return s.error();
    wipe_string(*file.mutable_seed());
    if (!file.server().empty())
      return file.server();
  }
  return origin_url(parts.file.checkpoint);
}

// The words of protocol::verify_extends for a source that is behind.
std::string older_than(std::uint64_t latest, std::uint64_t checked) {
  return fill(tr("the log's latest checkpoint (size {1}) is older than the one checked against it "
                 "(size {2})"),
              {std::to_string(latest), std::to_string(checked)});
}

// After THE BOARD IS NOT CONSISTENT WITH …: what the voter keeps.
int keep_receipt(const std::string& receipt) {
  std::cerr << fill(tr("keep {1}: with the board's checkpoints it is evidence against the board"),
                    {protocol::printable(receipt)})
            << "\n";
  return 1;
}

// A ballot's state (protocol/ballot_state.hpp) in the voter's language.
std::string ballot_state_words(const std::string& state) {
  if (state == "cast")
    return tr("cast (it will be counted unless you vote again)");
  if (state == "counted")
    return tr("counted");
  if (state == "superseded")
    return tr("superseded (a later ballot of the same credential counts instead)");
  if (state == "challenged")
    return tr("challenged (opened to check it; never counted)");
  return state;
}

// The ballot's state: the board's answer to GET /v1/ballots, or, from a
// static mirror (which has no such endpoint), the line of the mirror's code
// index (docs/protocol.md §11.5) once it names the receipt's own entry,
// which the check above proved. A mirror without an index says nothing.
void show_status(const std::string& location, protocol::LogSource& source,
                 const protocol::ReceiptParts& parts) {
  const auto& st = parts.parsed.statement;
  if (!st.has_ballot() && !st.has_challenge())
    return;
  const Hash32 code = protocol::entry_tracking_code(parts.parsed);
  const std::string shown = protocol::short_tracking_code(code);
  if (auto board = BoardClient::connect(location)) {
    if (auto status = board->ballot_status(code)) {
      std::cout << fill(tr("tracking code {1}: {2}"),
                        {shown, ballot_state_words(protocol::printable(status->state()))})
                << "\n";
      return;
    }
  }
  const std::string path =
      std::string(protocol::kCodeIndexDir) + "/" + protocol::code_index_bucket(code) + ".json";
  auto bucket = source.fetch(path, std::size_t{1} << 20);
  if (!bucket)
    return;
  auto line = protocol::find_in_bucket(*bucket, code);
  if (!line) {
    std::cout << fill(tr("the mirror's index of codes does not list tracking code {1} ({2})"),
                      {shown, explain(line.error())})
              << "\n";
  } else if (line->leaf != parts.file.index) {
    std::cout << fill(tr("THE MIRROR'S INDEX OF CODES IS WRONG: it names entry {1} for tracking "
                         "code {2}, which is entry {3}"),
                      {std::to_string(line->leaf), shown, std::to_string(parts.file.index)})
              << "\n";
  } else {
    std::cout << fill(tr("tracking code {1}: {2} (from the mirror's index of codes)"),
                      {shown, ballot_state_words(line->state)})
              << "\n";
  }
}

// A record's state of the ballot or challenge at `index`, by the rule the
// board answers GET /v1/ballots with (protocol/ballot_state.hpp): the later
// entries of the record say whether a re-vote replaced it and whether the
// tally was posted.
Expected<std::string> record_state(protocol::RecordLogSource& record, std::uint64_t index,
                                   const protocol::ParsedEntry& mine) {
  protocol::BallotFacts facts;
  facts.challenge = mine.statement.has_challenge();
  protocol::BallotPeriod period(mine.statement.election_id());
  for (std::uint64_t i = index + 1; i < record.size(); ++i) {
    auto bytes = record.entry(i);
    if (!bytes)
      return bytes.error();
    auto e = protocol::parse_entry(*bytes);
    if (!e)
      continue;  // the verifier's to judge; it cannot be a re-vote
    if (period.casts(*e) && e->entry.signer() == mine.entry.signer())
      facts.superseded = true;
  }
  facts.tallied = period.tallied();
  return protocol::ballot_state(facts);
}

// A receipt's or a record's ballot state, printed as the online check does.
void show_record_status(protocol::RecordLogSource& record, std::uint64_t index,
                        const protocol::ParsedEntry& entry) {
  const auto& st = entry.statement;
  if (!st.has_ballot() && !st.has_challenge())
    return;
  auto state = record_state(record, index, entry);
  if (!state)
    return;
  std::cout << fill(tr("tracking code {1}: {2}"),
                    {protocol::short_tracking_code(protocol::entry_tracking_code(entry)),
                     ballot_state_words(*state)})
            << "\n";
}

// The source the check reads: a record file, or the board or a mirror.
struct Source {
  std::string location;
  std::unique_ptr<protocol::LogSource> log;
  protocol::RecordLogSource* record = nullptr;  // when it is a record
};

Expected<Source> open_record(const std::string& path) {
  auto record = protocol::RecordLogSource::open(path);
  if (!record) {
    return make_error(record.error().code,
                      fill(tr("cannot read the record {1}: {2}"), {path, explain(record.error())}));
  }
  Source out;
  out.location = path;
  out.record = record->get();
  out.log = std::move(*record);
  return out;
}

Expected<Source> open_source(const CheckOptions& o, const protocol::ReceiptParts& parts) {
  if (!o.record.empty())
    return open_record(o.record);
  auto location = where_to_read(o, parts);
  if (!location)
    return location.error();
  auto log = net::open_log_source(*location);
  if (!log)
    return log.error();
  return Source{*location, std::move(*log), nullptr};
}

// "7qkm3xta9plwe2dn", "7QKM-3XTA-9PLW-E2DN": the short form, upper case, grouped.
std::string normalised_code(const std::string& code) {
  std::string bare;
  for (char c : code) {
    if (c != '-' && c != ' ')
      bare.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  std::string out;
  for (std::size_t i = 0; i < bare.size(); ++i) {
    if (i > 0 && i % 4 == 0)
      out.push_back('-');
    out.push_back(bare[i]);
  }
  return out;
}

// `senim check --record FILE --code CODE`: the ballot or challenge with this
// tracking code in a saved record, authenticated to the record's last
// checkpoint, which is verified under the board key of the record's set-up.
int check_code(const CheckOptions& o) {
  auto source = open_record(o.record);
  if (!source)
    return fail(source.error());
  auto served = protocol::read_served_election(*source->log);
  if (!served)
    return fail(fill(tr("cannot read the record {1}: {2}"), {o.record, explain(served.error())}));
  const std::string wanted = normalised_code(o.code);
  protocol::RecordLogSource& record = *source->record;
  for (std::uint64_t i = 0; i < record.size(); ++i) {
    auto bytes = record.entry(i);
    if (!bytes)
      return fail(bytes.error());
    auto e = protocol::parse_entry(*bytes);
    if (!e || (!e->statement.has_ballot() && !e->statement.has_challenge()))
      continue;
    if (protocol::short_tracking_code(protocol::entry_tracking_code(*e)) != wanted)
      continue;
    const tlog::Checkpoint& latest = served->latest.checkpoint;
    if (auto s = protocol::verify_leaf(i, crypto::merkle::leaf_hash(*bytes), latest, record); !s)
      return fail(fill(tr("the record {1} is damaged: {2}"), {o.record, explain(s.error())}));
    std::cout << fill(tr("tracking code {1} is entry {2} of the record of election \"{3}\", under "
                         "the board's checkpoint of {4} entries (board key {5})"),
                      {wanted, std::to_string(i), protocol::printable(served->config.election_id()),
                       std::to_string(latest.size), short_hex(served->config.board)})
              << "\n";
    show_record_status(record, i, *e);
    return 0;
  }
  return fail(fill(tr("no ballot with tracking code {1} in the record {2} (of election \"{3}\")"),
                   {wanted, o.record, protocol::printable(served->config.election_id())}));
}

std::string cosigner_names(const protocol::Witnessing& w) {
  std::string out;
  for (const std::string& n : w.witnesses)
    out += (out.empty() ? "" : ", ") + protocol::printable(n);
  return out.empty() ? std::string(tr("no witness")) : out;
}

// A checkpoint that meets the quorum and covers the receipt, and whence.
struct Witnessed {
  std::string note;
  protocol::Witnessing witnessing;
  std::string whence;
};

// docs/protocol.md §11.3, "Checking it later", and §11.4: which of the
// election's witnesses vouch for a checkpoint covering the receipt, and
// whether they meet the quorum. The candidates — the source's latest, the
// witnesses' own views merged, the board's witnessed checkpoint, the one
// kept from an earlier check — were judged consistent with the source's log
// already; the largest that meets the quorum is reported (and kept). Never
// overstated: without one it is "not yet witnessed". Errors: a policy
// witness's cosignature on the latest that does not verify.
Expected<std::optional<Witnessed>> report_witnesses(
    const protocol::ElectionConfig& config, const std::string& latest_note,
    const tlog::Checkpoint& mine,
    const std::vector<std::pair<std::string, std::string>>& candidates) {
  const tlog::Policy& policy = config.policy;
  if (policy.quorum == tlog::kQuorumNone) {
    std::cout << tr("witnesses: none (the election's policy is `quorum none`): only the board "
                    "vouches for this log")
              << "\n";
    return std::optional<Witnessed>{};
  }
  auto latest = protocol::witnessing(latest_note, policy);
  if (!latest)
    return latest.error();
  const std::string quorum = protocol::printable(protocol::describe_quorum(policy));
  if (latest->quorum_met) {
    std::cout << fill(tr("witnessed: the latest checkpoint (size {1}) is cosigned by {2} — {3}, "
                         "met"),
                      {std::to_string(latest->size), cosigner_names(*latest), quorum})
              << "\n";
    return std::optional<Witnessed>(Witnessed{latest_note, *latest, tr("the latest checkpoint")});
  }
  std::optional<Witnessed> best;
  for (const auto& [note, whence] : candidates) {
    auto w = protocol::witnessing(note, policy);
    if (!w || !w->quorum_met || w->size < mine.size)
      continue;
    if (!best || w->size > best->witnessing.size)
      best = Witnessed{note, *w, whence};
  }
  if (best) {
    std::cout << fill(tr("witnessed: the checkpoint of size {1}, which covers your ballot, is "
                         "cosigned by {2} — {3}, met ({4})"),
                      {std::to_string(best->witnessing.size), cosigner_names(best->witnessing),
                       quorum, best->whence})
              << "\n";
    return best;
  }
  std::cout << fill(tr("NOT YET WITNESSED: no checkpoint covering your ballot carries the quorum "
                       "yet (the latest, of size {1}, is cosigned by {2}; {3}). Check again "
                       "later: a receipt that never reaches the quorum means the election's "
                       "observers did not vouch for it."),
                    {std::to_string(latest->size), cosigner_names(*latest), quorum})
            << "\n";
  return std::optional<Witnessed>{};
}

// The witnessed checkpoint found is kept as RECEIPT.witnessed (§11.3), unless
// the one kept already is at least as large.
Status keep_witnessed(const std::string& path, const std::optional<Witnessed>& found) {
  if (!found)
    return Status::success();
  if (std::filesystem::exists(path)) {
    auto old = read_bytes_file(path);
    if (old) {
      auto parsed = tlog::parse_note(*old);
      auto c = parsed ? tlog::parse_checkpoint(parsed->text)
                      : Expected<tlog::Checkpoint>(parsed.error());
      if (c && c->size > found->witnessing.size)
        return Status::success();
    }
  }
  if (auto w = write_bytes_file(path, found->note); !w)
    return w;
  std::cout << fill(tr("the witnessed checkpoint is kept in {1}"), {protocol::printable(path)})
            << "\n";
  return Status::success();
}

// A checkpoint kept beside the receipt by an earlier check, if there is one.
Expected<std::optional<std::string>> read_kept(const std::string& path,
                                               const protocol::ElectionConfig& config) {
  if (!std::filesystem::exists(path))
    return std::optional<std::string>{};
  auto note = read_bytes_file(path);
  if (!note)
    return note.error();
  if (auto kept = protocol::verify_board_checkpoint(*note, config.board_vkey); !kept) {
    return make_error(kept.error().code, fill(tr("{1} is not a checkpoint of this election: {2}"),
                                              {path, explain(kept.error())}));
  }
  return std::optional<std::string>(std::move(*note));
}

// What the witnesses cosigned, asked directly (online only), judged against
// the source's log: each distinct checkpoint once, with the cosignatures of
// every witness that serves it. Those consistent with the log are
// candidates for the quorum. False if one is a fork or unproven.
bool judge_witness_views(const protocol::ElectionConfig& config, CheckpointJudge& judge,
                         std::vector<std::pair<std::string, std::string>>& candidates) {
  const std::vector<WitnessView> views = ask_witnesses(config);
  for (const WitnessView& v : views) {
    if (!v.checkpoint)
      std::cout << fill(tr("witness {1}: {2}"),
                        {protocol::printable(v.name), protocol::printable(v.trouble)})
                << "\n";
  }
  bool ok = true;
  for (const MergedView& m : merged_witness_views(views)) {
    std::string names;
    for (const std::string& n : m.witnesses)
      names += (names.empty() ? "" : ", ") + protocol::printable(n);
    const char* what = m.witnesses.size() == 1 ? tr("WHAT WITNESS {1} COSIGNED")
                                               : tr("WHAT WITNESSES {1} COSIGNED");
    switch (judge.judge(m.note, fill(what, {names}))) {
      case CheckpointJudge::Verdict::consistent:
        std::cout << fill(tr("witnesses {1}: cosigned size {2}, consistent with this log"),
                          {names, std::to_string(m.size)})
                  << "\n";
        candidates.emplace_back(m.note, tr("as the witnesses serve it"));
        break;
      case CheckpointJudge::Verdict::ahead:
        std::cout << fill(tr("witnesses {1}: cosigned size {2}, more than this log shows: the "
                             "source is behind (check again later)"),
                          {names, std::to_string(m.size)})
                  << "\n";
        break;
      case CheckpointJudge::Verdict::unreadable:
        break;  // said; not a judgment of the board
      default:
        ok = false;
    }
  }
  return ok;
}

// docs/protocol.md §11.3: every other checkpoint the check meets, judged
// against the source's log — the ones kept by earlier checks (so the board
// can never show this voter a log that shrank or forked), what the
// witnesses cosigned, asked directly (§11.4, online only), and the board's
// witnessed checkpoint. Those consistent with the log and kept or witnessed
// become candidates for the quorum. An exit status if the check must stop.
std::optional<int> judge_the_others(const std::string& receipt,
                                    const protocol::ElectionConfig& config,
                                    std::uint64_t latest_size, bool ask_witnesses,
                                    protocol::LogSource& source, CheckpointJudge& judge,
                                    std::vector<std::pair<std::string, std::string>>& candidates) {
  using Verdict = CheckpointJudge::Verdict;
  bool consistent = true;
  for (const std::string& path : {receipt + ".checkpoint", receipt + ".witnessed"}) {
    auto kept = read_kept(path, config);
    if (!kept)
      return fail(kept.error());
    if (!kept->has_value())
      continue;
    const Verdict v =
        judge.judge(**kept, fill(tr("THE CHECKPOINT KEPT IN {1}"), {protocol::printable(path)}));
    if (v == Verdict::ahead) {
      auto c = protocol::verify_board_checkpoint(**kept, config.board_vkey);
      return fail(fill(tr("cannot check yet: {1} (kept in {2})"),
                       {older_than(latest_size, c ? c->checkpoint.size : 0), path}));
    }
    if (v == Verdict::unreadable)
      return 1;
    consistent = consistent && v == Verdict::consistent;
    if (path.ends_with(".witnessed"))
      candidates.emplace_back(**kept, fill(tr("kept in {1}"), {protocol::printable(path)}));
  }
  if (ask_witnesses && config.policy.quorum != tlog::kQuorumNone)
    consistent = judge_witness_views(config, judge, candidates) && consistent;
  auto witnessed_note = source.witnessed_checkpoint();
  if (witnessed_note && witnessed_note->has_value() &&
      protocol::verify_board_checkpoint(**witnessed_note, config.board_vkey)) {
    const Verdict v = judge.judge(**witnessed_note, tr("THE BOARD'S WITNESSED CHECKPOINT"));
    if (v == Verdict::unreadable)
      return 1;
    consistent = consistent && v != Verdict::fork && v != Verdict::unproven;
    if (v == Verdict::consistent)
      candidates.emplace_back(**witnessed_note, tr("the board's witnessed checkpoint"));
  }
  if (!consistent)
    return keep_receipt(receipt);
  return std::nullopt;
}

}  // namespace

int check(const CheckOptions& o) {
  if (o.receipt.empty() && o.code.empty())
    return fail(tr("which ballot? give its receipt file, or --record FILE --code TRACKING-CODE"));
  if (!o.code.empty())
    return check_code(o);
  auto text = read_bytes_file(o.receipt);
  if (!text)
    return fail(text.error());
  auto parts = protocol::parse_receipt(*text);
  if (!parts)
    return fail(fill(tr("{1} is not a senim receipt: {2}"), {o.receipt, explain(parts.error())}));
  auto opened = open_source(o, *parts);
  if (!opened)
    return fail(opened.error());
  const std::string* location = &opened->location;
  protocol::LogSource* source = opened->log.get();
  // The election the source serves: its set-up (leaf 0) and latest checkpoint.
  auto served = protocol::read_served_election(*source);
  if (!served)
    return fail(fill(opened->record ? tr("cannot read the record {1}: {2}")
                                    : tr("cannot read the board's log at {1}: {2}"),
                     {*location, explain(served.error())}));
  const protocol::ElectionConfig& config = served->config;
  const std::string receipt_origin =
      parts->file.checkpoint.substr(0, parts->file.checkpoint.find('\n'));
  if (receipt_origin != config.log_origin ||
      parts->parsed.statement.election_id() != config.election_id()) {
    return fail(fill(opened->record
                         ? tr("the record {1} is not of the board that gave this receipt (it "
                              "holds election \"{2}\" under log {3}; the receipt names \"{4}\" "
                              "and {5})")
                         : tr("the board at {1} is not the one that gave this receipt (it holds "
                              "election \"{2}\" under log {3}; the receipt names \"{4}\" and "
                              "{5})"),
                     {*location, protocol::printable(config.election_id()),
                      protocol::printable(config.log_origin),
                      protocol::printable(parts->parsed.statement.election_id()),
                      protocol::printable(receipt_origin)}));
  }
  auto checked = protocol::verify_receipt(*text, config);
  if (!checked)
    return fail(fill(tr("the receipt itself does not check: {1}"), {explain(checked.error())}));
  const tlog::Checkpoint& mine = checked->checkpoint.checkpoint;
  const tlog::Checkpoint& latest = served->latest.checkpoint;
  if (mine.size > latest.size && opened->record) {
    return fail(fill(tr("the record ends at {1} entries, before the {2} of your receipt: it is "
                        "not the board's final record (ask for a later one)"),
                     {std::to_string(latest.size), std::to_string(mine.size)}));
  }
  CheckpointJudge judge(config, *source, served->latest, evidence_place(o.evidence_out, o.receipt));
  const auto verdict = judge.judge(parts->file.checkpoint, tr("YOUR RECEIPT"));
  if (verdict == CheckpointJudge::Verdict::ahead) {
    return fail(fill(tr("cannot check yet: {1} (a mirror that is behind? try again later, or "
                        "another source)"),
                     {older_than(latest.size, mine.size)}));
  }
  if (verdict == CheckpointJudge::Verdict::unreadable)
    return 1;
  if (verdict != CheckpointJudge::Verdict::consistent)
    return keep_receipt(o.receipt);
  if (auto s = protocol::verify_leaf(checked->parts.file.index, checked->parts.leaf_hash, latest,
                                     *source);
      !s) {
    fail(fill(tr("THE BOARD IS NOT CONSISTENT WITH YOUR RECEIPT: your ballot is not in the "
                 "board's current log: {1}"),
              {explain(s.error())}));
    return keep_receipt(o.receipt);
  }
  const std::string kept_path = o.receipt + ".checkpoint";
  const std::string witnessed_path = o.receipt + ".witnessed";
  std::vector<std::pair<std::string, std::string>> candidates;
  const bool ask_witnesses = !opened->record && o.mirror.empty();
  if (auto stop = judge_the_others(o.receipt, config, latest.size, ask_witnesses, *source, judge,
                                   candidates))
    return *stop;
  if (auto w = write_bytes_file(kept_path, served->latest.note); !w)
    return fail(w.error());
  const std::string index = std::to_string(checked->parts.file.index);
  if (opened->record) {
    std::cout << fill(tr("your ballot (entry {1}) is in the record, and the record's log of {2} "
                         "entries, signed by the board, extends the {3} it had when it gave you "
                         "the receipt"),
                      {index, std::to_string(latest.size), std::to_string(mine.size)})
              << "\n"
              << fill(tr("checked offline against {1}; its last checkpoint is kept in {2}"),
                      {protocol::printable(*location), kept_path})
              << "\n";
  } else {
    std::cout << fill(tr("your ballot (entry {1}) is on the board, and the board's log of {2} "
                         "entries extends the {3} it had when it gave you the receipt"),
                      {index, std::to_string(latest.size), std::to_string(mine.size)})
              << "\n"
              << fill(tr("checked against {1}; its latest checkpoint is kept in {2}"),
                      {protocol::printable(*location), kept_path})
              << "\n";
  }
  auto witnessed = report_witnesses(config, served->latest.note, mine, candidates);
  if (!witnessed) {
    return fail(fill(
        opened->record ? tr("a witness cosignature on the record's checkpoint does not check: {1}")
                       : tr("a witness cosignature on the board's checkpoint does not check: {1}"),
        {explain(witnessed.error())}));
  }
  if (auto s = keep_witnessed(witnessed_path, *witnessed); !s)
    return fail(s.error());
  if (opened->record)
    show_record_status(*opened->record, checked->parts.file.index, checked->parts.parsed);
  else
    show_status(*location, *source, checked->parts);
  return 0;
}

}  // namespace senim::client
