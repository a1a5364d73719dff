#include "protocol/result_table.hpp"

#include <algorithm>
#include <sstream>

namespace senim::protocol {
namespace {

constexpr std::size_t kIndent = 2;  // every row is indented under its title
constexpr std::size_t kGap = 3;     // between columns

std::string pad_right(const std::string& s, std::size_t width) {
  return s + std::string(width > text_width(s) ? width - text_width(s) : 0, ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  return std::string(width > text_width(s) ? width - text_width(s) : 0, ' ') + s;
}

// A table of right-aligned columns under a left-aligned row name, split
// into bands of columns that fit in `max_width`.
struct Grid {
  std::vector<std::string> row_names;           // the first row is the header's
  std::vector<std::vector<std::string>> cells;  // [column][row], row 0 the header

  std::string render(std::size_t max_width) const {
    std::size_t name_width = 0;
    for (const auto& n : row_names)
      name_width = std::max(name_width, text_width(n));
    std::vector<std::size_t> widths;
    for (const auto& column : cells) {
      std::size_t w = 0;
      for (const auto& cell : column)
        w = std::max(w, text_width(cell));
      widths.push_back(w);
    }
    std::ostringstream out;
    std::size_t first = 0;
    while (first < cells.size()) {
      std::size_t last = first;  // one past the band's last column
      std::size_t used = kIndent + name_width;
      while (last < cells.size() && (last == first || used + kGap + widths[last] <= max_width)) {
        used += kGap + widths[last];
        ++last;
      }
      if (first > 0)
        out << "\n";
      for (std::size_t r = 0; r < row_names.size(); ++r) {
        std::string line = std::string(kIndent, ' ') + pad_right(row_names[r], name_width);
        for (std::size_t c = first; c < last; ++c)
          line += std::string(kGap, ' ') + pad_left(cells[c][r], widths[c]);
        while (!line.empty() && line.back() == ' ')
          line.pop_back();
        out << line << "\n";
      }
      first = last;
    }
    return out.str();
  }
};

// The rows: each district (when there are several), then the total.
struct Rows {
  std::vector<std::string> names;
  std::vector<const v1::DistrictResult*> results;
  std::vector<std::uint64_t> credentials;  // empty when not known
};

Rows rows_of(const ResultLabels& labels, const v1::Result& result, const ResultWords& words) {
  Rows rows;
  const bool known = labels.credentials.size() == static_cast<std::size_t>(result.districts_size());
  std::uint64_t all_credentials = 0;
  if (result.districts_size() > 1) {
    for (int d = 0; d < result.districts_size(); ++d) {
      const auto i = static_cast<std::size_t>(d);
      rows.names.push_back(i < labels.districts.size() ? labels.districts[i] : "");
      rows.results.push_back(&result.districts(d));
      if (known)
        rows.credentials.push_back(labels.credentials[i]);
    }
  }
  for (std::uint64_t c : labels.credentials)
    all_credentials += c;
  rows.names.push_back(words.total);
  rows.results.push_back(&result.total());
  if (known)
    rows.credentials.push_back(all_credentials);
  else
    rows.credentials.clear();
  return rows;
}

std::string turnout_table(const Rows& rows, const ResultWords& words, std::size_t max_width) {
  Grid grid;
  grid.row_names.push_back(words.district);
  grid.row_names.insert(grid.row_names.end(), rows.names.begin(), rows.names.end());
  grid.cells.assign(3, {});
  grid.cells[0].push_back(words.credentials);
  grid.cells[1].push_back(words.ballots);
  grid.cells[2].push_back(words.turnout);
  for (std::size_t r = 0; r < rows.names.size(); ++r) {
    const std::uint64_t counted = rows.results[r]->ballots_counted();
    grid.cells[0].push_back(group_digits(rows.credentials[r], words.thousands));
    grid.cells[1].push_back(group_digits(counted, words.thousands));
    grid.cells[2].push_back(percent(counted, rows.credentials[r], words.decimal));
  }
  return words.turnout_title + "\n" + grid.render(max_width);
}

std::string contest_table(const ResultLabels::Contest& contest, int c, const Rows& rows,
                          const ResultWords& words, std::size_t max_width) {
  Grid grid;
  grid.row_names.push_back(words.district);
  grid.row_names.insert(grid.row_names.end(), rows.names.begin(), rows.names.end());
  auto column = [&](const std::string& header, auto count_of) {
    std::vector<std::string> cells{header};
    for (const v1::DistrictResult* d : rows.results) {
      const std::uint64_t n = c < d->contests_size() ? count_of(d->contests(c)) : 0;
      // The share padded to "100.0%": the counts above each other align too.
      cells.push_back(group_digits(n, words.thousands) + "  " +
                      pad_left(percent(n, d->ballots_counted(), words.decimal), 6));
    }
    grid.cells.push_back(std::move(cells));
  };
  for (std::size_t o = 0; o < contest.options.size(); ++o) {
    column(contest.options[o], [o](const v1::ContestResult& r) {
      return static_cast<int>(o) < r.options_size() ? r.options(static_cast<int>(o)) : 0;
    });
  }
  if (contest.blank_allowed)
    column(words.blank, [](const v1::ContestResult& r) { return r.blank(); });
  return contest.title + "\n" + grid.render(max_width);
}

}  // namespace

std::size_t text_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string group_digits(std::uint64_t n, const std::string& thousands) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += thousands;
    out.push_back(digits[i]);
  }
  return out;
}

std::string percent(std::uint64_t part, std::uint64_t whole, const std::string& decimal) {
  if (whole == 0)
    return "–";
  // Tenths of a percent, rounded half up: 1000·part/whole + ½.
  const std::uint64_t tenths = (2000 * part + whole) / (2 * whole);
  return std::to_string(tenths / 10) + decimal + std::to_string(tenths % 10) + "%";
}

std::string format_result_table(const ResultLabels& labels, const v1::Result& result,
                                const ResultWords& words, std::size_t max_width) {
  const Rows rows = rows_of(labels, result, words);
  std::string out;
  if (!rows.credentials.empty())
    out += turnout_table(rows, words, max_width) + "\n";
  for (std::size_t c = 0; c < labels.contests.size(); ++c)
    out += contest_table(labels.contests[c], static_cast<int>(c), rows, words, max_width) + "\n";
  out += "(" + words.shares + ")\n";
  return out;
}

}  // namespace senim::protocol
