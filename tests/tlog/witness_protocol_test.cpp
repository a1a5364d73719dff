// The tlog-witness add-checkpoint call (docs/protocol.md §13.6): the spec's
// example bodies, and each outcome of decide_add_checkpoint with the status
// and error the specification names.
#include "tlog/witness_protocol.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "crypto/merkle.hpp"
#include "tests/tlog/tlog_test_support.hpp"
#include "tlog/base64.hpp"

using senim::Bytes;
using senim::Errc;
using senim::Expected;
using senim::Hash32;
using senim::crypto::merkle::MerkleLog;
using namespace senim::tlog;

namespace {

const std::string& kSpecRequest() {
  static const std::string value =
      "old 20852014\n"
      "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
      "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
      "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
      "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
      "\n"
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
      "\n"
      "\u2014 example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
      "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
      "\u2014 example.com/behind-the-sofa "
      "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
      "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
  return value;
}

const std::string& kSpecResponse() {
  static const std::string value =
      "\u2014 witness.example/w1 "
      "CMp+6LWBU0anHGH5aNDTJkH/"
      "gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n"
      "\u2014 witness.example/w1 "
      "I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+"
      "UfzuOBMh9ChdMkP1vi/lCAsmlw==\n"
      "\u2014 witness.example/w2 "
      "AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/"
      "kWl7oJlqU3rXXvpysAdyP3wQ==\n";
  return value;
}

const std::string& kOrigin() {
  static const std::string value = "example.com/log";
  return value;
}

// A log of `n` entries whose checkpoints are signed by `log`.
struct LogFixture {
  test::TestKey log = test::make_test_key(kOrigin(), kSignatureTypeEd25519, 1);
  MerkleLog tree;

  explicit LogFixture(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i)
      tree.append(Bytes{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)});
  }
  Checkpoint checkpoint(std::uint64_t size) const {
    return Checkpoint{kOrigin(), size, *tree.root_at(size), {}};
  }
  std::string note(const Checkpoint& c) const {
    return test::signed_note(*format_checkpoint(c), {log.note_signer()});
  }
  std::string body(std::uint64_t old_size, std::uint64_t size) const {
    std::vector<Hash32> proof;
    if (old_size != 0)
      proof = *tree.consistency_proof(old_size, size);
    return *format_add_checkpoint_request(old_size, proof, note(checkpoint(size)));
  }
};

AddCheckpointOutcome decide(const std::string& body, const std::vector<VerifierKey>& keys,
                            std::optional<Checkpoint> latest, bool known = true) {
  Expected<AddCheckpointRequest> request = parse_add_checkpoint_request(body);
  REQUIRE(request.ok());
  return decide_add_checkpoint(*request, WitnessOriginState{known, keys, std::move(latest)});
}

void check_refused(const AddCheckpointOutcome& outcome, int status, Errc code) {
  INFO((outcome.error ? outcome.error->message : "no error"));
  CHECK(outcome.status == status);
  REQUIRE(outcome.error.has_value());
  CHECK(outcome.error->code == code);
}

}  // namespace

TEST_CASE("tlog-witness spec example request parses and formats back", "[tlog][witness]") {
  Expected<AddCheckpointRequest> request = parse_add_checkpoint_request(kSpecRequest());
  REQUIRE(request.ok());
  CHECK(request->old_size == 20852014);
  REQUIRE(request->proof.size() == 4);
  CHECK(base64_encode(request->proof[3]) == "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=");
  CHECK(request->checkpoint.origin == "example.com/behind-the-sofa");
  CHECK(request->checkpoint.size == 20852163);
  CHECK(*format_add_checkpoint_request(request->old_size, request->proof, request->note) ==
        kSpecRequest());
}

TEST_CASE("tlog-witness spec example response parses as signature lines", "[tlog][witness]") {
  Expected<std::vector<NoteSignature>> lines = parse_add_checkpoint_response(kSpecResponse());
  REQUIRE(lines.ok());
  REQUIRE(lines->size() == 3);
  CHECK((*lines)[2].name == "witness.example/w2");
  CHECK(format_add_checkpoint_response(*lines) == kSpecResponse());
  // The example's bytes are illustrative: read as cosignature/v1 their
  // "timestamps" exceed 2^63 - 1, so no verifier would accept them.
  CHECK((*lines)[0].signature.size() == 72);
  CHECK(decode_timestamped_signature((*lines)[0].signature).error().code == Errc::out_of_range);
}

