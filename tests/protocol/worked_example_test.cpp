// The worked example in tests/data/worked-example: still what the code makes,
// and every value in values.json recomputed from the record alone.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/dlog.hpp"
#include "crypto/elgamal.hpp"
#include "crypto/merkle.hpp"
#include "crypto/threshold_decryption.hpp"
#include "protocol/board_checkpoint.hpp"
#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"
#include "protocol/tracking_code.hpp"
#include "tests/test_data.hpp"
#include "verifier/record_verifier.hpp"

namespace fs = std::filesystem;
using senim::Bytes;
using senim::to_hex;
using senim::crypto::Point;
using senim::crypto::Scalar;
using senim::test::hex;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Bytes> read_entries(const std::string& path) {
  auto reader = senim::protocol::RecordReader::open(path);
  REQUIRE(reader.ok());
  std::vector<Bytes> out;
  while (true) {
    auto frame = reader->next();
    REQUIRE(frame.ok());
    if (!frame->has_value())
      break;
    if ((*frame)->kind == senim::protocol::FrameKind::entry)
      out.push_back((*frame)->payload);
  }
  return out;
}

Point point(const std::string& h) {
  return *Point::decode(hex(h));
}
Scalar scalar(const std::string& h) {
  return *Scalar::decode(hex(h));
}

}  // namespace

TEST_CASE("the worked example is what the code makes today", "[worked-example]") {
  const fs::path dir = fs::temp_directory_path() / "senim-worked-example-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string command =
      std::string(SENIM_WORKED_EXAMPLE_BINARY) + " " + dir.string() + " 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  CHECK(slurp((dir / "record.senim").string()) ==
        slurp(senim::test::data_path("worked-example/record.senim")));
  CHECK(slurp((dir / "values.json").string()) ==
        slurp(senim::test::data_path("worked-example/values.json")));
  fs::remove_all(dir);
}

