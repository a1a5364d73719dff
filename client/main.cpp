// senim: the command line for voters, trustees and the election authority.
#include <sodium.h>

#include <CLI/CLI.hpp>

#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/language.hpp"
#include "client/terminal_text.hpp"
#include "protocol/entry.hpp"
#include "protocol/version.hpp"

int main(int argc, char** argv) {
  using namespace senim::client;
  // Nothing reaches the terminal but printable text and line breaks, from
  // any command (client/terminal_text.hpp).
  const TerminalGuard guard_out(std::cout);
  const TerminalGuard guard_err(std::cerr);
  CLI::App app{
      "senim: end-to-end verifiable voting.\n"
      "  senim vote      cast (or challenge) a ballot with your credential\n"
      "  senim check     check that your ballot is on the board\n"
      "  senim keygen    make your own voter credential (if the election lets voters do so)\n"
      "  senim trustee   a trustee's part: keys, box key, key ceremony, decryption\n"
      "  senim admin     the election authority: keygen, create, credentials, register, open, "
      "close,\n"
      "                  tally, result, status\n"
      "  senim witness   an observer's witness: keygen, serve, status"};
  app.set_version_flag("--version", senim::protocol::version_text("senim"));
  app.require_subcommand(1);

  std::string lang_flag;  // --lang of vote, check, keygen and admin result
  AdminOptions admin;
  admin.server = default_server();
  auto* a = app.add_subcommand("admin", "the election authority's commands");
  a->require_subcommand(1);
  auto server_flag = [](CLI::App* cmd, std::string& server) {
    cmd->add_option("--server", server,
                    "the board's URL (default $SENIM_SERVER or http://127.0.0.1:8080)");
  };
  auto* a_keygen = a->add_subcommand("keygen", "make the authority's signing key");
  a_keygen->add_option("--out", admin.out, "key file to write (kept secret)")->required();
  auto* a_create = a->add_subcommand("create", "create the election on the board from a manifest");
  a_create->add_option("--manifest", admin.manifest, "manifest JSON file")
      ->required()
      ->check(CLI::ExistingFile);
  a_create->add_option("--trustee", admin.trustees,
                       "a trustee's public file (repeat, in order; required unless --check)");
  a_create->add_option("--threshold", admin.threshold,
                       "how many trustees are needed to decrypt (required unless --check)");
  a_create->add_option("--origin", admin.origin,
                       "the log's origin (default: the board's public URL without http://, "
                       "then /ELECTION-ID)");
  a_create->add_flag("--check", admin.check_only,
                     "only check the manifest, offline: nothing is created, no key is needed");
  a_create->add_option("--key", admin.key, "the authority's key file (required unless --check)")
      ->check(CLI::ExistingFile);
  auto* a_cred =
      a->add_subcommand("credentials", "issue voter credentials (public keys go to the board)");
  a_cred->add_option("--count", admin.count, "how many")->required();
  a_cred->add_option("--out", admin.out, "directory for the secret credential files")->required();
  a_cred->add_option("--district", admin.districts,
                     "district(s) to spread them over (default: all)");
  a_cred->add_flag("--lines", admin.lines,
                   "in bulk: one file per district (credentials-DISTRICT.jsonl), one line per "
                   "voter, each line a credential");
  auto* a_register = a->add_subcommand(
      "register",
      "post the public keys of credentials the voters made themselves (`senim keygen`)");
  a_register
      ->add_option("--public-keys", admin.public_keys,
                   "file with one line per voter: PUBLIC_KEY_HEX [DISTRICT]")
      ->required()
      ->check(CLI::ExistingFile);
  auto* a_open = a->add_subcommand(
      "open", "open voting once every trustee is ready and credentials are on the board");
  auto* a_close = a->add_subcommand("close", "close voting");
  auto* a_tally = a->add_subcommand("tally", "check every ballot, then post the encrypted tally");
  auto* a_result =
      a->add_subcommand("result", "combine the trustees' decryptions and publish the result");
  a_result->add_option("--lang", lang_flag,
                       "language of the printed table (kk, ru, en; default: from LANG)");
  a_result->add_option("--counts", admin.counts_out,
                       "also write the counts to this file, one tab-separated line each");
  auto* a_status = a->add_subcommand("status", "show the board's state");
  for (auto* cmd : {a_create, a_cred, a_register, a_open, a_close, a_tally, a_result, a_status})
    server_flag(cmd, admin.server);
  for (auto* cmd : {a_cred, a_register, a_open, a_close, a_tally, a_result}) {
    cmd->add_option("--replica", admin.replica,
                    "a replica directory kept by `senim admin follow`: check only what is new");
  }
  // One follower for the authority and the trustees (client/follow.cpp).
  FollowOptions follow_options;
  follow_options.server = default_server();
  auto add_follow = [&](CLI::App* parent) {
    auto* cmd = parent->add_subcommand(
        "follow", "keep a verified replica of the board in a directory, checking what is new");
    server_flag(cmd, follow_options.server);
    cmd->add_option("--data", follow_options.data, "the replica's directory")->required();
    cmd->add_flag("--once", follow_options.once, "catch up with the board once, then exit");
    cmd->add_option("--interval", follow_options.interval,
                    "seconds between looks at the board (default 2)");
    cmd->add_option("--snapshot-every", follow_options.snapshot_entries,
                    "save the engine's state after this many new entries (default 50000)");
    cmd->add_option("--progress-every", follow_options.progress_every,
                    "seconds between progress lines of a long step on stderr (default 2)");
    return cmd;
  };
  auto* a_follow = add_follow(a);
  for (auto* cmd : {a_cred, a_register, a_open, a_close, a_tally, a_result}) {
    cmd->add_option("--key", admin.key, "the authority's key file")
        ->required()
        ->check(CLI::ExistingFile);
  }

  TrusteeOptions trustee;
  trustee.server = default_server();
  auto* t = app.add_subcommand("trustee", "a trustee's commands");
  t->require_subcommand(1);
  auto* t_keygen = t->add_subcommand("keygen", "make a trustee's long-term signing key");
  t_keygen->add_option("--name", trustee.name, "the trustee's name")->required();
  t_keygen->add_option("--out", trustee.key, "secret key file to write")->required();
  auto* t_box = t->add_subcommand(
      "box-key",
      "before an election is created: make a fresh box key for its key ceremony on this board");
  t_box->add_option("--election", trustee.election_id, "the election's id (from its manifest)")
      ->required();
  t_box->add_option("--public", trustee.public_out,
                    "public file for the authority to write (default KEY.pub)");
  auto* t_deal =
      t->add_subcommand("deal", "key ceremony, step 1: post commitments and sealed shares");
  auto* t_final = t->add_subcommand(
      "finalize", "key ceremony, step 2: check the shares received, announce ready");
  auto* t_decrypt = t->add_subcommand(
      "decrypt", "recompute the tally from the board and post a partial decryption");
  for (auto* cmd : {t_deal, t_final, t_decrypt}) {
    cmd->add_option("--replica", trustee.replica,
                    "a replica directory kept by `senim trustee follow`: check only what is new");
  }
  auto* t_follow = add_follow(t);
  for (auto* cmd : {t_box, t_deal, t_final, t_decrypt}) {
    server_flag(cmd, trustee.server);
    cmd->add_option("--key", trustee.key, "the trustee's key file")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--state", trustee.state,
                    "the trustee's state for this election (default KEY.state)");
  }

  VoteOptions vote_options;
  auto* v = app.add_subcommand(
      "vote", "encrypt a ballot, show its tracking code, then cast or challenge it");
  v->add_option("--credential", vote_options.credential, "your credential file")
      ->required()
      ->check(CLI::ExistingFile);
  v->add_option("--line", vote_options.line,
                "the credential is this line (from 1) of a district's file of lines")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  v->add_option("--server", vote_options.server,
                "the board's URL (default: the one in the credential)");
  v->add_option("--choose", vote_options.choose,
                "CONTEST=OPTION[,OPTION…] or CONTEST=blank, once per contest (without it: asks)");
  auto* challenge_flag =
      v->add_flag("--challenge", vote_options.challenge,
                  "challenge the ballot (reveal and check it) instead of casting");
  v->add_flag("--challenge-first", vote_options.challenge_first,
              "challenge one encryption, then cast a fresh one of the same choices")
      ->excludes(challenge_flag);
  v->add_option("--receipt", vote_options.receipt,
                "where to save the receipt, a c2sp.org/tlog-proof file (default "
                "CREDENTIAL.tlog-proof)");
  v->add_flag("--yes", vote_options.yes,
              "do not show the choices back for confirmation (for scripts; without a terminal "
              "it is required)");
  v->add_flag("--show-download", vote_options.show_download,
              "print on stderr how many bytes this vote downloaded from the board");

  CredentialOptions credential_options;
  auto* k = app.add_subcommand("keygen",
                               "make your own voter credential: the secret stays with you, the "
                               "public key goes to the authority");
  k->add_option("--out", credential_options.out, "credential file to write (kept secret)")
      ->required();
  k->add_option("--election", credential_options.election_id, "the election's id")->required();
  k->add_option("--server", credential_options.server, "the board's URL")->required();
  k->add_option("--district", credential_options.district,
                "your district's id, if the election has districts");

  CheckOptions check_options;
  auto* c = app.add_subcommand(
      "check", "is my ballot on the board, and is the board consistent with my receipt?");
  auto* check_receipt =
      c->add_option("receipt", check_options.receipt, "the receipt file from `senim vote`")
          ->check(CLI::ExistingFile);
  auto* check_server = c->add_option(
      "--server", check_options.server,
      "the board's URL, or a mirror's (default: the one in --credential, else http:// and the "
      "receipt's origin without its last part)");
  auto* check_mirror =
      c->add_option("--mirror", check_options.mirror, "a mirror directory of the board's tiles")
          ->excludes(check_server)
          ->check(CLI::ExistingDirectory);
  auto* check_record =
      c->add_option("--record", check_options.record,
                    "a saved election record (senim-verify --save), checked offline")
          ->excludes(check_server)
          ->excludes(check_mirror);
  c->add_option("--code", check_options.code,
                "with --record and no receipt: look up a tracking code (e.g. 7QKM-3XTA-9PLW-E2DN)")
      ->needs(check_record)
      ->excludes(check_receipt);
  c->add_option("--credential", check_options.credential,
                "your credential file: its board URL is the default --server")
      ->check(CLI::ExistingFile);
  c->add_option("--line", check_options.line,
                "with --credential: the credential is this line of a file of lines")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  c->add_option("--evidence-out", check_options.evidence_out,
                "where to write fork evidence if the board is caught showing two logs (a "
                "directory, created if missing; default: beside the receipt, as "
                "RECEIPT.fork-M-N.evidence)");

  ExportOptions export_options;
  auto* e = app.add_subcommand(
      "export-tiles",
      "copy a board's tiled log (checkpoint, tiles, entry bundles) into a directory that any "
      "static web server can serve; run it again to add what is new");
  e->add_option("--from", export_options.from, "the board's URL, or a mirror's URL or directory")
      ->required();
  e->add_option("--out", export_options.out, "the mirror directory (created if missing)")
      ->required();

  WitnessOptions witness;
  auto* w = app.add_subcommand(
      "witness", "an observer's witness: checks the board's entries, then cosigns its checkpoints");
  w->require_subcommand(1);
  auto* w_keygen = w->add_subcommand("keygen", "make the witness's cosigning key");
  w_keygen->add_option("--name", witness.name, "the witness's key name, e.g. witness1.example.kz")
      ->required();
  w_keygen->add_option("--out", witness.key, "key file to write (kept secret)")->required();
  auto* w_serve = w->add_subcommand(
      "serve",
      "answer the board's add-checkpoint requests (tlog-witness) and serve the latest "
      "cosigned checkpoint");
  w_serve->add_option("--key", witness.key, "the witness's key file")
      ->required()
      ->check(CLI::ExistingFile);
  w_serve->add_option("--log", witness.log, "the board's vkey (senim admin status shows it)")
      ->required();
  w_serve
      ->add_option("--board", witness.board,
                   "where to read the board's tiles: its URL, or a directory mirroring them")
      ->required();
  w_serve->add_option("--listen", witness.listen,
                      "HOST:PORT to answer on (default 127.0.0.1:7380)");
  w_serve->add_option("--threads", witness.threads, "threads checking ballots (default 1)");
  w_serve->add_option("--snapshot-every", witness.snapshot_entries,
                      "save the engine's state after this many new entries (default 100000; "
                      "also every 5 minutes)");
  w_serve->add_option("--background-after", witness.background_after,
                      "check a checkpoint with more new entries than this in the background, "
                      "answering 503 with Retry-After meanwhile (default 20000)");
  auto* w_status = w->add_subcommand(
      "status", "what the witness has verified and cosigned, and what it refused and why");
  for (auto* cmd : {w_serve, w_status})
    cmd->add_option("--data", witness.data, "the witness's data directory")->required();

  // The voter's commands speak kk, ru or en (client/language.hpp).
  for (auto* cmd : {v, k, c}) {
    cmd->add_option("--lang", lang_flag,
                    "the language of messages and ballot texts: kk, ru or en (default: from "
                    "LANGUAGE, LC_ALL, LC_MESSAGES or LANG)");
  }

  CLI11_PARSE(app, argc, argv);
  if (v->parsed() || k->parsed() || c->parsed() || a_result->parsed()) {
    auto lang = choose_language(lang_flag);
    if (!lang) {
      fail(lang.error());
      return 2;  // a usage error, as CLI11's are
    }
    speak(*lang);
    vote_options.lang = admin.lang = *lang;
  }
  senim::protocol::quiet_protobuf_logging();
  if (sodium_init() < 0)
    return fail("libsodium failed to initialise");

  if (a_keygen->parsed())
    return admin_keygen(admin);
  if (a_create->parsed())
    return admin_create(admin);
  if (a_cred->parsed())
    return admin_credentials(admin);
  if (a_register->parsed())
    return admin_register(admin);
  if (a_open->parsed())
    return admin_open(admin);
  if (a_close->parsed())
    return admin_close(admin);
  if (a_tally->parsed())
    return admin_tally(admin);
  if (a_result->parsed())
    return admin_result(admin);
  if (a_status->parsed())
    return admin_status(admin);
  if (a_follow->parsed() || t_follow->parsed())
    return follow(follow_options);
  if (t_keygen->parsed())
    return trustee_keygen(trustee);
  if (t_box->parsed())
    return trustee_box_key(trustee);
  if (t_deal->parsed())
    return trustee_deal(trustee);
  if (t_final->parsed())
    return trustee_finalize(trustee);
  if (t_decrypt->parsed())
    return trustee_decrypt(trustee);
  if (v->parsed())
    return vote(vote_options);
  if (k->parsed())
    return credential_keygen(credential_options);
  if (c->parsed())
    return check(check_options);
  if (w_keygen->parsed())
    return witness_keygen(witness);
  if (w_serve->parsed())
    return witness_serve(witness);
  if (w_status->parsed())
    return witness_status(witness);
  if (e->parsed())
    return export_tiles(export_options);
  return fail("no command given; see senim --help");
}