TEST_CASE("add-checkpoint request refusals (400)", "[tlog][witness]") {
  const LogFixture f(10);
  const std::string good = f.body(4, 10);
  REQUIRE(parse_add_checkpoint_request(good).ok());
  const std::string note = f.note(f.checkpoint(10));
  const auto code = [](const std::string& body) {
    return test::code_of(parse_add_checkpoint_request(body));
  };
  CHECK(code("") == Errc::invalid_encoding);
  CHECK(code("old 4") == Errc::invalid_encoding);
  CHECK(code("old 04\n\n" + note) == Errc::invalid_encoding);
  CHECK(code("old -1\n\n" + note) == Errc::invalid_encoding);
  CHECK(code("Old 4\n\n" + note) == Errc::invalid_encoding);
  CHECK(code("old  4\n\n" + note) == Errc::invalid_encoding);
  CHECK(code("old 4\nnot base64\n\n" + note) == Errc::invalid_encoding);
  CHECK(code("old 4\nAAAA\n\n" + note) == Errc::invalid_length);
  CHECK(code("old 4\n" + note) == Errc::invalid_encoding);  // no blank line: note lines as proof
  CHECK(code("old 0\n\n" + note.substr(0, note.size() - 1)) == Errc::invalid_encoding);
  CHECK(code("old 0\n\nnot a checkpoint\n\n" + note.substr(note.find("\u2014"))) ==
        Errc::invalid_encoding);
  std::string many = "old 4\n";
  for (int i = 0; i < 63; ++i)
    many += base64_encode(Hash32{}) + "\n";
  CHECK(parse_add_checkpoint_request(many + "\n" + note).ok());
  CHECK(code(many + base64_encode(Hash32{}) + "\n\n" + note) == Errc::invalid_length);
  CHECK(code("old 0\n\n" + std::string(kMaxAddCheckpointBodyBytes, 'a')) == Errc::invalid_length);
}

TEST_CASE("decide_add_checkpoint: every outcome the spec names", "[tlog][witness]") {
  const LogFixture f(20);
  const std::vector<VerifierKey> keys{f.log.vkey};

  SECTION("200: first contact, old 0 and no proof") {
    const AddCheckpointOutcome out = decide(f.body(0, 20), keys, std::nullopt);
    CHECK(out.status == 200);
    CHECK_FALSE(out.error.has_value());
    CHECK(out.checkpoint == f.checkpoint(20));
    CHECK(out.note.text == *format_checkpoint(f.checkpoint(20)));
    REQUIRE(out.note.signatures.size() == 1);
    CHECK(out.note.signatures[0].name == kOrigin());
  }
  SECTION("200: a consistent extension of the latest checkpoint") {
    for (std::uint64_t old_size : {1, 2, 7, 8, 9, 16, 19}) {
      const AddCheckpointOutcome out = decide(f.body(old_size, 20), keys, f.checkpoint(old_size));
      INFO(old_size);
      CHECK(out.status == 200);
    }
  }
  SECTION("200: the same checkpoint again") {
    CHECK(decide(f.body(20, 20), keys, f.checkpoint(20)).status == 200);
  }
  SECTION("200: the empty tree") {
    CHECK(decide(f.body(0, 0), keys, std::nullopt).status == 200);
  }
  SECTION("only the log's verified signatures are kept for storage") {
    const auto other = test::make_test_key("other.example", kSignatureTypeEd25519, 9);
    const std::string note = test::signed_note(*format_checkpoint(f.checkpoint(20)),
                                               {other.note_signer(), f.log.note_signer()});
    const AddCheckpointOutcome out =
        decide(*format_add_checkpoint_request(0, {}, note), keys, std::nullopt);
    REQUIRE(out.status == 200);
    REQUIRE(out.note.signatures.size() == 1);
    CHECK(out.note.signatures[0].name == kOrigin());
  }
  SECTION("404: unknown origin") {
    check_refused(decide(f.body(0, 20), {}, std::nullopt, false), 404, Errc::unknown_log);
  }
  SECTION("403: no signature from a trusted key") {
    const auto stranger = test::make_test_key(kOrigin(), kSignatureTypeEd25519, 2);
    const std::vector<VerifierKey> other_keys{stranger.vkey};
    check_refused(decide(f.body(0, 20), other_keys, std::nullopt), 403, Errc::note_unverified);
  }
  SECTION("403: a trusted key's signature fails") {
    std::string body = f.body(0, 20);
    body[body.size() - 10] = body[body.size() - 10] == 'A' ? 'B' : 'A';
    check_refused(decide(body, keys, std::nullopt), 403, Errc::signature_invalid);
  }
  SECTION("400: old size larger than the checkpoint") {
    const std::string body = *format_add_checkpoint_request(21, {}, f.note(f.checkpoint(20)));
    check_refused(decide(body, keys, std::nullopt), 400, Errc::out_of_range);
  }
  SECTION("409: old size is not the latest cosigned size, with that size") {
    AddCheckpointOutcome out = decide(f.body(8, 20), keys, f.checkpoint(9));
    check_refused(out, 409, Errc::size_conflict);
    CHECK(out.latest_size == 9);
    CHECK(format_tlog_size(out.latest_size) == "9\n");
    out = decide(f.body(8, 20), keys, std::nullopt);  // never cosigned: latest is 0
    check_refused(out, 409, Errc::size_conflict);
    CHECK(out.latest_size == 0);
    out = decide(f.body(0, 20), keys, f.checkpoint(8));  // the client does not know
    check_refused(out, 409, Errc::size_conflict);
    CHECK(out.latest_size == 8);
  }
  SECTION("422: size 0 with a root other than the empty tree's") {
    Checkpoint bad{kOrigin(), 0, f.checkpoint(1).root, {}};
    const std::string body = *format_add_checkpoint_request(0, {}, f.note(bad));
    check_refused(decide(body, keys, std::nullopt), 422, Errc::merkle_root_mismatch);
  }
  SECTION("422: a proof with old size 0") {
    const std::vector<Hash32> proof{Hash32{}};
    const std::string body = *format_add_checkpoint_request(0, proof, f.note(f.checkpoint(20)));
    check_refused(decide(body, keys, std::nullopt), 422, Errc::merkle_bad_proof);
  }
  SECTION("422: same size, different root") {
    Checkpoint forked = f.checkpoint(20);
    forked.root[0] ^= 1;
    const std::string body = *format_add_checkpoint_request(20, {}, f.note(forked));
    check_refused(decide(body, keys, f.checkpoint(20)), 422, Errc::merkle_root_mismatch);
  }
  SECTION("422: the consistency proof does not verify") {
    std::vector<Hash32> proof = *f.tree.consistency_proof(7, 20);
    proof[1][0] ^= 1;
    const std::string body = *format_add_checkpoint_request(7, proof, f.note(f.checkpoint(20)));
    check_refused(decide(body, keys, f.checkpoint(7)), 422, Errc::merkle_root_mismatch);
    proof.pop_back();
    const std::string short_body =
        *format_add_checkpoint_request(7, proof, f.note(f.checkpoint(20)));
    check_refused(decide(short_body, keys, f.checkpoint(7)), 422, Errc::merkle_bad_proof);
  }
  SECTION("422: a fork, consistent with nothing the witness saw") {
    LogFixture fork(20);
    fork.tree.append(Bytes{0xff});  // a different 21st entry than f's
    LogFixture honest(20);
    honest.tree.append(Bytes{0xee});
    const std::string body = fork.body(20, 21);
    check_refused(decide(body, keys, honest.checkpoint(21)), 409, Errc::size_conflict);
    check_refused(decide(*format_add_checkpoint_request(21, {}, fork.note(fork.checkpoint(21))),
                         keys, honest.checkpoint(21)),
                  422, Errc::merkle_root_mismatch);
  }
}

