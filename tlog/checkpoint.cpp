#include "tlog/checkpoint.hpp"

#include <optional>

#include "tlog/base64.hpp"
#include "tlog/text.hpp"

namespace senim::tlog {
namespace {

Error malformed(const std::string& why) {
  return make_error(Errc::invalid_encoding, "malformed checkpoint: " + why);
}

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

Status check_line(std::string_view line, std::string_view what) {
  if (line.empty() || line.find('\n') != std::string_view::npos)
    return make_error(Errc::invalid_argument, std::string(what) + " must be one non-empty line");
  if (Status s = check_note_characters(line); !s)
    return make_error(Errc::invalid_argument, std::string(what) + ": " + s.error().message);
  return Status::success();
}

}  // namespace

Expected<Checkpoint> parse_checkpoint(std::string_view text) {
  if (Status s = check_note_characters(text); !s)
    return s.error();
  if (text.empty() || text.back() != '\n')
    return malformed("the text must end with a newline");
  LineReader lines(text);
  std::vector<std::string_view> all;
  while (std::optional<std::string_view> line = lines.next()) {
    if (line->empty())
      return malformed("line " + std::to_string(lines.line_number()) + " is empty");
    all.push_back(*line);
  }
  if (all.size() < 3)
    return malformed("needs origin, size and root lines, got " + std::to_string(all.size()));
  Checkpoint out;
  out.origin = std::string(all[0]);
  const std::optional<std::uint64_t> size = parse_decimal(all[1]);
  if (!size) {
    if (is_digits(all[1]) && all[1][0] != '0')
      return make_error(Errc::out_of_range, "checkpoint size " + quote(all[1]) + " overflows");
    return malformed("size " + quote(all[1]) + " is not a decimal without leading zeros");
  }
  out.size = *size;
  Expected<Hash32> root = base64_decode_hash(all[2], "checkpoint root hash");
  if (!root)
    return root.error();
  out.root = *root;
  for (std::size_t i = 3; i < all.size(); ++i)
    out.extensions.emplace_back(all[i]);
  return out;
}

Expected<std::string> format_checkpoint(const Checkpoint& checkpoint) {
  if (Status s = check_line(checkpoint.origin, "checkpoint origin"); !s)
    return s.error();
  std::string out = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                    base64_encode(checkpoint.root) + "\n";
  for (const std::string& line : checkpoint.extensions) {
    if (Status s = check_line(line, "checkpoint extension line"); !s)
      return s.error();
    out += line + "\n";
  }
  return out;
}

}  // namespace senim::tlog
