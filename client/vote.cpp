// `senim vote` and `senim check`: the voter's side (docs/voter-guide.md).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "client/board_client.hpp"
#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/credential_lines.hpp"
#include "client/key_files.hpp"
#include "client/language.hpp"
#include "client/output_file.hpp"
#include "client/replica.hpp"
#include "proto/files.pb.h"
#include "protocol/ballot.hpp"
#include "protocol/entry.hpp"
#include "protocol/receipt.hpp"
#include "protocol/result_table.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/tracking_code.hpp"
#include "protocol/voter_view.hpp"

namespace senim::client {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) {
    if (!part.empty())
      out.push_back(part);
  }
  return out;
}

// Renames an existing file to PATH.1, PATH.2, … (X.1.tlog-proof for
// X.tlog-proof: the extension stays last); returns the new name, or "".
std::string keep_existing(const std::string& path) {
  if (!std::filesystem::exists(path))
    return {};
  constexpr std::string_view kExtension = ".tlog-proof";
  const bool proof = path.ends_with(kExtension) && path.size() > kExtension.size();
  const std::string stem = proof ? path.substr(0, path.size() - kExtension.size()) : path;
  for (int n = 1;; ++n) {
    const std::string kept =
        stem + "." + std::to_string(n) + (proof ? std::string(kExtension) : std::string());
    if (!std::filesystem::exists(kept)) {
      std::error_code ec;
      std::filesystem::rename(path, kept, ec);
      return ec ? std::string() : kept;
    }
  }
}

// The option ids the voter named, per contest: the vote itself, so wiped when
// parsing ends, whatever the outcome (docs/threat-model.md).
struct Picked {
  std::map<std::string, std::vector<std::string>> ids;
  Picked() = default;
  Picked(const Picked&) = delete;
  Picked& operator=(const Picked&) = delete;
  ~Picked() {
    for (auto& entry : ids) {
      for (auto& id : entry.second)
        wipe_string(id);
    }
  }
};

// --choose CONTEST=OPTION[,OPTION…] (or CONTEST=blank) into 0/1 choices.
Expected<protocol::BallotChoices> parse_choices(const v1::Manifest& m,
                                                const std::vector<std::string>& flags) {
  Picked picked;
  for (const auto& flag : flags) {
    const auto eq = flag.find('=');
    if (eq == std::string::npos) {
      return make_error(Errc::invalid_argument,
                        fill(tr("--choose takes CONTEST=OPTION[,OPTION…], not \"{1}\""), {flag}));
    }
    const std::string contest = flag.substr(0, eq);
    auto options = split(flag.substr(eq + 1), ',');
    if (options.empty()) {
      return make_error(
          Errc::invalid_argument,
          fill(tr("--choose {1}= names no option; for a blank vote say --choose {1}=blank"),
               {contest}));
    }
    if (options.size() == 1 && options[0] == protocol::kBlankWord)
      options.clear();
    if (picked.ids.count(contest) != 0) {
      return make_error(Errc::invalid_argument,
                        fill(tr("contest \"{1}\" is chosen twice"), {contest}));
    }
    picked.ids[contest] = std::move(options);
  }
  protocol::BallotChoices choices;
  for (const auto& contest : m.contests()) {
    auto it = picked.ids.find(contest.id());
    if (it == picked.ids.end()) {
      return make_error(
          Errc::invalid_argument,
          fill(tr("no choice for contest \"{1}\" (say --choose {1}=OPTION)"), {contest.id()}));
    }
    protocol::ChoiceRow row(static_cast<std::size_t>(contest.options_size()), 0);
    for (const auto& id : it->second) {
      bool found = false;
      for (int o = 0; o < contest.options_size(); ++o) {
        if (contest.options(o).id() != id)
          continue;
        if (row[static_cast<std::size_t>(o)] != 0) {
          return make_error(
              Errc::invalid_argument,
              fill(tr("contest \"{1}\": option \"{2}\" is chosen twice"), {contest.id(), id}));
        }
        row[static_cast<std::size_t>(o)] = 1;
        found = true;
      }
      if (!found) {
        std::string valid;
        for (const auto& option : contest.options())
          valid += (valid.empty() ? "" : ", ") + option.id();
        return make_error(Errc::invalid_argument,
                          fill(tr("contest \"{1}\" has no option \"{2}\" (its options: {3})"),
                               {contest.id(), id, valid}));
      }
    }
    for (auto& id : it->second)
      wipe_string(id);
    picked.ids.erase(it);
    choices.contests.push_back(std::move(row));
  }
  if (!picked.ids.empty())
    return make_error(Errc::invalid_argument,
                      fill(tr("there is no contest \"{1}\""), {picked.ids.begin()->first}));
  return choices;
}

