// Display texts (docs/protocol.md §8.1): what the set-up may carry, one case
// per class of refused code point, and printable(), what the tools print
// instead of a text that came from a board or a file.
#include "protocol/text_rules.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "protocol/election_config.hpp"
#include "protocol/entry.hpp"
#include "protocol/manifest_rules.hpp"
#include "sim/election_builder.hpp"

using senim::Errc;
using senim::protocol::check_manifest;
using senim::protocol::printable;
using senim::protocol::printable_lines;
using senim::protocol::text_fault;

namespace {

struct Refused {
  std::string name;
  std::string text;
  std::string fault;
};

// Checks every case and names the one that failed.
void check_refusals(const std::vector<Refused>& cases) {
  for (const auto& c : cases) {
    INFO(c.name);
    const auto fault = text_fault(c.text);
    REQUIRE(fault.has_value());
    CHECK(*fault == c.fault);
  }
}

// "Yes" + the code point's UTF-8 + "No": the code point at byte 3.
std::string around(const std::string& code_point) {
  return "Yes" + code_point + "No";
}

senim::v1::Manifest demo() {
  return senim::sim::demo_manifest("city-2026", 2);
}

std::string manifest_error(const senim::v1::Manifest& m) {
  const auto shape = check_manifest(m);
  REQUIRE_FALSE(shape.ok());
  CHECK(shape.error().code == Errc::invalid_argument);
  return shape.error().message;
}

}  // namespace

TEST_CASE("display texts: Kazakh, Russian, English, emoji and direction marks are accepted",
          "[protocol][text]") {
  for (const std::string ok : {"Республикалық референдум", "Общественный совет: выберите двоих",
                               "Public council", "Дәурен",
                               "\xF0\x9F\x97\xB3 vote",  // U+1F5F3, four bytes
                               "\xE2\x80\x8E"
                               "LRM \xE2\x80\x8F"
                               "RLM \xD8\x9C"
                               "ALM",
                               "\xC2\xA0"
                               "no-break space U+00A0",
                               "a\\x1b is four characters", ""}) {
    INFO(ok);
    CHECK_FALSE(text_fault(ok).has_value());
    CHECK(printable(ok) == ok);
  }
}

TEST_CASE("display texts: every C0 control is refused, TAB, LF and CR included",
          "[protocol][text]") {
  check_refusals({
      {"NUL", around(std::string(1, '\0')), "control character U+0000 at byte 3"},
      {"TAB", around("\t"), "control character U+0009 at byte 3"},
      {"LF", around("\n"), "control character U+000A at byte 3"},
      {"CR", around("\r"), "control character U+000D at byte 3"},
      {"ESC", around("\x1b[2K\r"), "control character U+001B at byte 3"},
      {"US", around("\x1f"), "control character U+001F at byte 3"},
      {"ESC first", "\x1b]0;title\x07", "control character U+001B at byte 0"},
  });
}

TEST_CASE("display texts: DEL and the C1 controls are refused", "[protocol][text]") {
  check_refusals({
      {"DEL", around("\x7f"), "control character U+007F at byte 3"},
      {"U+0080", around("\xC2\x80"), "control character U+0080 at byte 3"},
      {"NEL U+0085", around("\xC2\x85"), "control character U+0085 at byte 3"},
      {"CSI U+009B", around("\xC2\x9B"), "control character U+009B at byte 3"},
      {"U+009F", around("\xC2\x9F"), "control character U+009F at byte 3"},
  });
  CHECK_FALSE(text_fault(around("\xC2\xA0")).has_value());  // U+00A0, just after C1
}

TEST_CASE("display texts: the line and paragraph separators are refused", "[protocol][text]") {
  check_refusals({
      {"U+2028", around("\xE2\x80\xA8"), "line separator U+2028 at byte 3"},
      {"U+2029", around("\xE2\x80\xA9"), "line separator U+2029 at byte 3"},
  });
  CHECK_FALSE(text_fault(around("\xE2\x80\xA7")).has_value());  // U+2027, just before
}