TEST_CASE("a witness round trip: cosign, respond, and the log opens the response",
          "[tlog][witness]") {
  const LogFixture f(5);
  const auto w1 = test::make_test_key("witness.example/w1", kSignatureTypeCosignatureV1, 11);
  const std::vector<VerifierKey> log_keys{f.log.vkey};
  const AddCheckpointOutcome out = decide(f.body(0, 5), log_keys, std::nullopt);
  REQUIRE(out.status == 200);
  Expected<NoteSignature> cosig = sign_note_text(out.note.text, w1.cosigner(1700000000));
  REQUIRE(cosig.ok());
  const std::vector<NoteSignature> cosigs{*cosig};
  const std::string response = format_add_checkpoint_response(cosigs);
  const std::vector<VerifierKey> witness_keys{w1.vkey};
  Expected<OpenedNote> opened = open_add_checkpoint_response(out.note.text, response, witness_keys);
  REQUIRE(opened.ok());
  REQUIRE(opened->verified.size() == 1);
  CHECK(opened->verified[0].timestamp == std::optional<std::uint64_t>(1700000000));
  // Another witness's key does not verify it.
  const auto w2 = test::make_test_key("witness.example/w2", kSignatureTypeCosignatureV1, 12);
  const std::vector<VerifierKey> other{w2.vkey};
  CHECK(open_add_checkpoint_response(out.note.text, response, other).error().code ==
        Errc::note_unverified);
  CHECK(parse_add_checkpoint_response("").error().code == Errc::invalid_encoding);
  CHECK(parse_add_checkpoint_response("hello\n").error().code == Errc::invalid_encoding);
  CHECK(parse_add_checkpoint_response(response.substr(0, response.size() - 1)).error().code ==
        Errc::invalid_encoding);
}

TEST_CASE("text/x.tlog.size bodies and the origin hash", "[tlog][witness]") {
  CHECK(format_tlog_size(20852163) == "20852163\n");
  CHECK(*parse_tlog_size("20852163\n") == 20852163);
  CHECK(*parse_tlog_size("0\n") == 0);
  CHECK(parse_tlog_size("20852163").error().code == Errc::invalid_encoding);
  CHECK(parse_tlog_size("020\n").error().code == Errc::invalid_encoding);
  CHECK(parse_tlog_size("\n").error().code == Errc::invalid_encoding);
  // SHA-256("example.com/behind-the-sofa"), from Python's hashlib.
  CHECK(origin_hash_hex("example.com/behind-the-sofa") ==
        "5fd2dc0beb4ce54da5050cf6d5c75248b023abad441c3cecde3976fbe9da4fe4");
}