// The prompt for one contest: how many options to give, and how.
std::string how_to_choose(const v1::Contest& contest) {
  const std::string min = std::to_string(contest.min_selections());
  const std::string max = std::to_string(contest.max_selections());
  if (contest.min_selections() == contest.max_selections())
    return fill(tr("choose {1} (numbers separated by spaces): "), {max});
  if (contest.min_selections() == 0)
    return fill(tr("choose from {1} to {2} (numbers separated by spaces; empty for blank): "),
                {min, max});
  return fill(tr("choose from {1} to {2} (numbers separated by spaces): "), {min, max});
}

// Asks for each contest on the terminal.
protocol::BallotChoices prompt_choices(const v1::Manifest& m, const std::string& lang) {
  protocol::BallotChoices choices;
  for (const auto& contest : m.contests()) {
    while (true) {
      std::cout << "\n" << localized(contest.title(), lang) << "\n";
      for (int o = 0; o < contest.options_size(); ++o) {
        std::cout << "  " << o + 1 << ". " << localized(contest.options(o).label(), lang) << "\n";
      }
      std::cout << how_to_choose(contest) << std::flush;
      std::string line;
      if (!std::getline(std::cin, line))
        std::exit(fail(tr("no answer on the terminal; nothing was cast")));
      protocol::ChoiceRow row(static_cast<std::size_t>(contest.options_size()), 0);
      bool ok = true;
      std::uint32_t count = 0;
      for (const auto& token : split(line, ' ')) {
        char* end = nullptr;
        const long n = std::strtol(token.c_str(), &end, 10);
        if (*end != '\0' || n < 1 || n > contest.options_size() ||
            row[static_cast<std::size_t>(n - 1)] != 0) {
          ok = false;
          break;
        }
        row[static_cast<std::size_t>(n - 1)] = 1;
        ++count;
      }
      wipe_string(line);  // the voter's answer is the vote
      if (ok && count >= contest.min_selections() && count <= contest.max_selections()) {
        choices.contests.push_back(std::move(row));
        break;
      }
      std::cout << tr("that is not a valid choice for this contest; try again") << "\n";
    }
  }
  return choices;
}

std::string describe(const v1::Manifest& m, const protocol::BallotChoices& c,
                     const std::string& lang) {
  std::ostringstream out;
  for (int i = 0; i < m.contests_size(); ++i) {
    const auto& contest = m.contests(i);
    out << "  " << localized(contest.title(), lang) << ": ";
    std::string picked;
    for (int o = 0; o < contest.options_size(); ++o) {
      if (c.contests[static_cast<std::size_t>(i)][static_cast<std::size_t>(o)] != 0) {
        picked += (picked.empty() ? "" : ", ") + localized(contest.options(o).label(), lang);
      }
    }
    out << (picked.empty() ? std::string(tr("(blank)")) : picked) << "\n";
  }
  return out.str();
}

struct Ballot {
  protocol::EncryptedBallot encrypted;
  std::string statement;
  Hash32 code{};
};

Expected<Ballot> encrypt(const protocol::ElectionState& state,
                         const protocol::CredentialKey& credential, std::uint32_t sequence,
                         const protocol::BallotChoices& choices) {
  const auto params = state.parameters();
  auto encrypted = protocol::encrypt_ballot(*params, credential.public_key(), sequence, choices);
  if (!encrypted)
    return encrypted.error();
  v1::Statement st;
  st.set_election_id(params->shape.election_id);
  *st.mutable_ballot() = encrypted->ballot;
  Ballot b{std::move(*encrypted), protocol::serialize(st), {}};
  b.code = protocol::tracking_code(as_bytes(b.statement));
  return b;
}

