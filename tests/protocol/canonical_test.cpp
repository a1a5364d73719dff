// docs/protocol.md §11.1.1: the canonical encoding. Each rule's refusal is
// a named case with its exact bytes and error; the scanner is compared with
// a naive reference on mutated entries of a real election.
#include "protocol/canonical.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "proto/board.pb.h"
#include "protocol/entry.hpp"
#include "sim/election_builder.hpp"
#include "tests/protocol/naive_canonical.hpp"
#include "tests/protocol/wire_edits.hpp"

using senim::Bytes;
using senim::Errc;
using senim::errc_name;
using senim::protocol::check_canonical;
namespace v1 = senim::v1;

namespace {

// Close statement for election "e": 0a 01 65 (election_id) 92 01 00 (close, field 18, empty).
constexpr std::array<std::uint8_t, 6> kClose{0x0a, 0x01, 0x65, 0x92, 0x01, 0x00};

struct Case {
  const char* name;
  const google::protobuf::Descriptor* type;
  Bytes bytes;
  Errc code;
  const char* says;  // a part of the message
};

std::string refusal(const Case& c) {
  const senim::Status s = check_canonical(c.bytes, *c.type);
  return s ? std::string("accepted") : std::string(errc_name(s.error().code));
}

}  // namespace

TEST_CASE("the canonical encoding of a close statement, byte by byte", "[protocol][canonical]") {
  v1::Statement st;
  st.set_election_id("e");
  st.mutable_close();
  CHECK(senim::same_bytes(senim::protocol::serialize(st), kClose));
  CHECK(check_canonical(kClose, *v1::Statement::descriptor()).ok());
  v1::Statement parsed;
  CHECK(senim::protocol::parse_canonical(kClose, parsed).ok());
  CHECK(parsed.has_close());
}

TEST_CASE("libprotobuf 3.21 writes map entries as key then value, both always, sorted by key",
          "[protocol][canonical]") {
  v1::Text text;
  (*text.mutable_text())["ru"] = "";
  (*text.mutable_text())["en"] = "x";
  (*text.mutable_text())[""] = "";
  // "" < "en" < "ru"; an empty key or value is still written (0a 00, 12 00).
  const Bytes expected{0x0a, 0x04, 0x0a, 0x00, 0x12, 0x00,                   // "" → ""
                       0x0a, 0x07, 0x0a, 0x02, 'e',  'n',  0x12, 0x01, 'x',  // en → x
                       0x0a, 0x06, 0x0a, 0x02, 'r',  'u',  0x12, 0x00};      // ru → ""
  CHECK(senim::same_bytes(senim::protocol::serialize(text), expected));
  CHECK(check_canonical(expected, *v1::Text::descriptor()).ok());
}

