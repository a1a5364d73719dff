// `senim admin …`: the election authority (docs/operator-guide.md).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "client/board_client.hpp"
#include "client/ceremony_view.hpp"
#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/credential_lines.hpp"
#include "client/followed_replica.hpp"
#include "client/key_files.hpp"
#include "client/output_file.hpp"
#include "client/replica.hpp"
#include "proto/files.pb.h"
#include "protocol/board_checkpoint.hpp"
#include "protocol/box_key.hpp"
#include "protocol/decryption.hpp"
#include "protocol/entry.hpp"
#include "protocol/manifest_rules.hpp"
#include "protocol/signing.hpp"
#include "protocol/text_rules.hpp"
#include "protocol/tracking_code.hpp"

namespace senim::client {
namespace {

Expected<protocol::SigningKey> load_authority(const std::string& path) {
  v1::AuthorityKeyFile file;
  if (auto s = read_message_file(path, file); !s)
    return s.error();
  auto key = protocol::SigningKey::from_seed(as_bytes(file.seed()));
  wipe_string(*file.mutable_seed());
  return key;
}

// The board's election is one whose authority `key` is.
Status check_authority(const protocol::ElectionConfig* config, const protocol::SigningKey& key) {
  if (config == nullptr)
    return make_error(Errc::wrong_phase, "the board holds no election yet");
  if (!(config->authority == key.public_key())) {
    return make_error(Errc::not_authorized, "this key is not the authority of election \"" +
                                                config->election_id() + "\"");
  }
  return Status::success();
}

// Connects, and checks the board's election with the authority's key.
struct Session {
  BoardClient board;
  protocol::SigningKey key;
  Replica replica;
  std::unique_ptr<FollowedReplica> followed;  // --replica, instead of `replica`
  // What the commands before voting act on, from whichever replica synced.
  CeremonyView view() const { return followed ? ceremony_view(*followed) : ceremony_view(replica); }
  // The election, once either replica checked that this key is its authority.
  const protocol::ElectionConfig* config = nullptr;
};

// --replica DIR: the authority's followed replica, brought up to the board
// and required to pass, whose set-up names this key as the authority.
Expected<std::unique_ptr<FollowedReplica>> current_replica(const AdminOptions& o,
                                                           const Session& s) {
  auto replica = open_current_replica({o.replica, o.server, 50'000, false});
  if (!replica)
    return replica.error();
  if (auto c = check_authority((*replica)->config(), s.key); !c)
    return c.error();
  return replica;
}

// With `sync`, the board's entries checked: by the replica named with
// --replica (only what is new since it last looked), or by a full one.
Expected<Session> start(const AdminOptions& o, bool sync = true) {
  auto key = load_authority(o.key);
  if (!key)
    return key.error();
  auto board = BoardClient::connect(o.server);
  if (!board)
    return board.error();
  Session s{std::move(*board), std::move(*key), Replica(), nullptr, nullptr};
  if (sync && !o.replica.empty()) {
    auto followed = current_replica(o, s);
    if (!followed)
      return followed.error();
    s.followed = std::move(*followed);
    s.config = s.followed->config();
  } else if (sync) {
    if (auto st = s.replica.sync(s.board); !st)
      return st.error();
    if (auto c = check_authority(s.replica.state().config(), s.key); !c)
      return c.error();
    s.config = s.replica.state().config();
  }
  return s;
}

v1::Statement statement_for(const Session& s) {
  v1::Statement st;
  st.set_election_id(s.config->election_id());
  return st;
}

int post(Session& s, const v1::Statement& st, const std::string& what) {
  auto receipt = s.board.post(post_path(st), protocol::make_entry(s.key, st));
  if (!receipt)
    return fail(receipt.error());
  std::cout << what << " (board entry " << receipt->leaf_index() << ")\n";
  return 0;
}

v1::Statement statement_for(const protocol::ElectionConfig& config) {
  v1::Statement st;
  st.set_election_id(config.election_id());
  return st;
}

int post_tally(Session& s, const v1::Statement& st) {
  std::uint64_t counted = 0;
  for (const auto& d : st.tally().districts())
    counted += d.ballots_counted();
  return post(s, st,
              "encrypted tally of " + std::to_string(counted) + " counted ballots posted (" +
                  std::to_string(st.tally().superseded_count()) +
                  " superseded by re-votes); trustees may decrypt");
}

// One line per count, for scripts: district (or "total"), contest, option (or "blank"), count.
std::string count_lines(const v1::Manifest& m, const v1::Result& r) {
  std::ostringstream out;
  auto lines = [&](const std::string& district, const v1::DistrictResult& d) {
    for (int c = 0; c < m.contests_size(); ++c) {
      const auto& contest = m.contests(c);
      for (int o = 0; o < contest.options_size(); ++o) {
        out << district << '\t' << contest.id() << '\t' << contest.options(o).id() << '\t'
            << d.contests(c).options(o) << '\n';
      }
      if (contest.min_selections() == 0) {
        out << district << '\t' << contest.id() << "\tblank\t" << d.contests(c).blank() << '\n';
      }
    }
  };
  for (const auto& d : r.districts())
    lines(d.district().empty() ? "all" : d.district(), d);
  lines("total", r.total());
  return out.str();
}

// docs/protocol.md §6.3.1: a trustee's public file serves one ceremony. Its
// box key must carry the trustee's signature for this election on this
// board; the board and every verifier refuse any other (check_setup), and
// this says so before anything is posted, with what to do about it.
Status check_trustee_file(const std::string& path, const v1::TrusteePublicFile& file,
                          const std::string& election_id, const protocol::PublicKey& board_key,
                          const std::string& server) {
  const std::string remedy = "; ask the trustee to run `senim trustee box-key --election " +
                             election_id + " --server " + server + "` and give you the new file";
  protocol::PublicKey signing{};
  crypto::BoxPublicKey box{};
  if (!copy_exact(file.signing_key(), signing) || !copy_exact(file.box_key(), box) ||
      file.box_key_signature().empty()) {
    return make_error(
        Errc::invalid_length,
        path + " has no signed box key (it is not from `senim trustee box-key`)" + remedy);
  }
  if (file.election_id() != election_id || !same_bytes(file.board_key(), board_key)) {
    return make_error(Errc::invalid_argument,
                      path + " holds a box key made for election \"" + file.election_id() +
                          "\" on board " + short_hex(as_bytes(file.board_key())) +
                          ", not for election \"" + election_id + "\" on this board (" +
                          short_hex(board_key) + "); a box key serves one ceremony only" + remedy);
  }
  if (auto s = protocol::verify_box_key_signature(signing, election_id, board_key, box,
                                                  as_bytes(file.box_key_signature()));
      !s) {
    return make_error(s.error().code, path + ": " + s.error().message + remedy);
  }
  return Status::success();
}

}  // namespace

std::string default_log_origin(const std::string& public_url, const std::string& election_id) {
  std::string prefix = public_url;
  if (const auto scheme = prefix.find("://"); scheme != std::string::npos)
    prefix = prefix.substr(scheme + 3);
  while (!prefix.empty() && prefix.back() == '/')
    prefix.pop_back();
  return prefix + "/" + election_id;
}

int admin_keygen(const AdminOptions& o) {
  const auto key = protocol::SigningKey::generate();
  v1::AuthorityKeyFile file;
  Bytes seed = key.seed();
  file.set_seed(to_string(seed));
  wipe(seed);
  if (auto s = write_message_file(o.out, file, Secrecy::secret_file); !s)
    return fail(s.error());
  wipe_string(*file.mutable_seed());
  std::cout << "authority key written to " << o.out << " (keep it secret)\n"
            << "public key " << to_hex(key.public_key()) << "\n";
  return 0;
}

namespace {

Expected<v1::Manifest> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return make_error(Errc::io_error, "cannot read manifest " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto manifest = protocol::manifest_from_json(text.str());
  if (!manifest)
    return manifest.error();
  if (auto shape = protocol::check_manifest(*manifest); !shape)
    return shape.error();
  return manifest;
}

// create --check: the manifest's rules (docs/protocol.md §8.1), offline.
int check_manifest_only(const AdminOptions& o) {
  auto manifest = read_manifest(o.manifest);
  if (!manifest)
    return fail(manifest.error());
  const auto shape = protocol::check_manifest(*manifest);
  std::cout << "manifest " << o.manifest << " is well formed (docs/protocol.md §8.1): election "
            << protocol::quoted(manifest->election_id()) << ", " << shape->contests.size()
            << " contest(s), " << manifest->districts_size() << " district(s), languages";
  for (const auto& l : manifest->languages())
    std::cout << " " << protocol::printable(l);
  std::cout << ", at most " << shape->max_ballots << " ballot(s) per credential\n"
            << "nothing was created; the set-up's size and the trustees are checked by `senim "
               "admin create` itself\n";
  return 0;
}

}  // namespace

int admin_create(const AdminOptions& o) {
  if (o.check_only)
    return check_manifest_only(o);
  if (o.key.empty())
    return fail("name the authority's key file with --key");
  if (o.trustees.empty())
    return fail("name the trustees' public files with --trustee");
  auto s = start(o, false);
  if (!s)
    return fail(s.error());
  auto id = s->board.identity();
  if (!id)
    return fail(id.error());
  if (!id->info.election_id().empty()) {
    return fail("the board at " + o.server + " already holds election " +
                protocol::quoted(id->info.election_id()));
  }
  auto manifest = read_manifest(o.manifest);
  if (!manifest)
    return fail(manifest.error());
  if (o.trustees.empty())
    return fail("name the trustees' public files with --trustee");
  const auto n = static_cast<std::uint32_t>(o.trustees.size());
  if (o.threshold < 1 || o.threshold > n) {
    return fail("the threshold must be between 1 and the number of trustees (" + std::to_string(n) +
                ")");
  }
  v1::Statement st;
  st.set_election_id(manifest->election_id());
  auto* setup = st.mutable_setup();
  *setup->mutable_manifest() = *manifest;
  setup->set_authority_key(to_string(s->key.public_key()));
  const protocol::PublicKey& board_key = id->key;
  setup->set_board_key(to_string(board_key));
  setup->set_threshold(o.threshold);
  // §8.2: the board's public URL without its scheme and trailing slashes,
  // then the election id, unless --origin says otherwise.
  const std::string origin =
      o.origin.empty() ? default_log_origin(id->info.public_url(), manifest->election_id())
                       : o.origin;
  if (auto c = protocol::check_log_origin(origin); !c)
    return fail("--origin \"" + protocol::printable(origin) + "\": " + c.error().message);
  setup->set_log_origin(origin);
  for (const auto& path : o.trustees) {
    v1::TrusteePublicFile t;
    if (auto r = read_public_file(path, t); !r)
      return fail(r.error());
    if (auto c = check_trustee_file(path, t, manifest->election_id(), board_key, o.server); !c)
      return fail(c.error());
    auto* info_t = setup->add_trustees();
    info_t->set_name(t.name());
    info_t->set_signing_key(t.signing_key());
    info_t->set_box_key(t.box_key());
    info_t->set_box_key_signature(t.box_key_signature());
  }
  const Bytes entry = protocol::make_entry(s->key, st);
  if (entry.size() > protocol::kMaxEntryBytes) {
    return fail("the set-up entry would be " + std::to_string(entry.size()) +
                " bytes; an entry holds at most " + std::to_string(protocol::kMaxEntryBytes) +
                " (docs/protocol.md §11.1): shorten the manifest's texts or its witness "
                "policy, or use fewer districts or languages");
  }
  auto receipt = s->board.post("setup", entry);
  if (!receipt)
    return fail(receipt.error());
  auto vkey = protocol::board_verifier_key(origin, board_key);
  std::cout << "election \"" << manifest->election_id() << "\" created on " << o.server << " with "
            << n << " trustees, any " << o.threshold << " of whom can decrypt\n"
            << "the board's log: " << origin << ", verifier key "
            << (vkey ? tlog::format_vkey(*vkey) : std::string("?")) << "\n"
            << "the trustees' keys, by fingerprint: compare each with the one its trustee reads "
               "out (senim trustee box-key prints them)\n";
  for (const auto& t : setup->trustees()) {
    std::cout << "  " << protocol::printable(t.name()) << ": signing key "
              << protocol::key_fingerprint(as_bytes(t.signing_key())) << ", box key "
              << protocol::key_fingerprint(as_bytes(t.box_key())) << "\n";
  }
  std::cout << "next: each trustee runs `senim trustee deal`\n";
  return 0;
}

// `admin credentials --lines`: one file per district, a line per voter
// (client/credential_lines.hpp).
int admin_credential_lines(const AdminOptions& o, Session& s, std::vector<std::string> districts) {
  std::sort(districts.begin(), districts.end());
  districts.erase(std::unique(districts.begin(), districts.end()), districts.end());
  CredentialLinesPlan plan;
  plan.election_id = s.config->election_id();
  plan.server = o.voter_server.empty() ? o.server : o.voter_server;
  plan.districts = std::move(districts);
  plan.count = o.count;
  plan.out_dir = o.out;
  // One connection per list of a round, so that they reach the board's
  // group commit together.
  std::vector<BoardClient> boards;
  for (std::size_t i = 0; i < kCredentialListsPerRound; ++i) {
    auto board = BoardClient::connect(o.server);
    if (!board)
      return fail(board.error().message + "; nothing was posted");
    boards.push_back(std::move(*board));
  }
  auto post_lists = [&](const std::vector<const v1::CredentialList*>& lists) {
    std::vector<Status> answers(lists.size());
    std::vector<std::thread> posting;
    for (std::size_t j = 0; j < lists.size(); ++j) {
      posting.emplace_back([&, j] {
        v1::Statement st = statement_for(s);
        *st.mutable_credentials() = *lists[j];
        auto receipt =
            boards[j % boards.size()].post("credentials", protocol::make_entry(s.key, st));
        answers[j] = receipt ? Status::success() : Status(receipt.error());
      });
    }
    for (std::thread& t : posting)
      t.join();
    return answers;
  };
  auto issued = issue_credential_lines(plan, post_lists, std::cerr);
  if (!issued)
    return fail(issued.error());
  std::cout << issued->posted << " credentials issued, one line each: secret files";
  for (const std::string& f : issued->files)
    std::cout << " " << f;
  std::cout << "; public keys on the board\n"
            << "give each voter one line; the board never learns who holds which\n";
  return 0;
}

int admin_credentials(const AdminOptions& o) {
  auto s = start(o);
  if (!s)
    return fail(s.error());
  const CeremonyView view = s->view();
  const protocol::ElectionConfig& config = *view.config;
  if (view.phase != protocol::Phase::ceremony) {
    return fail("credentials are issued before voting opens; the election is in phase " +
                protocol::phase_name(view.phase) + " (no file was written)");
  }
  if (o.count == 0)
    return fail("say how many credentials to issue with --count");
  std::vector<std::string> districts = o.districts;
  if (districts.empty())
    districts = config.shape.districts;
  for (const auto& d : districts) {
    if (!config.shape.district_index(d))
      return fail("the manifest has no district \"" + d + "\"");
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec)
    return fail("cannot create " + o.out + ": " + ec.message() + "; nothing was posted");
  if (o.lines)
    return admin_credential_lines(o, *s, districts);
  const std::uint64_t already = view.credentials;
  auto file_name = [&](std::uint64_t number) {
    char name[32];
    std::snprintf(name, sizeof name, "voter-%06llu.cred", static_cast<unsigned long long>(number));
    return (std::filesystem::path(o.out) / name).string();
  };
  // Every file is claimable before the first public key is posted: a
  // credential on the board whose secret could not be saved is lost.
  if (::access(o.out.c_str(), W_OK | X_OK) != 0)
    return fail("cannot write in " + o.out + "; nothing was posted");
  for (std::uint32_t i = 0; i < o.count; ++i) {
    if (std::filesystem::exists(file_name(already + i + 1))) {
      return fail(file_name(already + i + 1) +
                  " already exists; not overwriting it, and nothing was posted");
    }
  }
  v1::Statement st = statement_for(*s);
  std::uint64_t posted = 0;
  const std::size_t per_list = credentials_per_list(districts);
  // The files of the list not yet posted. If one cannot be written (a full
  // disk), they are removed: their keys never reached the board, and left
  // behind they would stop the next run ("already exists"). What was posted
  // stays, with its files, so a run for the rest continues the numbering.
  std::vector<std::string> unposted;
  auto stop_writing = [&](const Error& why) {
    for (const std::string& f : unposted)
      std::filesystem::remove(f, ec);
    return fail(
        why.message + "; " + std::to_string(posted) + " of the " + std::to_string(o.count) +
        " credentials were issued and posted" +
        (posted == 0 ? "" : " (files up to " + file_name(already + posted) + ")") + ", and the " +
        (unposted.size() == 1 ? std::string("file") : std::to_string(unposted.size()) + " files") +
        " of credentials not yet posted " + (unposted.size() == 1 ? "was" : "were") +
        " removed: free some space and run "
        "again with --count " +
        std::to_string(o.count - posted) + " for the rest");
  };
  for (std::uint32_t i = 0; i < o.count; ++i) {
    const auto credential = protocol::CredentialKey::generate();
    v1::VoterCredentialFile file;
    file.set_election_id(config.election_id());
    file.set_server(o.voter_server.empty() ? o.server : o.voter_server);
    file.set_district(districts[i % districts.size()]);
    Bytes seed = credential.seed();
    file.set_seed(to_string(seed));
    wipe(seed);
    const std::string path = file_name(already + i + 1);
    auto w = write_message_file(path, file, Secrecy::secret_file);
    wipe_string(*file.mutable_seed());
    if (!w)
      return stop_writing(w.error());
    unposted.push_back(path);
    auto* c = st.mutable_credentials()->add_credentials();
    c->set_key(to_string(credential.public_key()));
    c->set_district(file.district());
    if (st.credentials().credentials_size() == static_cast<int>(per_list) || i + 1 == o.count) {
      auto receipt = s->board.post("credentials", protocol::make_entry(s->key, st));
      if (!receipt)
        return fail(receipt.error());
      posted += static_cast<std::uint64_t>(st.credentials().credentials_size());
      st.mutable_credentials()->clear_credentials();
      unposted.clear();
    }
  }
  std::cout << posted << " credentials issued: secret files in " << o.out
            << ", public keys on the board\n"
            << "give each voter one file; the board never learns who holds which\n";
  return 0;
}

int admin_register(const AdminOptions& o) {
  auto s = start(o);
  if (!s)
    return fail(s.error());
  const CeremonyView view = s->view();
  const protocol::ElectionConfig& config = *view.config;
  if (view.phase != protocol::Phase::ceremony) {
    return fail("credentials are registered before voting opens; the election is in phase " +
                protocol::phase_name(view.phase));
  }
  std::ifstream in(o.public_keys);
  if (!in)
    return fail("cannot read " + o.public_keys);
  // One voter per line: PUBLIC_KEY_HEX [DISTRICT]; '#' starts a comment.
  std::vector<v1::Credential> credentials;
  std::set<std::string> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string hex;
    std::string district;
    if (!(words >> hex))
      continue;
    words >> district;
    const std::string where = o.public_keys + " line " + std::to_string(number) + ": ";
    auto key = from_hex(hex);
    if (!key || key->size() != 32)
      return fail(where + "a public key is 64 hexadecimal digits");
    // docs/protocol.md §8.5: the rule the board applies, before anything is posted.
    if (auto valid = protocol::check_credential_key(*key); !valid)
      return fail(where + valid.error().message);
    if (!config.shape.district_index(district)) {
      return fail(where + (district.empty() ? "name a district (the manifest has districts)"
                                            : "the manifest has no district \"" + district + "\""));
    }
    if (!seen.insert(to_string(*key)).second)
      return fail(where + "this key is listed twice");
    v1::Credential c;
    c.set_key(to_string(*key));
    c.set_district(district);
    credentials.push_back(std::move(c));
  }
  if (credentials.empty())
    return fail(o.public_keys + " lists no public key");
  const std::size_t per_list = credentials_per_list(config.shape.districts);
  for (std::size_t begin = 0; begin < credentials.size(); begin += per_list) {
    v1::Statement st = statement_for(*s);
    const std::size_t end = std::min(credentials.size(), begin + per_list);
    for (std::size_t i = begin; i < end; ++i)
      *st.mutable_credentials()->add_credentials() = credentials[i];
    auto receipt = s->board.post("credentials", protocol::make_entry(s->key, st));
    if (!receipt)
      return fail(receipt.error());
  }
  std::cout << credentials.size() << " voter-made credentials registered on the board\n";
  return 0;
}

int admin_open(const AdminOptions& o) {
  auto s = start(o);
  if (!s)
    return fail(s.error());
  const CeremonyView view = s->view();
  if (view.phase != protocol::Phase::ceremony || !view.joint_key || !view.base_hash) {
    return fail("voting cannot open: the election is in phase " + protocol::phase_name(view.phase) +
                (view.joint_key ? "" : " and not every trustee has dealt"));
  }
  v1::Statement st = statement_for(*s);
  st.mutable_open()->set_joint_key(to_string(view.joint_key->bytes));
  st.mutable_open()->set_base_hash(to_string(*view.base_hash));
  return post(*s, st, "voting is open; joint key " + to_hex(view.joint_key->bytes));
}

namespace {

// The election as the board's set-up (entry 0) states it, unchecked
// against the rest of the board: what lets the close be posted before any
// re-check. Errors: the board's; wrong_phase (no election); check_setup's.
Expected<protocol::ElectionConfig> board_setup(BoardClient& board) {
  auto first = board.entries(0, 1);
  if (!first)
    return first.error();
  if (first->empty())
    return make_error(Errc::wrong_phase, "the board holds no election yet");
  auto parsed = protocol::parse_entry(first->front());
  if (!parsed)
    return make_error(parsed.error().code, "the board's entry 0: " + parsed.error().message);
  return protocol::check_setup(*parsed);
}

// After the close: the board's entries up to it checked, by the replica
// the operator named or by a full one.
int check_after_close(Session& s, const AdminOptions& o, std::uint64_t close_leaf) {
  const std::string posted =
      "; the close is on the board (entry " + std::to_string(close_leaf) + ") all the same";
  std::uint64_t entries = 0;
  std::uint64_t ballots = 0;
  protocol::Phase phase = protocol::Phase::empty;
  if (o.replica.empty()) {
    if (auto st = s.replica.sync(s.board); !st)
      return fail(st.error().message + posted);
    entries = s.replica.entries().size();
    ballots = s.replica.state().ballots_cast();
    phase = s.replica.state().phase();
  } else {
    auto replica = current_replica(o, s);
    if (!replica)
      return fail(replica.error().message + posted);
    entries = (*replica)->size();
    ballots = (*replica)->report().ballots;
    phase = (*replica)->phase();
  }
  if (phase != protocol::Phase::closed && phase != protocol::Phase::decrypting &&
      phase != protocol::Phase::finished) {
    return fail("the board's entries checked but the election is in phase " +
                protocol::phase_name(phase) + posted);
  }
  std::cout << "checked: the board's " << entries
            << " entries pass every check; voting closed after " << ballots << " ballots\n";
  return 0;
}

}  // namespace

// docs/protocol.md §12: whether a close is valid is the board's state
// machine's to decide, at the entry's place in the log, not the order of
// this client's work: so the close is posted first, at the announced
// minute, and the board's entries up to it are checked after.
int admin_close(const AdminOptions& o) {
  auto s = start(o, false);
  if (!s)
    return fail(s.error());
  auto config = board_setup(s->board);
  if (!config)
    return fail(config.error());
  if (auto c = check_authority(&*config, s->key); !c)
    return fail(c.error());
  auto info = s->board.info();
  if (!info)
    return fail(info.error());
  if (info->phase() != protocol::phase_name(protocol::Phase::voting))
    return fail("the election is not open (phase " + protocol::printable(info->phase()) + ")");
  v1::Statement st = statement_for(*config);
  st.mutable_close();
  auto receipt = s->board.post(post_path(st), protocol::make_entry(s->key, st));
  if (!receipt)
    return fail(receipt.error());
  std::cout << "voting is closed: the close is board entry " << receipt->leaf_index()
            << " (posted before any check; the board accepted it)" << std::endl;
  return check_after_close(*s, o, receipt->leaf_index());
}

namespace {

// --replica: the tally from the followed replica's engine, which checked
// and summed every ballot (verifier::Engine::counted_tally).
int tally_from_replica(Session& s, const AdminOptions& o) {
  auto replica = current_replica(o, s);
  if (!replica)
    return fail(replica.error());
  const verifier::Engine& engine = (*replica)->engine();
  if (engine.tally() != nullptr)
    return fail("the encrypted tally is already on the board");
  auto tally = engine.counted_tally();
  if (!tally) {
    return fail("the tally comes after the close (phase " +
                protocol::phase_name((*replica)->phase()) + ")");
  }
  v1::Statement st = statement_for(*(*replica)->config());
  *st.mutable_tally() = std::move(*tally);
  return post_tally(s, st);
}

}  // namespace

int admin_tally(const AdminOptions& o) {
  auto s = start(o, o.replica.empty());
  if (!s)
    return fail(s.error());
  if (!o.replica.empty())
    return tally_from_replica(*s, o);
  const auto& state = s->replica.state();
  if (state.tally())
    return fail("the encrypted tally is already on the board");
  if (state.phase() != protocol::Phase::closed) {
    return fail("the tally comes after the close (phase " + protocol::phase_name(state.phase()) +
                ")");
  }
  // The tally is this client's own: every ballot checked and summed here.
  v1::Statement st = statement_for(*s);
  *st.mutable_tally() = state.running_tally()->to_message();
  protocol::set_superseded(*st.mutable_tally(), state.superseded());
  return post_tally(*s, st);
}

namespace {

// What the result is made from, from either kind of replica.
struct ResultInputs {
  const protocol::ElectionConfig* config = nullptr;
  protocol::Phase phase = protocol::Phase::empty;
  std::optional<v1::Result> published;  // checked against its decryption
  const protocol::DecodedTally* tally = nullptr;
  const std::vector<std::vector<crypto::PartialDecryption>>* partials = nullptr;
  std::vector<std::uint64_t> credentials;  // listed per district, for the turnout
};

int publish_result(Session& s, const AdminOptions& o, const ResultInputs& in) {
  const auto& config = *in.config;
  std::optional<v1::Result> result = in.published;
  // The counts file is claimed before the result is posted: a publication
  // cannot be undone, so a path that cannot be written fails first.
  std::optional<ReservedFile> counts_file;
  if (!o.counts_out.empty()) {
    auto reserved = ReservedFile::reserve(o.counts_out, 0644, true);
    if (!reserved) {
      return fail(reserved.error().message +
                  (result ? "" : "; nothing was posted (choose another --counts)"));
    }
    counts_file.emplace(std::move(*reserved));
  }
  if (result) {
    // Already published (and checked by this replica): show it again.
    std::cout << "the result is already on the board; checked against its decryption\n";
  } else {
    if (in.phase != protocol::Phase::decrypting) {
      return fail("the result comes after the tally (phase " + protocol::phase_name(in.phase) +
                  ")");
    }
    auto combined =
        protocol::combine_result(config.shape, config.ceremony.threshold, *in.tally, *in.partials);
    if (!combined)
      return fail(combined.error());
    v1::Statement st = statement_for(config);
    *st.mutable_result() = *combined;
    if (int rc = post(s, st, "result published"); rc != 0)
      return rc;
    result = *combined;
  }
  std::cout << "\n" << format_result(config.setup.manifest(), *result, o.lang, in.credentials);
  if (counts_file) {
    if (auto w = counts_file->commit(count_lines(config.setup.manifest(), *result)); !w)
      return fail(w.error());
  }
  return 0;
}

}  // namespace

int admin_result(const AdminOptions& o) {
  auto s = start(o, o.replica.empty());
  if (!s)
    return fail(s.error());
  ResultInputs in;
  if (o.replica.empty()) {
    const auto& state = s->replica.state();
    in = {state.config(),    state.phase(),
          state.result(),    state.tally() ? &*state.tally() : nullptr,
          &state.partials(), {}};
    for (const auto& d : state.turnout())
      in.credentials.push_back(d.credentials);
    return publish_result(*s, o, in);
  }
  auto replica = current_replica(o, *s);
  if (!replica)
    return fail(replica.error());
  const verifier::Engine& engine = (*replica)->engine();
  in = {(*replica)->config(), (*replica)->phase(), (*replica)->report().verified_result,
        engine.tally(),       &engine.partials(),  engine.credentials_per_district()};
  return publish_result(*s, o, in);
}

int admin_status(const AdminOptions& o) {
  auto board = BoardClient::connect(o.server);
  if (!board)
    return fail(board.error());
  auto info = board->info();
  if (!info)
    return fail(info.error());
  std::cout << "board " << o.server << "\n"
            << "  board key    " << to_hex(as_bytes(info->board_key())) << "\n"
            << "  log origin   "
            << (info->log_origin().empty() ? "(none yet)" : protocol::printable(info->log_origin()))
            << "\n"
            << "  board vkey   "
            << (info->board_vkey().empty() ? "(none yet)" : protocol::printable(info->board_vkey()))
            << "\n"
            << "  election     "
            << (info->election_id().empty() ? "(none yet)"
                                            : protocol::printable(info->election_id()))
            << "\n"
            << "  phase        " << protocol::printable(info->phase()) << "\n"
            << "  entries      " << info->tree_size() << "\n"
            << "  trustees     " << info->trustees() << " (threshold " << info->threshold() << "), "
            << info->trustees_dealt() << " dealt, " << info->trustees_ready() << " ready\n"
            << "  credentials  " << info->credentials() << "\n"
            << "  ballots      " << info->ballots_cast() << "\n"
            << "  decryptions  " << info->partial_decryptions() << "\n";
  return 0;
}

}  // namespace senim::client
