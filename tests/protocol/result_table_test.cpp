// The result table of `senim admin result` and `senim-verify`
// (protocol/result_table.hpp): a row per district and the total, shares and
// turnout, and lines within 100 columns however many options there are.
#include "protocol/result_table.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using Catch::Matchers::Contains;
using senim::protocol::format_result_table;
using senim::protocol::group_digits;
using senim::protocol::percent;
using senim::protocol::ResultLabels;
using senim::protocol::ResultWords;
using senim::protocol::text_width;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// The 17 regions of a national election, 12 candidates with long names.
struct National {
  ResultLabels labels;
  senim::v1::Result result;
  National() {
    ResultLabels::Contest contest{"Президент сайлауы", {}, true};
    for (int o = 0; o < 12; ++o)
      contest.options.push_back("Кандидат Ұзынтегіұлы " + std::to_string(o + 1));
    labels.contests.push_back(contest);
    std::vector<std::uint64_t> total(12, 0);
    std::uint64_t counted = 0;
    std::uint64_t blank = 0;
    for (int d = 0; d < 17; ++d) {
      labels.districts.push_back("Облыс " + std::to_string(d + 1));
      labels.credentials.push_back(1'000'000 + 1000 * static_cast<std::uint64_t>(d));
      auto* district = result.add_districts();
      auto* c = district->add_contests();
      std::uint64_t sum = 0;
      for (int o = 0; o < 12; ++o) {
        const std::uint64_t n =
            10'000 * static_cast<std::uint64_t>(o + 1) + static_cast<std::uint64_t>(d);
        c->add_options(n);
        total[static_cast<std::size_t>(o)] += n;
        sum += n;
      }
      c->set_blank(500);
      district->set_ballots_counted(sum + 500);
      counted += sum + 500;
      blank += 500;
    }
    auto* t = result.mutable_total();
    auto* c = t->add_contests();
    for (auto n : total)
      c->add_options(n);
    c->set_blank(blank);
    t->set_ballots_counted(counted);
  }
};

}  // namespace

TEST_CASE("percentages have one decimal, rounded half up, and 0 of 0 is a dash", "[result-table]") {
  CHECK(percent(612, 1000, ".") == "61.2%");
  CHECK(percent(1, 3, ",") == "33,3%");
  CHECK(percent(2, 3, ".") == "66.7%");
  CHECK(percent(1, 2000, ".") == "0.1%");  // 0.05 rounds up
  CHECK(percent(1, 2001, ".") == "0.0%");
  CHECK(percent(5, 5, ".") == "100.0%");
  CHECK(percent(0, 0, ".") == "–");
  CHECK(group_digits(12345678, ",") == "12,345,678");
  CHECK(group_digits(999, " ") == "999");
  CHECK(group_digits(1000, " ") == "1 000");
}

TEST_CASE("17 districts and 12 options: a row per district, lines within 100 columns",
          "[result-table]") {
  const National n;
  const std::string table = format_result_table(n.labels, n.result, ResultWords{});
  INFO(table);
  const auto lines = lines_of(table);
  for (const auto& line : lines) {
    INFO(line);
    CHECK(text_width(line) <= 100);
  }
  // The turnout table first: each district's credentials, ballots, share.
  CHECK(lines.at(0) == "turnout");
  CHECK_THAT(lines.at(1), Contains("district") && Contains("credentials") &&
                              Contains("ballots counted") && Contains("turnout"));
  // District 1: 1,000,000 credentials, 10,000·(1+…+12) + 500 = 780,500 ballots.
  CHECK(lines.at(2) == "  Облыс 1      1,000,000           780,500     78.1%");
  CHECK(lines.at(19) == "  total       17,136,000        13,270,132     77.4%");
  // Every district has one row in each band of every table: 17 districts
  // + the total, in 1 turnout table and the contest's bands.
  std::size_t rows_of_district_1 = 0;
  std::size_t bands = 0;
  for (const auto& line : lines) {
    if (line.rfind("  Облыс 1 ", 0) == 0)
      ++rows_of_district_1;
    if (line.rfind("  district", 0) == 0)
      ++bands;
  }
  CHECK(bands >= 3);  // 13 columns cannot fit in one band of 100 columns
  CHECK(rows_of_district_1 == bands);
  // Candidate 12 in district 1: 120,000 of 780,500 ballots = 15.4%.
  CHECK_THAT(table, Contains("120,000   15.4%"));
  CHECK_THAT(table, Contains("Кандидат Ұзынтегіұлы 12"));
  CHECK_THAT(table, Contains("blank"));
  CHECK(lines.back() == "(shares are of the ballots counted in the district)");
}

TEST_CASE("without districts there is only the total row, and without credentials no turnout",
          "[result-table]") {
  ResultLabels labels;
  labels.contests.push_back({"Referendum", {"Yes", "No"}, false});
  labels.districts.push_back("");
  senim::v1::Result result;
  for (auto* d : {result.add_districts(), result.mutable_total()}) {
    d->set_ballots_counted(4);
    auto* c = d->add_contests();
    c->add_options(3);
    c->add_options(1);
  }
  ResultWords words;
  words.total = "барлығы";
  words.district = "округ";
  const std::string table = format_result_table(labels, result, words);
  CHECK(table ==
        "Referendum\n"
        "  округ           Yes          No\n"
        "  барлығы   3   75.0%   1   25.0%\n"
        "\n"
        "(shares are of the ballots counted in the district)\n");
  labels.credentials = {10};
  CHECK_THAT(format_result_table(labels, result, words),
             Contains("\n  барлығы            10                 4     40.0%\n"));
}
