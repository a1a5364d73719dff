// The result as people read it (docs/voter-guide.md, docs/operator-guide.md
// "The result"): `senim admin result` and `senim-verify` print it the same
// way. One row per district and a total row; per contest, a column per
// option (and blank) with its count and its share of the district's ballots
// counted; a turnout table when the credentials per district are known.
// Lines stay within a width: options that do not fit go to a further band
// of columns, which repeats the district column. Formatting only: the
// counts are whatever the caller checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/tally.pb.h"

namespace senim::protocol {

// The table's own words, in the reader's language (English by default).
struct ResultWords {
  std::string district = "district";
  std::string total = "total";
  std::string blank = "blank";
  std::string turnout_title = "turnout";
  std::string credentials = "credentials";
  std::string ballots = "ballots counted";
  std::string turnout = "turnout";
  std::string shares = "shares are of the ballots counted in the district";
  std::string thousands = ",";  // between groups of three digits
  std::string decimal = ".";    // in a percentage
};

// The names the table shows, resolved by the caller (in a language, made
// printable): one title and option list per contest, one name per district
// of the result (in its order).
struct ResultLabels {
  struct Contest {
    std::string title;
    std::vector<std::string> options;
    bool blank_allowed = false;
  };
  std::vector<Contest> contests;
  std::vector<std::string> districts;
  // Credentials issued per district (the result's order), or empty when not
  // known: then there is no turnout table.
  std::vector<std::uint64_t> credentials;
};

// Display width of UTF-8 text: its code points (right for kk, ru and en).
std::size_t text_width(const std::string& s);

// "12,345,678" with `thousands` between the groups.
std::string group_digits(std::uint64_t n, const std::string& thousands);

// part/whole as a percentage with one decimal ("61.2%"), "–" when whole is 0.
std::string percent(std::uint64_t part, std::uint64_t whole, const std::string& decimal);

std::string format_result_table(const ResultLabels& labels, const v1::Result& result,
                                const ResultWords& words, std::size_t max_width = 100);

}  // namespace senim::protocol