TEST_CASE("display texts: bidirectional embeddings, overrides and isolates are refused",
          "[protocol][text]") {
  check_refusals({
      {"LRE U+202A", around("\xE2\x80\xAA"), "bidirectional control U+202A at byte 3"},
      {"RLE U+202B", around("\xE2\x80\xAB"), "bidirectional control U+202B at byte 3"},
      {"PDF U+202C", around("\xE2\x80\xAC"), "bidirectional control U+202C at byte 3"},
      {"LRO U+202D", around("\xE2\x80\xAD"), "bidirectional control U+202D at byte 3"},
      {"RLO U+202E", around("\xE2\x80\xAE"), "bidirectional control U+202E at byte 3"},
      {"LRI U+2066", around("\xE2\x81\xA6"), "bidirectional control U+2066 at byte 3"},
      {"RLI U+2067", around("\xE2\x81\xA7"), "bidirectional control U+2067 at byte 3"},
      {"FSI U+2068", around("\xE2\x81\xA8"), "bidirectional control U+2068 at byte 3"},
      {"PDI U+2069", around("\xE2\x81\xA9"), "bidirectional control U+2069 at byte 3"},
  });
  CHECK_FALSE(text_fault(around("\xE2\x80\xAF")).has_value());  // U+202F, just after
  CHECK_FALSE(text_fault(around("\xE2\x81\xA5")).has_value());  // U+2065, just before
  CHECK_FALSE(text_fault(around("\xE2\x81\xAA")).has_value());  // U+206A, just after
}

TEST_CASE("display texts: invalid UTF-8 is refused at its first bad byte", "[protocol][text]") {
  check_refusals({
      {"lone continuation", around("\x80"), "invalid UTF-8 at byte 3"},
      {"overlong NUL", around("\xC0\x80"), "invalid UTF-8 at byte 3"},
      {"overlong ESC", around("\xC0\x9B"), "invalid UTF-8 at byte 3"},
      {"overlong 3-byte", around("\xE0\x80\xAF"), "invalid UTF-8 at byte 3"},
      {"overlong 4-byte", around("\xF0\x80\x80\xAF"), "invalid UTF-8 at byte 3"},
      {"surrogate", around("\xED\xA0\x80"), "invalid UTF-8 at byte 3"},
      {"above U+10FFFF", around("\xF4\x90\x80\x80"), "invalid UTF-8 at byte 3"},
      {"F5 lead", around("\xF5\x80\x80\x80"), "invalid UTF-8 at byte 3"},
      {"FF", around("\xFF"), "invalid UTF-8 at byte 3"},
      {"cut short", "Yes\xE2\x80", "invalid UTF-8 at byte 3"},
      {"continuation missing",
       around("\xD0"
              "A"),
       "invalid UTF-8 at byte 3"},
      {"after Cyrillic", "Иә\xFF", "invalid UTF-8 at byte 4"},
  });
}

TEST_CASE("printable shows every refused code point and invalid byte as a visible escape",
          "[protocol][text]") {
  CHECK(printable("Yes\x1b[2K\rNo") == "Yes\\x1b[2K\\x0dNo");
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("line\nnext\ttab\x7f") == "line\\x0anext\\x09tab\\x7f");
  CHECK(printable("\xC2\x9B"
                  "31m") == "\\u009b31m");
  CHECK(printable("\xE2\x80\xAE"
                  "cba") == "\\u202ecba");
  CHECK(printable("\xE2\x81\xA6x\xE2\x81\xA9") == "\\u2066x\\u2069");
  CHECK(printable("\xE2\x80\xA8") == "\\u2028");
  CHECK(printable("bad\xFF\xC0\x80") == "bad\\xff\\xc0\\x80");
  CHECK(printable("Иә\xD0") == "Иә\\xd0");
  // Nothing the terminal acts on is left: only printable ASCII and valid
  // UTF-8 above U+009F.
  const std::string hostile = "\x1b]0;x\x07\r\n\xC2\x9B\xE2\x80\xAE\xFF";
  for (const char c : printable(hostile)) {
    const auto b = static_cast<unsigned char>(c);
    CHECK((b >= 0x20 && b < 0x7f));
  }
}