void show_code(const Hash32& code) {
  // The short code beside its label, the full code under it.
  const std::string label = tr("tracking code");
  std::cout << "\n"
            << label << "  " << protocol::short_tracking_code(code) << "\n"
            << std::string(protocol::text_width(label) + 2, ' ') << "(" << to_hex(code) << ")\n";
}

// Posts a Benaloh challenge and checks it as anyone could.
int challenge(BoardClient& board, const protocol::ElectionState& state,
              const protocol::CredentialKey& credential, const Ballot& ballot,
              const std::string& lang) {
  v1::Statement st;
  const auto params = state.parameters();
  st.set_election_id(params->shape.election_id);
  *st.mutable_challenge() = protocol::reveal_ballot(ballot.encrypted, ballot.statement);
  auto receipt = board.post("challenges", protocol::make_entry(credential, st));
  if (!receipt)
    return fail(receipt.error());
  auto opened = protocol::check_challenge(*params, params->shape.election_id, st.challenge(),
                                          credential.public_key());
  if (!opened)
    return fail(
        fill(tr("the challenged ballot does NOT open correctly: {1}"), {explain(opened.error())}));
  std::cout << fill(tr("challenged: ballot {1} is on the board (entry {2}) with its secrets "
                       "revealed, and it encrypts exactly:"),
                    {protocol::short_tracking_code(ballot.code),
                     std::to_string(receipt->leaf_index())})
            << "\n"
            << describe(state.config()->setup.manifest(), opened->choices, lang)
            << tr("it will never be counted; anyone can re-check it on the board") << "\n";
  return 0;
}

// Why the board gave no voter view, in the voter's words: before the open,
// an unlisted credential, or a board of another election (the board's word,
// from GET /v1/election); otherwise the board's own refusal.
Error explain_missing_view(BoardClient& board, const std::string& server,
                           const std::string& election_id, const Error& refused) {
  const bool before_open = refused.message.find("(wrong_phase, HTTP 409)") != std::string::npos;
  const bool unlisted = refused.message.find("(not_found, HTTP 404)") != std::string::npos;
  if (!before_open && !unlisted)
    return refused;
  auto info = board.info();
  if (info && info->election_id() != election_id) {
    return make_error(
        Errc::invalid_argument,
        fill(tr("the board at {1} does not hold election \"{2}\""), {server, election_id}));
  }
  if (before_open)
    return make_error(Errc::wrong_phase, tr("voting has not opened yet"));
  return make_error(Errc::not_found,
                    fill(tr("this credential is not on the election's credential list ({1})"),
                         {refused.message}));
}

// What the checkpoint of a voter's view is worth (docs/protocol.md §11.6):
// said exactly, never more.
std::string witnessing(const protocol::CheckedVoterView& v, const tlog::Policy& policy) {
  std::ostringstream out;
  const std::string size = std::to_string(v.checkpoint.checkpoint.size);
  std::string cosigners;
  for (const auto& name : v.checkpoint.witnesses)
    cosigners += (cosigners.empty() ? "" : ", ") + protocol::printable(name);
  if (policy.quorum == tlog::kQuorumNone && cosigners.empty()) {
    out << fill(tr("proven in the board's checkpoint of {1} entries; the election names no "
                   "witnesses, so the set-up is checked against the board's word only"),
                {size});
  } else if (v.checkpoint.quorum_met) {
    out << fill(tr("proven in the board's checkpoint of {1} entries, cosigned by {2} (the "
                   "election's quorum): they saw this same log, and no other"),
                {size, cosigners});
  } else if (cosigners.empty()) {
    out << fill(tr("proven in the board's checkpoint of {1} entries, not yet witnessed: the "
                   "set-up is checked against the board's word only"),
                {size});
  } else {
    out << fill(tr("proven in the board's checkpoint of {1} entries, cosigned by {2} (not yet "
                   "the quorum): the set-up is checked against the board's word only"),
                {size, cosigners});
  }
  out << "\n";
  if (v.skipped > 0) {
    out << fill(trn("the other {1} entry before the opening is a credential list on the board's "
                    "word; senim-verify checks the whole board",
                    "the other {1} entries before the opening are credential lists on the "
                    "board's word; senim-verify checks the whole board",
                    v.skipped),
                {std::to_string(v.skipped)})
        << "\n";
  }
  return out.str();
}

