// Checkpoints (docs/protocol.md §13.4) against c2sp.org/tlog-checkpoint's
// example, and each way a checkpoint text can be malformed.
#include "tlog/checkpoint.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "tests/tlog/tlog_test_support.hpp"
#include "tlog/base64.hpp"
#include "tlog/note.hpp"

using senim::Errc;
using senim::Expected;
using senim::Hash32;
using namespace senim::tlog;

namespace {

const std::string& kSpecText() {
  static const std::string value =
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  return value;
}

Errc parse_error(const std::string& text) {
  return test::code_of(parse_checkpoint(text));
}

}  // namespace

TEST_CASE("tlog-checkpoint spec example parses and formats back", "[tlog][checkpoint]") {
  const std::string note = kSpecText() +
                           "\n\u2014 example.com/behind-the-sofa "
                           "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
                           "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
  Expected<Note> parsed = parse_note(note);
  REQUIRE(parsed.ok());
  Expected<Checkpoint> c = parse_checkpoint(parsed->text);
  REQUIRE(c.ok());
  CHECK(c->origin == "example.com/behind-the-sofa");
  CHECK(c->size == 20852163);
  CHECK(base64_encode(c->root) == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  CHECK(c->extensions.empty());
  CHECK(*format_checkpoint(*c) == kSpecText());
}

TEST_CASE("checkpoint extension lines are kept in order", "[tlog][checkpoint]") {
  const std::string text = kSpecText() + "ext one\n\u00e9xt two\n";
  Expected<Checkpoint> c = parse_checkpoint(text);
  REQUIRE(c.ok());
  REQUIRE(c->extensions.size() == 2);
  CHECK(c->extensions[1] == "\u00e9xt two");
  CHECK(*format_checkpoint(*c) == text);
}

TEST_CASE("checkpoint sizes: decimal, no leading zeros, 64 bits", "[tlog][checkpoint]") {
  const auto with_size = [](const std::string& size) {
    return "o\n" + size + "\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  };
  CHECK(parse_checkpoint(with_size("0"))->size == 0);
  CHECK(parse_checkpoint(with_size("18446744073709551615"))->size == 18446744073709551615ULL);
  CHECK(parse_error(with_size("18446744073709551616")) == Errc::out_of_range);
  CHECK(parse_error(with_size("01")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size("00")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size("+1")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size("-1")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size(" 1")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size("1 ")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size("0x10")) == Errc::invalid_encoding);
  CHECK(parse_error(with_size("\u0661")) == Errc::invalid_encoding);  // ARABIC-INDIC ONE
}

TEST_CASE("checkpoint refusals", "[tlog][checkpoint]") {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  CHECK(parse_error("o\n1\n") == Errc::invalid_encoding);                  // no root line
  CHECK(parse_error("o\n1\n" + root) == Errc::invalid_encoding);           // no final newline
  CHECK(parse_error("\n1\n" + root + "\n") == Errc::invalid_encoding);     // empty origin
  CHECK(parse_error("o\n1\n" + root + "\n\n") == Errc::invalid_encoding);  // empty extension
  CHECK(parse_error("o\n1\n" + root + "\next\n\n") == Errc::invalid_encoding);
  CHECK(parse_error("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n") ==
        Errc::invalid_encoding);  // padding missing
  CHECK(parse_error("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n") ==
        Errc::invalid_encoding);  // a padding bit set: not canonical
  CHECK(parse_error("o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n") ==
        Errc::invalid_length);                                             // 31 bytes
  CHECK(parse_error("o\t\n1\n" + root + "\n") == Errc::invalid_encoding);  // a tab
}

TEST_CASE("format_checkpoint refuses lines a note cannot hold", "[tlog][checkpoint]") {
  Checkpoint c{"example.com/log", 1, Hash32{}, {}};
  CHECK(format_checkpoint(c).ok());
  c.origin = "";
  CHECK(format_checkpoint(c).error().code == Errc::invalid_argument);
  c.origin = "two\nlines";
  CHECK(format_checkpoint(c).error().code == Errc::invalid_argument);
  c.origin = "cr\r";
  CHECK(format_checkpoint(c).error().code == Errc::invalid_argument);
  c.origin = "example.com/log";
  c.extensions = {""};
  CHECK(format_checkpoint(c).error().code == Errc::invalid_argument);
}
