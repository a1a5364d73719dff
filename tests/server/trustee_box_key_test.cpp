// The trustee's tool and its ceremony box key (docs/protocol.md §6.3.1),
// driven as a person would: the real `senim` binary against a real board.
// A complaint marks the box key revealed, and the tool never uses it again;
// a box key used in one set-up is never used in another, even on a board
// that reuses its board key (where the signature alone cannot tell them apart).
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "client/key_files.hpp"
#include "crypto/key_ceremony.hpp"
#include "proto/files.pb.h"
#include "protocol/entry.hpp"
#include "protocol/tracking_code.hpp"
#include "tests/run_command.hpp"
#include "tests/server/board_fixture.hpp"
#include "tests/test_data.hpp"

using Catch::Matchers::Contains;
using senim::Bytes;
using senim::to_string;
using senim::test::ElectionFixture;
namespace v1 = senim::v1;

namespace {

using Run = senim::test::CommandRun;

// Runs `senim ARGS…` (arguments without quotes in them); output is stdout and stderr.
Run senim_cli(const std::vector<std::string>& args) {
  std::string command = SENIM_CLIENT_BINARY;
  for (const auto& a : args)
    command += " '" + a + "'";
  return senim::test::run_command(command + " 2>&1");
}

void write_json(const std::string& path, const google::protobuf::Message& m) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  REQUIRE(google::protobuf::util::MessageToJsonString(m, &json, options).ok());
  std::ofstream(path) << json;
}

template <class Message>
Message read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  Message m;
  REQUIRE(google::protobuf::util::JsonStringToMessage(text.str(), &m).ok());
  return m;
}

// Trustee t's long-term key file, as `senim trustee keygen` writes it.
std::string write_key_file(const ElectionFixture& f, std::uint32_t t) {
  v1::TrusteeKeyFile key;
  key.set_name("Trustee " + std::to_string(t));
  const Bytes seed = f.builder->trustee_key(t).seed();
  key.set_signing_seed(to_string(seed));
  std::string path = f.dir.path() + "/trustee-" + std::to_string(t) + ".key";
  write_json(path, key);
  return path;
}

std::string phase_of(ElectionFixture& f) {
  v1::BoardInfo info;
  REQUIRE(senim::test::get_message(*f.client, "/v1/election", info) == 200);
  return info.phase();
}

}  // namespace

TEST_CASE("a trustee's complaint marks its box key revealed, and the tool never uses it again",
          "[server][box-key][cli]") {
  ElectionFixture f(1, 3, 2);
  auto& b = *f.builder;
  b.setup();
  b.deal();
  // Dealer 1 seals trustee 2 a share that does not match its commitments.
  auto deal1 = senim::protocol::parse_entry(b.entries()[1])->statement;
  const auto bad =
      senim::crypto::seal_share(1, 2, senim::crypto::Scalar::one(), b.trustee_box(2).public_key);
  REQUIRE(bad.ok());
  deal1.mutable_deal()->set_encrypted_shares(1, to_string(*bad));
  b.replace_entry(1, senim::sim::ElectionBuilder::sign(b.trustee_key(1), deal1));

  // Trustee 2 runs the real tool with the box key the set-up names for it.
  const std::string key = write_key_file(f, 2);
  const std::string state = key + ".state";
  const v1::TrusteeInfo info =
      senim::protocol::parse_entry(b.entries()[0])->statement.setup().trustees(1);
  v1::TrusteeStateFile s;
  s.set_election_id("server-test-2026");
  s.set_board_key(to_string(f.board_key));
  s.set_box_key(info.box_key());
  s.set_box_secret(to_string(b.trustee_box(2).secret_key.bytes()));
  s.set_box_key_signature(info.box_key_signature());
  write_json(state, s);

  f.post_range(0, 2);  // the set-up and dealer 1's bad deal
  const Run dealt = senim_cli({"trustee", "deal", "--server", f.server->url(), "--key", key});
  INFO(dealt.out);
  REQUIRE(dealt.status == 0);
  f.post_range(3, 4);  // dealer 3
  const auto written = read_json<v1::TrusteeStateFile>(state);
  CHECK(senim::same_bytes(written.setup_hash(),
                          senim::protocol::setup_hash(senim::as_bytes(
                              senim::protocol::parse_entry(b.entries()[0])->entry.statement()))));
  CHECK(!written.box_key_revealed());

  const Run finalized =
      senim_cli({"trustee", "finalize", "--server", f.server->url(), "--key", key});
  INFO(finalized.out);
  CHECK(finalized.status == 1);
  CHECK_THAT(finalized.out, Contains("trustee 1 sent a bad share") &&
                                Contains("a complaint with the evidence is on the board"));
  CHECK(phase_of(f) == "ceremony-failed");
  CHECK(read_json<v1::TrusteeStateFile>(state).box_key_revealed());

  const Run again = senim_cli({"trustee", "deal", "--server", f.server->url(), "--key", key});
  INFO(again.out);
  CHECK(again.status == 1);
  CHECK_THAT(again.out, Contains("senim: the box key in " + state +
                                 " was revealed by a complaint and is never used again"));
}