// --show-download: what this vote downloaded, on stderr, however it ends.
class DownloadReport {
 public:
  DownloadReport(bool enabled, const BoardClient& board) : enabled_(enabled), board_(board) {}
  DownloadReport(const DownloadReport&) = delete;
  DownloadReport& operator=(const DownloadReport&) = delete;
  ~DownloadReport() {
    if (enabled_)
      std::cerr << "senim: "
                << fill(tr("downloaded {1} bytes from the board"),
                        {std::to_string(board_.bytes_received())})
                << "\n";
  }

 private:
  bool enabled_;
  const BoardClient& board_;
};

// docs/voter-guide.md §4: the choices, shown back in the voter's language
// before anything is encrypted; true when the voter confirms them. Yes and
// no are understood in all three languages, whatever the one spoken.
bool confirmed(const v1::Manifest& manifest, const protocol::BallotChoices& choices,
               const std::string& lang) {
  std::cout << "\n" << tr("your choices:") << "\n" << describe(manifest, choices, lang);
  static const std::set<std::string> kYes = {"y",  "Y",  "yes", "Yes", "YES", "и",  "И", "иә",
                                             "Иә", "ИӘ", "д",   "Д",   "да",  "Да", "ДА"};
  static const std::set<std::string> kNo = {"n",   "N",   "no", "No", "NO",  "ж",   "Ж",  "жоқ",
                                            "Жоқ", "ЖОҚ", "н",  "Н",  "нет", "Нет", "НЕТ"};
  while (true) {
    std::cout << tr("encrypt and send these choices (y = yes, n = no)? ") << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer))
      return false;
    if (kYes.count(answer) != 0)
      return true;
    if (kNo.count(answer) != 0)
      return false;
  }
}

}  // namespace