TEST_CASE("the worked example's intermediate values follow from its record", "[worked-example]") {
  const std::string record = senim::test::data_path("worked-example/record.senim");
  const auto v = senim::test::load_json("worked-example/values.json");
  const auto report = senim::verifier::verify_record(record);
  INFO(report.to_text());
  REQUIRE(report.outcome() == senim::verifier::Outcome::verified);

  const auto entries = read_entries(record);
  REQUIRE(entries.size() == v["entries"].size());
  senim::crypto::merkle::MerkleLog log;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(to_hex(senim::crypto::merkle::leaf_hash(entries[i])) == v["entries"][i]["leaf_hash"]);
    log.append(entries[i]);
  }

  // §8.2 and §8.4: the set-up hash and the base hash.
  const auto setup = *senim::protocol::parse_entry(entries[0]);
  const auto config = *senim::protocol::check_setup(setup);
  // §11.2: the board's vkey and its checkpoint over every entry.
  CHECK(config.log_origin == v["log_origin"]);
  CHECK(senim::tlog::format_vkey(config.board_vkey) == v["board_vkey"]);
  const auto checkpoint = senim::protocol::verify_board_checkpoint(
      v["checkpoint"].get<std::string>(), config.board_vkey);
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->checkpoint.size == entries.size());
  CHECK(checkpoint->checkpoint.root == log.root());
  CHECK(to_hex(config.setup_hash) == v["setup_hash"]);
  std::vector<senim::crypto::Element> shares;
  Point joint;
  for (const auto& t : v["trustees"]) {
    // §6.3.1: the box key's signing message, rebuilt here byte by byte, and
    // the trustee's Ed25519 signature of it.
    const std::string tag = "senim/v1/ceremony-box-key";
    const std::string id = v["election_id"];
    Bytes message{0, 0, 0, static_cast<std::uint8_t>(tag.size())};
    message.insert(message.end(), tag.begin(), tag.end());
    message.insert(message.end(), {0, 0, 0, static_cast<std::uint8_t>(id.size())});
    message.insert(message.end(), id.begin(), id.end());
    const Bytes board = hex(v["board_key"]);
    const Bytes box = hex(t["box_key"]);
    message.insert(message.end(), board.begin(), board.end());
    message.insert(message.end(), box.begin(), box.end());
    CHECK(to_hex(message) == t["box_key_signing_message"]);
    const Bytes signature = hex(t["box_key_signature"]);
    const Bytes signing_key = hex(t["signing_key"]);
    REQUIRE(signature.size() == crypto_sign_BYTES);
    CHECK(crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                      signing_key.data()) == 0);
    const auto& info = setup.statement.setup().trustees(t["trustee"].get<int>() - 1);
    CHECK(to_hex(senim::as_bytes(info.box_key_signature())) == t["box_key_signature"]);

    shares.emplace_back(point(t["public_share"]));
    joint += point(t["commitments"][0]);
    // x_t·G = X_t
    CHECK(Point::mul_generator(scalar(t["secret_share"])) == point(t["public_share"]));
  }
  CHECK(to_hex(joint.encode()) == v["joint_key"]);
  const senim::crypto::Element k(joint);
  CHECK(to_hex(senim::protocol::base_hash(config, k, shares)) == v["base_hash"]);

  // §9.2 and §9.4: every ciphertext re-encrypts from its choice and nonce;
  // every tracking code is the hash of the ballot's statement bytes.
  const senim::crypto::PublicKey key(joint);
  for (const auto& b : v["ballots"]) {
    const auto parsed = *senim::protocol::parse_entry(entries[b["leaf"].get<std::size_t>()]);
    CHECK(to_hex(senim::protocol::tracking_code(senim::as_bytes(parsed.entry.statement()))) ==
          b["tracking_code"]);
    for (const auto& c : b["contests"]) {
      for (std::size_t i = 0; i < c["choices"].size(); ++i) {
        const auto ct = senim::crypto::encrypt(key, c["choices"][i].get<std::uint64_t>(),
                                               scalar(c["nonces"][i]));
        CHECK(to_hex(ct.encode()) == c["selections"][i]);
      }
      if (c.contains("blank")) {
        const auto ct =
            senim::crypto::encrypt(key, c["blank"].get<std::uint64_t>(), scalar(c["blank_nonce"]));
        CHECK(to_hex(ct.encode()) == c["blank_ciphertext"]);
      }
    }
  }

  // §10.1: the tally's superseded_hash, computed here by hand:
  // SHA-256(LP("senim/v1/superseded") ‖ u64_be(leaf) ‖ …), leaves ascending.
  const std::string tag = "senim/v1/superseded";
  senim::Bytes hashed;
  senim::append_u32_be(hashed, static_cast<std::uint32_t>(tag.size()));
  senim::append(hashed, senim::as_bytes(tag));
  for (const auto& leaf : v["superseded"])
    senim::append_u64_be(hashed, leaf.get<std::uint64_t>());
  senim::Hash32 superseded{};
  crypto_hash_sha256(superseded.data(), hashed.data(), hashed.size());
  CHECK(to_hex(superseded) == v["superseded_hash"]);
  for (const senim::Bytes& e : entries) {
    const auto parsed = *senim::protocol::parse_entry(e);
    if (parsed.statement.has_tally()) {
      CHECK(senim::same_bytes(parsed.statement.tally().superseded_hash(), superseded));
      CHECK(parsed.statement.tally().superseded_count() == v["superseded"].size());
    }
    // §11.1.1: every entry is its own deterministic serialisation.
    CHECK(senim::same_bytes(senim::protocol::serialize(parsed.entry), e));
  }

  // §6.7 and §10.3: M = β − λ_1·D_1 − λ_3·D_3, then m by discrete log.
  const std::vector<std::uint32_t> set{1, 3};
  const Scalar l1 = *senim::crypto::lagrange_coefficient(1, set);
  const Scalar l3 = *senim::crypto::lagrange_coefficient(3, set);
  CHECK(to_hex(l1.encode()) == v["lagrange_coefficients"]["1"]);
  CHECK(to_hex(l3.encode()) == v["lagrange_coefficients"]["3"]);
  // Σ λ_t = 1: interpolating the constant polynomial 1 at 0 gives 1.
  CHECK((l1 + l3).ct_equals(Scalar::one()));
  const senim::crypto::DiscreteLog dlog(10);
  for (const auto& d : v["decryption"]) {
    const auto ct = *senim::crypto::Ciphertext::decode(hex(d["ciphertext"]));
    const Point m_g = ct.beta - point(d["share_trustee_1"]) * l1 - point(d["share_trustee_3"]) * l3;
    CHECK(to_hex(m_g.encode()) == d["m_G"]);
    CHECK(dlog.solve(m_g) == d["count"].get<std::uint64_t>());
  }
}
