// What `senim` prints of a text that came from the board: localized() and
// the result table escape it, and TerminalGuard lets nothing but printable
// text and line breaks through a stream (client/terminal_text.hpp).
#include "client/terminal_text.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "client/common.hpp"
#include "sim/election_builder.hpp"

using senim::client::localized;
using senim::client::TerminalGuard;

namespace {

senim::v1::Text text_in(const std::string& lang, const std::string& value) {
  senim::v1::Text t;
  (*t.mutable_text())[lang] = value;
  return t;
}

}  // namespace

TEST_CASE("TerminalGuard escapes controls and bidi characters and keeps line breaks",
          "[client][text]") {
  std::ostringstream out;
  {
    const TerminalGuard guard(out);
    out << "line one\n"
        << "Yes\x1b[2K\rNo" << '\n'
        << "\xE2\x80\xAE"
           "abc\t"
        << std::flush;
    out << "Дәурен\n";
  }
  CHECK(out.str() == "line one\nYes\\x1b[2K\\x0dNo\n\\u202eabc\\x09Дәурен\n");
  out << "\x1b";  // the stream's own buffer is back
  CHECK(out.str().back() == '\x1b');
}

TEST_CASE("TerminalGuard joins a UTF-8 sequence cut between two writes", "[client][text]") {
  std::ostringstream out;
  {
    const TerminalGuard guard(out);
    out << "Д\xD3" << std::flush;  // ә is D3 99
    out << "\x99"
           "урен\n";
    out << "\xE2\x80" << std::flush;  // U+202E, cut after two bytes
    out << "\xAE"
           "x\n";
    out << "cut at the end \xE2\x80";
  }
  CHECK(out.str() == "Дәурен\n\\u202ex\ncut at the end \\xe2\\x80");
}

TEST_CASE("localized() returns a board's text escaped, whatever language it falls back to",
          "[client][text]") {
  CHECK(localized(text_in("kk", "Иә\x1b[2K\rЖоқ"), "kk") == "Иә\\x1b[2K\\x0dЖоқ");
  CHECK(localized(text_in("en", "Yes\nNo"), "kk") == "Yes\\x0aNo");
  CHECK(localized(text_in("xx", "\xE2\x81\xA6z"), "kk") == "\\u2066z");
  CHECK(localized(text_in("en", "Yes"), "en") == "Yes");
}

TEST_CASE("the result table shows hostile labels escaped", "[client][text]") {
  senim::v1::Manifest m = senim::sim::referendum_manifest("e1", false, 2);
  (*m.mutable_contests(0)->mutable_options(0)->mutable_label()->mutable_text())["en"] =
      "Yes\x1b[2K\r";
  (*m.mutable_contests(0)->mutable_title()->mutable_text())["en"] =
      "\xC2\x9B"
      "2J";
  (*m.mutable_districts(1)->mutable_name()->mutable_text())["en"] = "Region\xE2\x80\xAE";
  senim::v1::Result result;
  for (auto* d : {result.add_districts(), result.add_districts(), result.mutable_total()}) {
    auto* c = d->add_contests();
    c->add_options(1);
    c->add_options(2);
  }
  const std::string table = senim::client::format_result(m, result, "en");
  INFO(table);
  CHECK(table.find('\x1b') == std::string::npos);
  CHECK(table.find('\r') == std::string::npos);
  CHECK(table.find("\xC2\x9B") == std::string::npos);
  CHECK(table.find("\xE2\x80\xAE") == std::string::npos);
  CHECK_THAT(table, Catch::Matchers::StartsWith("\\u009b2J\n") &&
                        Catch::Matchers::Contains("Yes\\x1b[2K\\x0d") &&
                        Catch::Matchers::Contains("Region\\u202e"));
}