int vote(const VoteOptions& o) {
  // The choices are confirmed on the terminal, or by --yes: asked of a
  // pipe, the question would hang a script or read its next line as yes.
  if (!o.yes && ::isatty(STDIN_FILENO) == 0) {
    return fail(
        tr("cannot ask you to confirm your choices: the input is not a terminal; say "
           "--yes to vote without confirming (as scripts do); nothing was cast"));
  }
  v1::VoterCredentialFile file;
  if (auto s = read_voter_credential(o.credential, o.line, file); !s)
    return fail(s.error());
  if (file.election_id().empty() || file.server().empty()) {
    return fail(o.line == 0
                    ? fill(tr("{1} is not a voter credential file (it names no election or board)"),
                           {o.credential})
                    : fill(tr("line {2} of {1} is not a voter credential (it names no election or "
                              "board)"),
                           {o.credential, std::to_string(o.line)}));
  }
  auto credential = protocol::CredentialKey::from_seed(as_bytes(file.seed()));
  wipe_string(*file.mutable_seed());
  if (!credential)
    return fail(credential.error());
  // Where the receipt will go: checked now, so that a ballot is never cast
  // with nowhere to keep its receipt.
  const std::string receipt_path =
      !o.receipt.empty() ? o.receipt
      : o.line == 0      ? o.credential + ".tlog-proof"
                         : o.credential + "." + std::to_string(o.line) + ".tlog-proof";
  // The receipt's file is claimed before anything is posted: a ballot cast
  // whose receipt cannot be saved is the half-done command a voter must
  // never get.
  std::optional<ReservedFile> receipt_file;
  if (!o.challenge) {
    auto reserved = ReservedFile::reserve(receipt_path, 0644, true);
    if (!reserved) {
      return fail(fill(tr("cannot write the receipt to {1} ({2}); nothing was cast"),
                       {receipt_path, explain(reserved.error())}));
    }
    receipt_file.emplace(std::move(*reserved));
  }
  const std::string server = o.server.empty() ? file.server() : o.server;
  auto board = BoardClient::connect(server);
  if (!board)
    return fail(board.error());
  const DownloadReport report(o.show_download, *board);

  // Check the election's set-up ourselves, up to the opening of the vote,
  // from the entries this voter needs (docs/protocol.md §11.6).
  auto view = board->voter_view(credential->public_key());
  if (!view)
    return fail(explain_missing_view(*board, server, file.election_id(), view.error()));
  auto checked = protocol::check_voter_view(*view, file.election_id(), credential->public_key());
  if (!checked) {
    return fail(fill(tr("the board's view of the election does not check: {1}"),
                     {explain(checked.error())}));
  }
  // The view proves the open; whether voting has closed since is the
  // board's word (a closed board refuses the ballot anyway).
  auto info = board->info();
  if (!info)
    return fail(info.error());
  if (info->phase() != "voting")
    return fail(fill(tr("voting is over (the election is {1})"), {info->phase()}));
  const protocol::ElectionState& state = *checked->state;
  const auto* config = state.config();
  const v1::Manifest& manifest = config->setup.manifest();
  const auto trustees = config->ceremony.trustees;
  std::cout << localized(manifest.title(), o.lang) << " (" << config->election_id() << ")\n"
            << fill(trn("checked the set-up: {1} trustee, any {2} can decrypt; joint key {3}; "
                        "your credential is listed",
                        "checked the set-up: {1} trustees, any {2} can decrypt; joint key {3}; "
                        "your credential is listed",
                        trustees),
                    {std::to_string(trustees), std::to_string(config->ceremony.threshold),
                     to_hex(state.joint_key()->bytes).substr(0, 16) + "…"})
            << "\n"
            << witnessing(*checked, config->policy);

  const bool interactive = o.choose.empty() && ::isatty(STDIN_FILENO) != 0;
  protocol::BallotChoices choices;
  if (interactive) {
    choices = prompt_choices(manifest, o.lang);
  } else {
    auto parsed = parse_choices(manifest, o.choose);
    if (!parsed)
      return fail(parsed.error());
    choices = std::move(*parsed);
  }
  if (auto s = protocol::check_choices(config->shape, choices); !s)
    return fail(s.error());
  if (!o.yes && !confirmed(manifest, choices, o.lang))
    return fail(tr("you did not confirm your choices; nothing was encrypted or cast"));

  // §9.6: the next number after the board's last; the manifest caps them.
  // The board's word (§11.6): a lie gets the ballot refused, or skips numbers.
  const std::uint32_t last_sequence = checked->last_sequence;
  const std::uint32_t allowed = config->shape.max_ballots;
  if (last_sequence >= allowed) {
    return fail(fill(tr("this credential has cast {1} ballots, the most this election allows "
                        "(max_ballots_per_credential = {2}); your last ballot is the one counted"),
                     {std::to_string(last_sequence), std::to_string(allowed)}));
  }
  const std::uint32_t sequence = last_sequence + 1;

  auto ballot = encrypt(state, *credential, sequence, choices);
  if (!ballot)
    return fail(ballot.error());
  show_code(ballot->code);

  bool do_challenge = o.challenge;
  if (o.challenge_first) {
    if (int rc = challenge(*board, state, *credential, *ballot, o.lang); rc != 0)
      return rc;
    ballot = encrypt(state, *credential, sequence, choices);  // fresh nonces
    if (!ballot)
      return fail(ballot.error());
    std::cout << "\n" << tr("encrypted again for casting:");
    show_code(ballot->code);
  } else if (interactive && !o.challenge) {
    while (true) {
      std::cout << tr("cast this ballot (c) or challenge it to check the encryption (h)? ")
                << std::flush;
      std::string answer;
      if (!std::getline(std::cin, answer))
        return fail(tr("no answer on the terminal; nothing was cast"));
      if (answer == "c" || answer == "C")
        break;
      if (answer == "h" || answer == "H") {
        do_challenge = true;
        break;
      }
    }
  }
  if (do_challenge)
    return challenge(*board, state, *credential, *ballot, o.lang);

  const Bytes entry = protocol::make_entry_from_statement_bytes(*credential, ballot->statement);
  auto receipt = board->post("ballots", entry);
  if (!receipt)
    return fail(receipt.error());
  // docs/protocol.md §11.3: the receipt is for this entry, under a
  // checkpoint of this election.
  auto cast = protocol::verify_receipt(receipt->tlog_proof(), *config, &entry);
  if (!cast) {
    return fail(fill(tr("the board's receipt does not check: {1}"), {explain(cast.error())}));
  }
  // An earlier ballot's receipt stays evidence of what the board accepted: keep it.
  const std::string kept = keep_existing(receipt_path);
  if (auto s = receipt_file->commit(receipt->tlog_proof()); !s)
    return fail(s.error());
  const std::string index = std::to_string(cast->parts.file.index);
  const std::string size = std::to_string(cast->checkpoint.checkpoint.size);
  std::cout << (sequence > 1
                    ? fill(tr("cast: your ballot is entry {1} of the board, under a checkpoint "
                              "the board signed (size {2}) (it replaces your earlier ballot)"),
                           {index, size})
                    : fill(tr("cast: your ballot is entry {1} of the board, under a checkpoint "
                              "the board signed (size {2})"),
                           {index, size}))
            << "\n"
            << fill(tr("receipt saved to {1}; check it any time with `senim check {1}`"),
                    {receipt_path})
            << "\n";
  if (!kept.empty())
    std::cout << fill(tr("your earlier receipt is kept as {1}"), {kept}) << "\n";
  return 0;
}

