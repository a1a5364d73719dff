#include "client/common.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "client/language.hpp"
#include "protocol/result_table.hpp"
#include "protocol/text_rules.hpp"

namespace senim::client {

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
                          const std::string& lang, const std::vector<std::uint64_t>& credentials) {
  protocol::ResultLabels labels;
  for (const auto& c : manifest.contests()) {
    protocol::ResultLabels::Contest contest{
        localized(c.title(), lang), {}, c.min_selections() == 0};
    for (const auto& o : c.options())
      contest.options.push_back(localized(o.label(), lang));
    labels.contests.push_back(std::move(contest));
  }
  for (const auto& d : manifest.districts())
    labels.districts.push_back(localized(d.name(), lang));
  labels.credentials = credentials;
  protocol::ResultWords words;
  words.district = tr("district");
  words.total = tr("total");
  words.blank = tr("blank");
  words.turnout_title = tr("turnout");
  words.credentials = tr("credentials");
  words.ballots = tr("ballots counted");
  words.turnout = tr("turnout");
  words.shares = tr("shares are of the ballots counted in the district");
  // TRANSLATORS: what separates groups of three digits in 12,345,678.
  words.thousands = tr(",");
  // TRANSLATORS: the decimal point in a percentage such as 61.2%.
  words.decimal = tr(".");
  return protocol::format_result_table(labels, result, words);
}

std::string default_server() {
  const char* env = std::getenv("SENIM_SERVER");
  return env != nullptr && *env != '\0' ? env : "http://127.0.0.1:8080";
}

std::string short_hex(ByteView key) {
  return to_hex(key).substr(0, 16) + "…";
}

}  // namespace senim::client