TEST_CASE("each rule of the canonical encoding is refused with its own error",
          "[protocol][canonical]") {
  const auto* statement = v1::Statement::descriptor();
  const auto* ballot = v1::Ballot::descriptor();
  const auto* opening = v1::ContestOpening::descriptor();
  const auto* text = v1::Text::descriptor();
  const std::vector<Case> cases{
      {"unknown-field", statement, senim::test::wire::with_unknown_field(kClose),
       Errc::unknown_field, "field 127 (wire type 0) is not a field of Statement"},
      {"known-field-wrong-wire-type",
       statement,
       {0x08, 0x01, 0x92, 0x01, 0x00},
       Errc::unknown_field,
       "Statement.election_id has wire type 0"},
      {"length-in-two-bytes", statement, senim::test::wire::with_padded_length(kClose),
       Errc::noncanonical_varint, "a varint of 2 bytes whose last byte is 0x00"},
      {"key-in-two-bytes",
       statement,
       {0x8a, 0x00, 0x01, 0x65, 0x92, 0x01, 0x00},
       Errc::noncanonical_varint,
       "not the shortest encoding"},
      {"uint32-beyond-32-bits",
       ballot,
       {0x18, 0x80, 0x80, 0x80, 0x80, 0x10},
       Errc::noncanonical_varint,
       "value 4294967296 does not fit 32 bits"},
      {"varint-of-11-bytes",
       ballot,
       {0x18, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
       Errc::noncanonical_varint,
       "wider than 64 bits"},
      {"oneof-given-twice", statement, senim::test::wire::with_two_bodies(kClose),
       Errc::repeated_field, "Statement.body holds both setup and close"},
      {"field-given-twice",
       statement,
       {0x0a, 0x01, 0x65, 0x0a, 0x01, 0x65, 0x92, 0x01, 0x00},
       Errc::repeated_field,
       "Statement.election_id is given twice"},
      {"packed-field-twice",
       opening,
       {0x0a, 0x01, 0x01, 0x0a, 0x01, 0x00},
       Errc::repeated_field,
       "ContestOpening.choices is given twice"},
      {"fields-out-of-order", statement, senim::test::wire::with_fields_swapped(kClose),
       Errc::field_order, "comes after field 18"},
      {"empty-string-written", statement, senim::test::wire::with_empty_id(kClose),
       Errc::default_value, "Statement.election_id is written empty"},
      {"zero-written",
       ballot,
       {0x18, 0x00},
       Errc::default_value,
       "Ballot.sequence is written as 0"},
      {"empty-packed-list",
       opening,
       {0x0a, 0x00},
       Errc::default_value,
       "ContestOpening.choices is written empty"},
      {"repeated-number-not-packed",
       opening,
       {0x08, 0x01},
       Errc::invalid_encoding,
       "must be packed"},
      {"length-beyond-the-end",
       statement,
       {0x0a, 0x05, 0x65},
       Errc::invalid_encoding,
       "a length of 5 bytes, but only 1 remain"},
      {"varint-cut-short",
       ballot,
       {0x18, 0x80},
       Errc::invalid_encoding,
       "the bytes end inside a varint"},
      {"string-not-utf8",
       statement,
       {0x0a, 0x01, 0xff, 0x92, 0x01, 0x00},
       Errc::invalid_encoding,
       "is not valid UTF-8"},
      {"string-overlong-utf8",
       statement,
       {0x0a, 0x02, 0xc0, 0x80, 0x92, 0x01, 0x00},
       Errc::invalid_encoding,
       "is not valid UTF-8"},
      {"string-utf8-surrogate",
       statement,
       {0x0a, 0x03, 0xed, 0xa0, 0x80, 0x92, 0x01, 0x00},
       Errc::invalid_encoding,
       "is not valid UTF-8"},
      {"map-keys-descending",
       text,
       {0x0a, 0x06, 0x0a, 0x02, 'r', 'u', 0x12, 0x00, 0x0a, 0x06, 0x0a, 0x02, 'e', 'n', 0x12, 0x00},
       Errc::field_order,
       "key \"en\" comes after \"ru\""},
      {"map-key-twice",
       text,
       {0x0a, 0x06, 0x0a, 0x02, 'e', 'n', 0x12, 0x00, 0x0a, 0x06, 0x0a, 0x02, 'e', 'n', 0x12, 0x00},
       Errc::repeated_field,
       "has the key \"en\" twice"},
      {"map-entry-without-value",
       text,
       {0x0a, 0x04, 0x0a, 0x02, 'e', 'n'},
       Errc::invalid_encoding,
       "a map entry is its key"},
      {"map-entry-value-first",
       text,
       {0x0a, 0x06, 0x12, 0x00, 0x0a, 0x02, 'e', 'n'},
       Errc::invalid_encoding,
       "a map entry is its key"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const senim::Status s = check_canonical(c.bytes, *c.type);
    REQUIRE(!s.ok());
    CHECK(refusal(c) == errc_name(c.code));
    CHECK_THAT(s.error().message, Catch::Matchers::Contains(c.says));
  }
}

TEST_CASE("what the canonical form allows: empty messages and empty list elements",
          "[protocol][canonical]") {
  // An empty submessage is written when set (the close above); an empty
  // element of a repeated bytes field is written too (decode_ballot then
  // refuses its length, a separate rule).
  const Bytes empty_selection{0x0a, 0x00};
  CHECK(check_canonical(empty_selection, *v1::ContestBallot::descriptor()).ok());
  CHECK(check_canonical(Bytes{}, *v1::Statement::descriptor()).ok());
}

TEST_CASE("parse_entry refuses an entry over 65,535 bytes before reading it",
          "[protocol][canonical]") {
  const Bytes too_big(senim::protocol::kMaxEntryBytes + 1, 0x00);
  auto parsed = senim::protocol::parse_entry(too_big);
  REQUIRE(!parsed);
  CHECK(parsed.error().code == Errc::invalid_length);
  CHECK_THAT(parsed.error().message, Catch::Matchers::Contains("exceeds the limit of 65535"));
  CHECK(senim::protocol::kMaxEntryBytes == 65'535);
}

TEST_CASE("the scanner agrees with a naive reference on mutated entries of a real election",
          "[protocol][canonical]") {
  senim::protocol::quiet_protobuf_logging();  // libprotobuf would print each invalid UTF-8
  senim::sim::ElectionPlan plan;
  plan.manifest = senim::sim::demo_manifest("canonical-2026", 2);
  plan.voters = 3;
  senim::sim::ElectionBuilder b(plan);
  b.prepare();
  b.cast(0, senim::sim::demo_choices(0, {1, 0, 0, 0, 1}));
  b.challenge(1, senim::sim::demo_choices(2, {0, 0, 0, 0, 0}));
  b.finish();
  std::mt19937 random(20261125);  // fixed: the same mutations every run
  v1::Entry entry;
  v1::Statement statement;
  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (const Bytes& original : b.entries()) {
    const std::string inner = senim::protocol::parse_entry(original)->entry.statement();
    for (const Bytes& start : {original, Bytes(inner.begin(), inner.end())}) {
      for (int i = 0; i < 300; ++i) {
        Bytes m = start;
        const std::size_t at = random() % m.size();
        switch (random() % 4) {
          case 0:  // flip one bit
            m[at] = static_cast<std::uint8_t>(m[at] ^ (1U << (random() % 8)));
            break;
          case 1:  // insert a byte
            m.insert(m.begin() + static_cast<std::ptrdiff_t>(at),
                     static_cast<std::uint8_t>(random()));
            break;
          case 2:  // delete a byte
            m.erase(m.begin() + static_cast<std::ptrdiff_t>(at));
            break;
          default:  // repeat a slice
            m.insert(m.begin() + static_cast<std::ptrdiff_t>(at), m.begin(),
                     m.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(at, 8)));
            break;
        }
        for (google::protobuf::Message* scratch :
             std::initializer_list<google::protobuf::Message*>{&entry, &statement}) {
          const bool naive = senim::test::naive_canonical(m, *scratch);
          const bool scanned = check_canonical(m, *scratch->GetDescriptor()).ok();
          INFO(scratch->GetDescriptor()->name() << " " << senim::to_hex(m));
          REQUIRE(scanned == naive);
          (scanned ? accepted : refused) += 1;
        }
      }
    }
  }
  // Both answers occur often: the comparison means something.
  CHECK(accepted > 1000);
  CHECK(refused > 1000);
}

TEST_CASE("every field an entry can hold has a type the canonical rules cover",
          "[protocol][canonical]") {
  using google::protobuf::FieldDescriptor;
  std::vector<const google::protobuf::Descriptor*> todo{v1::Entry::descriptor(),
                                                        v1::Statement::descriptor()};
  std::set<const google::protobuf::Descriptor*> seen;
  while (!todo.empty()) {
    const auto* type = todo.back();
    todo.pop_back();
    if (!seen.insert(type).second)
      continue;
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor& f = *type->field(i);
      INFO(f.full_name());
      const bool covered =
          f.type() == FieldDescriptor::TYPE_UINT32 || f.type() == FieldDescriptor::TYPE_UINT64 ||
          f.type() == FieldDescriptor::TYPE_STRING || f.type() == FieldDescriptor::TYPE_BYTES ||
          f.type() == FieldDescriptor::TYPE_MESSAGE;
      CHECK(covered);
      // Rule 4's default values: a singular number or string/bytes outside a
      // oneof has no presence; messages and oneof members have it.
      if (!f.is_repeated()) {
        CHECK(f.has_presence() ==
              (f.type() == FieldDescriptor::TYPE_MESSAGE || f.real_containing_oneof() != nullptr));
      }
      if (f.is_map()) {
        CHECK(f.message_type()->map_key()->type() == FieldDescriptor::TYPE_STRING);
        CHECK(f.message_type()->map_value()->type() == FieldDescriptor::TYPE_STRING);
      } else if (f.type() == FieldDescriptor::TYPE_MESSAGE) {
        todo.push_back(f.message_type());
      }
    }
  }
  CHECK(seen.size() > 20);
}