int credential_keygen(const CredentialOptions& o) {
  if (o.election_id.empty() || o.server.empty()) {
    return fail(tr("say which election (--election) and board (--server) the credential is for"));
  }
  // The election and the district are checked against the set-up on the
  // board: a credential for an election or district it does not hold could
  // never vote, and its holder would learn that only on election day.
  auto board = BoardClient::connect(o.server);
  if (!board)
    return fail(board.error());
  Replica replica;
  if (auto s = replica.sync(*board,
                            [](const protocol::ParsedEntry& e) { return e.statement.has_setup(); });
      !s) {
    return fail(s.error());
  }
  const auto* config = replica.state().config();
  if (config == nullptr || config->election_id() != o.election_id) {
    return fail(fill(tr("the board at {1} does not hold election \"{2}\"; no credential was made"),
                     {o.server, o.election_id}));
  }
  if (!config->shape.district_index(o.district)) {
    std::string known;
    for (const auto& d : config->shape.districts)
      known += (known.empty() ? "" : ", ") + d;
    if (o.district.empty())
      return fail(fill(tr("say your district with --district: one of {1}"), {known}));
    return fail(
        config->shape.districts.size() == 1 && config->shape.districts[0].empty()
            ? fill(tr("election \"{1}\" has no districts; leave out --district"), {o.election_id})
            : fill(tr("election \"{1}\" has no district \"{2}\" (it has {3}); no "
                      "credential was made"),
                   {o.election_id, o.district, known}));
  }
  const auto key = protocol::CredentialKey::generate();
  v1::VoterCredentialFile file;
  file.set_election_id(o.election_id);
  file.set_server(o.server);
  file.set_district(o.district);
  Bytes seed = key.seed();
  file.set_seed(to_string(seed));
  wipe(seed);
  const Status written = write_message_file(o.out, file, Secrecy::secret_file);
  wipe_string(*file.mutable_seed());
  if (!written)
    return fail(written.error());
  std::cerr << fill(tr("credential written to {1} (keep it secret); give the election authority "
                       "this line, and nothing else:"),
                    {o.out})
            << "\n";
  std::cout << to_hex(key.public_key()) << (o.district.empty() ? "" : " " + o.district) << "\n";
  return 0;
}

}  // namespace senim::client
