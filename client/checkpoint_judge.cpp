#include "client/checkpoint_judge.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <iostream>
#include <map>

#include "client/common.hpp"
#include "client/language.hpp"
#include "net/http_client.hpp"
#include "protocol/fork_evidence.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/witness_quorum.hpp"
#include "tlog/note.hpp"
#include "tlog/vkey.hpp"
#include "tlog/witness_protocol.hpp"

namespace senim::client {
namespace {

constexpr std::chrono::milliseconds kWitnessTimeout{10'000};

std::string size_of(const tlog::Checkpoint& c) {
  return fill(tr("size {1}"), {std::to_string(c.size)});
}

// A comparison's detail, from the shared code (English), after its kind in
// the voter's language.
std::string detail(Errc code, const std::string& message) {
  return explain(Error{code, message});
}

// The evidence's own sentence (English, shared with senim-verify) after
// what it means, in the voter's language.
std::string why_a_fork(const std::string& explanation) {
  if (spoken_language() == "en")
    return explanation;
  return fill(tr("{1} (in English: {2})"),
              {tr("the two checkpoints cannot both be true"), explanation});
}

}  // namespace

EvidencePlace evidence_place(const std::string& evidence_out, const std::string& receipt) {
  if (!evidence_out.empty())
    return {evidence_out, ""};
  const std::filesystem::path path(receipt);
  const std::string dir = path.parent_path().string();
  return {dir.empty() ? "." : dir, path.filename().string() + "."};
}

CheckpointJudge::CheckpointJudge(const protocol::ElectionConfig& config,
                                 protocol::LogSource& source, protocol::BoardCheckpoint latest,
                                 EvidencePlace place)
    : config_(config), source_(source), latest_(std::move(latest)), place_(std::move(place)) {}

// docs/protocol.md §11.3, "Checking it later": the two are compared from the
// tiles of the larger tree the source serves (§14.6, "Writing it").
CheckpointJudge::Verdict CheckpointJudge::judge(const std::string& note, const std::string& what) {
  auto seen = protocol::verify_board_checkpoint(note, config_.board_vkey);
  if (!seen) {
    fail(fill(tr("{1} is not a checkpoint of this election: {2}"), {what, explain(seen.error())}));
    return Verdict::unproven;
  }
  const tlog::Checkpoint& c = seen->checkpoint;
  const tlog::Checkpoint& l = latest_.checkpoint;
  const auto compared = protocol::compare_checkpoints(tlog::format_vkey(config_.board_vkey), note,
                                                      latest_.note, &source_);
  using Outcome = protocol::CheckpointComparison::Outcome;
  if (compared.outcome == Outcome::consistent)
    return Verdict::consistent;
  if (compared.outcome == Outcome::unproven && c.size > l.size)
    return Verdict::ahead;
  if (compared.outcome == Outcome::unproven &&
      (compared.code == Errc::io_error || compared.code == Errc::not_found)) {
    fail(fill(tr("cannot compare {1} ({2}) with the log at {3}: {4} (try again later, or another "
                 "source)"),
              {what, size_of(c), source_.where(), detail(compared.code, compared.message)}));
    return Verdict::unreadable;
  }
  const std::string against = fill(tr("THE BOARD IS NOT CONSISTENT WITH {1} ({2}; the log at {3} "
                                      "has {4})"),
                                   {what, size_of(c), source_.where(), size_of(l)});
  if (compared.outcome == Outcome::unproven) {
    fail(fill(tr("{1}: it does not prove that one extends the other: {2}"),
              {against, detail(compared.code, compared.message)}));
    std::cerr << fill(tr("the board would not give the proof: keep both checkpoints ({1} and the "
                         "board's), and ask it again or another source"),
                      {what})
              << "\n";
    return Verdict::unproven;
  }
  auto proven = protocol::verify_fork_evidence(*compared.evidence);
  fail(against + ": " + (proven ? why_a_fork(proven->explanation) : tr("a fork")));
  std::error_code ec;
  std::filesystem::create_directories(place_.dir, ec);
  auto kept = protocol::keep_fork_evidence(*compared.evidence, place_.dir, place_.prefix);
  if (!kept) {
    fail(fill(tr("the fork evidence could not be written: {1}"), {explain(kept.error())}));
    return Verdict::fork;
  }
  written_.push_back(*kept);
  std::cerr << fill(tr("fork evidence written to {1}: anyone can check it offline with "
                       "`senim-verify --evidence {1}`"),
                    {protocol::printable(*kept)})
            << "\n";
  return Verdict::fork;
}

namespace {

// One witness's answer to GET <url>/<origin hash>/checkpoint, judged.
WitnessView ask_witness(const protocol::ElectionConfig& config, const tlog::PolicyWitness& w,
                        const std::string& target) {
  WitnessView view{w.name, w.url, std::nullopt, {}};
  auto http = net::HttpClient::create(w.url, net::ClientOptions{kWitnessTimeout, 1 << 20});
  auto answer = http ? http->get(target) : Expected<net::HttpResponse>(http.error());
  if (!answer) {
    view.trouble = fill(tr("cannot be reached: {1}"), {explain(answer.error())});
  } else if (answer->status == 404) {
    view.trouble = tr("has cosigned no checkpoint of this log yet");
  } else if (answer->status != 200) {
    view.trouble = fill(tr("answers HTTP {1}"), {std::to_string(answer->status)});
  } else if (auto board = protocol::verify_board_checkpoint(answer->body, config.board_vkey);
             !board) {
    view.trouble =
        fill(tr("serves a checkpoint the board did not sign: {1}"), {explain(board.error())});
  } else if (auto cosigned = protocol::witnessing(answer->body, config.policy); !cosigned) {
    view.trouble = fill(tr("serves a checkpoint whose cosignature does not verify: {1}"),
                        {explain(cosigned.error())});
  } else if (cosigned->witnesses.count(w.name) == 0) {
    view.trouble = tr("serves a checkpoint without its own cosignature");
  } else {
    view.checkpoint = std::move(*board);
  }
  return view;
}

}  // namespace

// tlog-witness, "Monitor Retrieval Mechanism": every witness asked at once,
// so that the check waits for the slowest, not for their sum.
std::vector<WitnessView> ask_witnesses(const protocol::ElectionConfig& config) {
  const std::string target = "/" + tlog::origin_hash_hex(config.log_origin) + "/checkpoint";
  std::vector<std::future<WitnessView>> asked;
  for (const tlog::PolicyWitness& w : config.policy.witnesses) {
    if (!w.url.empty())
      asked.push_back(std::async(std::launch::async, ask_witness, std::cref(config), std::cref(w),
                                 std::cref(target)));
  }
  std::vector<WitnessView> out;
  out.reserve(asked.size());
  for (auto& a : asked)
    out.push_back(a.get());
  return out;
}

std::vector<MergedView> merged_witness_views(const std::vector<WitnessView>& views) {
  // By checkpoint text: the board's signature once, every cosignature.
  std::map<std::string, std::pair<tlog::Note, MergedView>> merged;
  for (const WitnessView& v : views) {
    if (!v.checkpoint)
      continue;
    auto note = tlog::parse_note(v.checkpoint->note);
    if (!note)
      continue;
    auto [it, fresh] = merged.try_emplace(note->text, *note, MergedView{});
    auto& [into, view] = it->second;
    view.size = v.checkpoint->checkpoint.size;
    view.witnesses.push_back(v.name);
    for (const tlog::NoteSignature& s : note->signatures) {
      if (std::find(into.signatures.begin(), into.signatures.end(), s) == into.signatures.end())
        into.signatures.push_back(s);
    }
  }
  std::vector<MergedView> out;
  for (auto& [text, entry] : merged) {
    entry.second.note = tlog::format_note(entry.first);
    out.push_back(std::move(entry.second));
  }
  std::sort(out.begin(), out.end(),
            [](const MergedView& a, const MergedView& b) { return a.size > b.size; });
  return out;
}

}  // namespace senim::client