TEST_CASE("a box key serves one set-up only, even on a board that reuses its board key",
          "[server][box-key][cli]") {
  ElectionFixture f(1, 3, 2);
  auto& b = *f.builder;
  const std::string key = write_key_file(f, 1);
  const std::string pub = key + ".pub";
  const Run made = senim_cli({"trustee", "box-key", "--server", f.server->url(), "--key", key,
                              "--election", "server-test-2026"});
  INFO(made.out);
  REQUIRE(made.status == 0);
  CHECK_THAT(made.out, Contains("box key made for election \"server-test-2026\" on board " +
                                senim::to_hex(f.board_key)));
  struct stat st_mode {};
  REQUIRE(::stat((key + ".state").c_str(), &st_mode) == 0);
  CHECK((st_mode.st_mode & 0777) == 0600);
  v1::TrusteePublicFile file;
  REQUIRE(senim::client::read_public_file(pub, file));
  CHECK(file.box_key_signature().size() == 64);
  // What the trustee reads back to the authority: the keys' fingerprints.
  CHECK_THAT(made.out,
             Contains("fingerprints (docs/api.md, \"Encodings\"): signing key " +
                      senim::protocol::key_fingerprint(senim::as_bytes(file.signing_key())) +
                      ", box key " +
                      senim::protocol::key_fingerprint(senim::as_bytes(file.box_key())) + "\n"));
  {
    // docs/api.md, "Encodings": the keys people read back are hex in the file.
    std::ifstream in(pub);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, Contains("\"board_key\": \"" + senim::to_hex(f.board_key) + "\"") &&
                         Contains("\"box_key\": \"" +
                                  senim::to_hex(senim::as_bytes(file.box_key())) + "\"") &&
                         Contains("\"box_key_signature\": \"" +
                                  senim::to_hex(senim::as_bytes(file.box_key_signature())) + "\""));
    // A file of before the rule, its keys in base64, still reads the same.
    std::string old_format;
    REQUIRE(google::protobuf::util::MessageToJsonString(file, &old_format).ok());
    const std::string old_path = pub + ".base64";
    std::ofstream(old_path) << old_format;
    v1::TrusteePublicFile again;
    REQUIRE(senim::client::read_public_file(old_path, again));
    CHECK(again.SerializeAsString() == file.SerializeAsString());
    // Neither hex nor base64: refused, saying which file.
    std::ofstream(old_path) << "{\"name\": \"x\", \"box_key\": \"not a key!\"}";
    const senim::Status bad = senim::client::read_public_file(old_path, again);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == senim::Errc::invalid_encoding);
    CHECK_THAT(bad.error().message, Contains(old_path + " is not a trustee's public file ("));
  }

  // The authority names trustee 1's box key from its public file.
  auto setup_with = [&](std::uint32_t threshold) {
    v1::Statement st = b.setup_statement();
    st.mutable_setup()->set_threshold(threshold);
    auto* t1 = st.mutable_setup()->mutable_trustees(0);
    t1->set_box_key(file.box_key());
    t1->set_box_key_signature(file.box_key_signature());
    return senim::sim::ElectionBuilder::sign(b.authority_key(), st);
  };
  // An operator copies the empty board's key and head record now, before
  // the set-up. (A copy of the key alone does not start: docs/api.md, "The
  // data directory".)
  senim::test::TempDir other;
  const std::string data = other.path() + "/board";
  std::filesystem::create_directory(data);
  std::filesystem::permissions(data, std::filesystem::perms::owner_all);
  std::filesystem::copy_file(f.dir.path() + "/board/board.key", data + "/board.key");
  CHECK_THAT(senim::test::ServerProcess::refusal(data), Contains("board.head is missing"));
  std::filesystem::copy_file(f.dir.path() + "/board/board.head", data + "/board.head");
  REQUIRE(senim::test::post_entry(*f.client, setup_with(2)).status == 200);
  const Run dealt = senim_cli({"trustee", "deal", "--server", f.server->url(), "--key", key});
  INFO(dealt.out);
  REQUIRE(dealt.status == 0);

  // A second board started with a copy of the first one's board key and of
  // its empty board.head, taken before the set-up (a key alone is refused
  // at start, above): the trustee's signature binds only the election id and
  // the board key, so the board accepts another set-up naming the same box
  // key. The tool refuses.
  senim::test::ServerProcess copy(data);
  auto client = senim::net::HttpClient::create(copy.url());
  REQUIRE(client.ok());
  REQUIRE(senim::test::fetch_board_key(*client) == f.board_key);
  REQUIRE(senim::test::post_entry(*client, setup_with(3)).status == 200);
  const Run reused = senim_cli({"trustee", "deal", "--server", copy.url(), "--key", key});
  INFO(reused.out);
  CHECK(reused.status == 1);
  CHECK_THAT(reused.out,
             Contains("senim: the box key in " + key +
                      ".state was already used in another set-up of this election on this board"));
}