TEST_CASE("printable is idempotent, and printable_lines keeps line breaks only",
          "[protocol][text]") {
  const std::string hostile = "a\x1b[2K\rb\nc\xE2\x80\xAE\xFF";
  CHECK(printable(printable(hostile)) == printable(hostile));
  CHECK(printable_lines("one\ntwo\x1b\n") == "one\ntwo\\x1b\n");
  CHECK(printable_lines("cr\r\n") == "cr\\x0d\n");
  CHECK(senim::protocol::quoted("x\ny") == "\"x\\x0ay\"");
}

TEST_CASE("check_manifest refuses a control character in any text and names the field",
          "[protocol][text]") {
  SECTION("an option label") {
    auto m = demo();
    (*m.mutable_contests(0)->mutable_options(0)->mutable_label()->mutable_text())["en"] =
        "Yes\x1b[2K\rNo";
    CHECK(manifest_error(m) ==
          "manifest: contest referendum option yes label (en): control character U+001B at byte 3");
  }
  SECTION("the manifest title") {
    auto m = demo();
    (*m.mutable_title()->mutable_text())["ru"] =
        "\xE2\x80\xAE"
        "мудненефер";
    CHECK(manifest_error(m) == "manifest: title (ru): bidirectional control U+202E at byte 0");
  }
  SECTION("a contest title") {
    auto m = demo();
    (*m.mutable_contests(1)->mutable_title()->mutable_text())["kk"] = "Кеңес\nЖоқ";
    CHECK(manifest_error(m) ==
          "manifest: contest council title (kk): control character U+000A at byte 10");
  }
  SECTION("a district name") {
    auto m = demo();
    (*m.mutable_districts(0)->mutable_name()->mutable_text())["en"] = "Reg\xC0\xAEion";
    CHECK(manifest_error(m) == "manifest: district region-1 name (en): invalid UTF-8 at byte 3");
  }
  SECTION("a language key beyond the listed ones") {
    auto m = demo();
    (*m.mutable_contests(0)->mutable_title()->mutable_text())["\x1b[31m"] = "red";
    CHECK(manifest_error(m) ==
          "manifest: contest referendum title has a language key with a "
          "control character U+001B at byte 0");
  }
  SECTION("the first failure in key order, whatever the map's order") {
    auto m = demo();
    auto& label = *m.mutable_contests(0)->mutable_options(1)->mutable_label()->mutable_text();
    label["ru"] = "Нет\xC2\x85";
    label["en"] = "No\x7f";
    label["kk"] = "Жоқ\t";
    CHECK(manifest_error(m) ==
          "manifest: contest referendum option no label (en): control character U+007F at byte 2");
  }
}

TEST_CASE("check_manifest quotes an invalid identifier escaped", "[protocol][text]") {
  auto m = demo();
  m.set_election_id("city\x1b[2K\rfake");
  CHECK(manifest_error(m) ==
        "manifest: election_id \"city\\x1b[2K\\x0dfake\" must match [a-z0-9._-]{1,64}");
}

TEST_CASE("check_setup refuses a trustee name with a bidirectional override", "[protocol][text]") {
  senim::sim::ElectionPlan plan;
  plan.manifest = demo();
  senim::sim::ElectionBuilder b(std::move(plan));
  b.setup();
  auto setup = senim::protocol::parse_entry(b.entries().at(0));
  REQUIRE(setup.ok());
  REQUIRE(senim::protocol::check_setup(*setup).ok());
  senim::v1::Statement st = setup->statement;
  st.mutable_setup()->mutable_trustees(1)->set_name(
      "Trustee \xE2\x80\xAE"
      "2");
  const auto bad = senim::protocol::parse_entry(senim::protocol::make_entry(b.authority_key(), st));
  REQUIRE(bad.ok());
  const auto checked = senim::protocol::check_setup(*bad);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().code == Errc::invalid_argument);
  CHECK(checked.error().message ==
        "set-up: trustee 2 name: bidirectional control U+202E at byte 8");
}
