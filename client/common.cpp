#include "client/common.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "protocol/text_rules.hpp"

namespace senim::client {
namespace {

// Display width of UTF-8 text (counts code points; good enough for kk/ru/en).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w) {
  return s + std::string(w > width(s) ? w - width(s) : 0, ' ');
}

std::string lpad(const std::string& s, std::size_t w) {
  return std::string(w > width(s) ? w - width(s) : 0, ' ') + s;
}

// The table's own words in Kazakh, Russian and English.
std::string word(const std::string& english, const std::string& lang) {
  struct Entry {
    const char* en;
    const char* kk;
    const char* ru;
  };
  static constexpr Entry kWords[] = {
      {"total", "барлығы", "всего"},
      {"votes", "дауыс", "голоса"},
      {"(blank)", "(бос бюллетень)", "(пустой бюллетень)"},
      {"ballots counted", "есептелген бюллетень", "учтено бюллетеней"}};
  for (const auto& e : kWords) {
    if (english != e.en)
      continue;
    if (lang == "kk")
      return e.kk;
    if (lang == "ru")
      return e.ru;
  }
  return english;
}

}  // namespace

int fail(const std::string& message) {
  // Messages quote the board and files (an ApiError from the server, an id):
  // one line, with anything unsafe shown escaped.
  std::cerr << "senim: " << protocol::printable(message) << "\n";
  return 1;
}

int fail(const Error& error) {
  return fail(error.message);
}

std::string localized(const v1::Text& text, const std::string& lang) {
  for (const std::string& l : {lang, std::string("en")}) {
    auto it = text.text().find(l);
    if (it != text.text().end())
      return protocol::printable(it->second);
  }
  return text.text().empty() ? std::string() : protocol::printable(text.text().begin()->second);
}

std::string format_result(const v1::Manifest& manifest, const v1::Result& result,
                          const std::string& lang) {
  std::ostringstream out;
  const std::string total_word = word("total", lang);
  const std::string blank_word = word("(blank)", lang);
  const std::string counted_word = word("ballots counted", lang);
  std::vector<std::string> columns;
  for (const auto& d : manifest.districts())
    columns.push_back(localized(d.name(), lang));
  const bool per_district = result.districts_size() > 1;
  if (per_district)
    columns.push_back(total_word);
  else
    columns.assign(1, word("votes", lang));
  std::size_t label_width = std::max(width(blank_word), width(counted_word));
  for (const auto& c : manifest.contests()) {
    for (const auto& o : c.options())
      label_width = std::max(label_width, width(localized(o.label(), lang)));
  }
  label_width += 2;
  std::size_t col = 8;
  for (const auto& c : columns)
    col = std::max(col, width(c) + 2);

  auto row = [&](const std::string& label, auto value_of) {
    out << "  " << pad(label, label_width);
    if (per_district) {
      for (int d = 0; d < result.districts_size(); ++d)
        out << lpad(std::to_string(value_of(result.districts(d))), col);
    }
    out << lpad(std::to_string(value_of(result.total())), col) << "\n";
  };
  for (int c = 0; c < manifest.contests_size(); ++c) {
    const auto& contest = manifest.contests(c);
    out << localized(contest.title(), lang) << "\n";
    out << "  " << pad("", label_width);
    for (const auto& name : columns)
      out << lpad(name, col);
    out << "\n";
    for (int o = 0; o < contest.options_size(); ++o) {
      row(localized(contest.options(o).label(), lang),
          [&](const v1::DistrictResult& d) { return d.contests(c).options(o); });
    }
    if (contest.min_selections() == 0) {
      row(blank_word, [&](const v1::DistrictResult& d) { return d.contests(c).blank(); });
    }
    out << "\n";
  }
  out << "  " << pad(counted_word, label_width);
  if (per_district) {
    for (const auto& d : result.districts())
      out << lpad(std::to_string(d.ballots_counted()), col);
  }
  out << lpad(std::to_string(result.total().ballots_counted()), col) << "\n";
  return out.str();
}

std::string default_server() {
  const char* env = std::getenv("SENIM_SERVER");
  return env != nullptr && *env != '\0' ? env : "http://127.0.0.1:8080";
}

std::string short_hex(ByteView key) {
  return to_hex(key).substr(0, 16) + "…";
}

}  // namespace senim::client
