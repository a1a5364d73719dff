// The `senim` subcommands. Each returns the process exit status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace senim::client {

struct AdminOptions {
  std::string server;
  std::string key;  // authority key file
  std::string manifest;
  std::vector<std::string> trustees;  // trustee public files
  std::uint32_t threshold = 0;
  std::uint32_t count = 0;
  std::string out;
  std::vector<std::string> districts;
  std::string voter_server;  // credentials: the board URL written for voters (default: server)
  std::string public_keys;   // register: a file of voters' public keys
  std::string lang = "en";
  std::string counts_out;   // result: also write "district<TAB>contest<TAB>option<TAB>count" lines
  std::string origin;       // create: the log origin (default: default_log_origin)
  bool check_only = false;  // create --check: check the manifest offline, create nothing
  bool lines = false;       // credentials: one file per district, a line per voter
  // close, tally, result: a replica directory (`senim admin follow`) to
  // check only what is new since it, instead of the whole board.
  std::string replica;
};

// docs/protocol.md §8.2: the board's public URL without its scheme and
// trailing slashes, "/", the election id.
std::string default_log_origin(const std::string& public_url, const std::string& election_id);

int admin_keygen(const AdminOptions& o);
int admin_create(const AdminOptions& o);
int admin_credentials(const AdminOptions& o);
int admin_register(const AdminOptions& o);
int admin_open(const AdminOptions& o);
int admin_close(const AdminOptions& o);
int admin_tally(const AdminOptions& o);
int admin_result(const AdminOptions& o);
int admin_status(const AdminOptions& o);

struct TrusteeOptions {
  std::string server;
  std::string key;    // trustee key file
  std::string state;  // its state for one ceremony (default KEY.state)
  std::string name;
  std::string public_out;   // box-key: the public file for the authority (default KEY.pub)
  std::string election_id;  // box-key: the election the box key is for
  std::string replica;      // decrypt: a replica directory (`senim trustee follow`)
};

// `senim admin follow`, `senim trustee follow`: keep a verified replica of
// the board in a directory (client/followed_replica.hpp).
struct FollowOptions {
  std::string server;
  std::string data;
  bool once = false;      // catch up once, then exit
  double interval = 2.0;  // seconds between rounds
  std::uint64_t snapshot_entries = 50'000;
  double progress_every = 2.0;  // seconds between progress lines
};

int follow(const FollowOptions& o);

int trustee_keygen(const TrusteeOptions& o);
int trustee_box_key(const TrusteeOptions& o);
int trustee_deal(const TrusteeOptions& o);
int trustee_finalize(const TrusteeOptions& o);
int trustee_decrypt(const TrusteeOptions& o);

struct VoteOptions {
  std::string server;               // default: the credential's
  std::string credential;           // credential file
  std::vector<std::string> choose;  // CONTEST=OPTION[,OPTION…] or CONTEST=blank
  bool challenge = false;           // challenge instead of casting
  bool challenge_first = false;     // challenge one ballot, then cast a fresh one
  std::uint64_t line = 0;      // the credential is this line of a file of lines (0: whole file)
  std::string receipt;         // default: CREDENTIAL.tlog-proof (CREDENTIAL.LINE.tlog-proof)
  std::string lang = "en";     // the voter's language (main.cpp: --lang, else the environment)
  bool show_download = false;  // print the bytes downloaded on stderr
  bool yes = false;            // cast without showing the choices back for confirmation
};

int vote(const VoteOptions& o);

// A voter makes its own credential: the secret stays with the voter, only
// the public key goes to the authority (`senim admin register`).
struct CredentialOptions {
  std::string out;
  std::string election_id;
  std::string server;
  std::string district;
};

int credential_keygen(const CredentialOptions& o);

struct CheckOptions {
  std::string receipt;
  std::string server;        // the board, or a mirror over HTTP
  std::string mirror;        // a mirror directory
  std::string credential;    // its board URL is the default server
  std::uint64_t line = 0;    // the credential is this line of a file of lines
  std::string record;        // a saved election record, read offline
  std::string code;          // with record and no receipt: look a tracking code up
  std::string evidence_out;  // where fork evidence goes (default: beside the receipt)
};

int check(const CheckOptions& o);

// `senim witness …`: an observer's witness (docs/observer-guide.md).
struct WitnessOptions {
  std::string name;  // keygen: the witness's key name
  std::string key;   // its key file
  std::string data;  // its data directory
  std::string listen = "127.0.0.1:7380";
  std::string log;    // the board's vkey
  std::string board;  // where its tiles are: URL or directory
  unsigned threads = 1;
  std::uint64_t snapshot_entries = 100'000;
  std::uint64_t background_after = 20'000;  // more new entries: checked in the background
};

int witness_keygen(const WitnessOptions& o);
int witness_serve(const WitnessOptions& o);
int witness_status(const WitnessOptions& o);

// `senim export-tiles`: a mirror of a board's tiled log in a directory
// (docs/protocol.md §11.5, docs/operator-guide.md).
struct ExportOptions {
  std::string from;  // a board URL, a mirror URL or a mirror directory
  std::string out;   // the mirror directory
};

int export_tiles(const ExportOptions& o);

}  // namespace senim::client
