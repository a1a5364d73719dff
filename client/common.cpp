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

namespace {

// What each kind of error means, in the voter's terms (crypto/error.hpp).
const char* kind_of(Errc code) {
  switch (code) {
    case Errc::invalid_encoding:
      return tr("the data is malformed");
    case Errc::invalid_length:
      return tr("a field or list has the wrong length");
    case Errc::out_of_range:
      return tr("a number is outside its allowed range");
    case Errc::challenge_mismatch:
    case Errc::equation_failed:
    case Errc::identity_element:
      return tr("a proof does not check");
    case Errc::bad_share:
      return tr("a trustee's share does not match its commitments");
    case Errc::decryption_failed:
      return tr("an encrypted message cannot be opened");
    case Errc::not_found:
      return tr("it is not there");
    case Errc::invalid_argument:
      return tr("the data cannot be used");
    case Errc::merkle_root_mismatch:
    case Errc::merkle_bad_proof:
      return tr("a proof of the board's log does not check");
    case Errc::signature_invalid:
      return tr("a signature does not check");
    case Errc::io_error:
      return tr("reading or writing failed");
    case Errc::wrong_phase:
      return tr("the election does not accept this now");
    case Errc::duplicate:
      return tr("the board already has this");
    case Errc::not_authorized:
      return tr("this key may not do this");
    case Errc::note_unverified:
    case Errc::unknown_log:
      return tr("a checkpoint is not signed by this election's board");
    case Errc::size_conflict:
      return tr("a witness has seen another size of the log");
    case Errc::quorum_not_met:
      return tr("the witnesses' cosignatures do not meet the election's quorum");
    case Errc::not_a_fork:
      return tr("the two checkpoints do not prove a fork");
    case Errc::noncanonical_varint:
    case Errc::unknown_field:
    case Errc::repeated_field:
    case Errc::field_order:
    case Errc::default_value:
      return tr("the data is not in its one canonical encoding");
    case Errc::ciphertext_reused:
      return tr("a ciphertext of a challenge was cast, or the reverse");
  }
  return "";
}

}  // namespace

std::string explain(const Error& error) {
  // In English the detail says it all; elsewhere the kind comes first.
  if (spoken_language() == "en")
    return error.message;
  return fill(tr("{1} (in English: {2})"), {kind_of(error.code), error.message});
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
