#include "tlog/text.hpp"

#include <array>
#include <limits>

namespace senim::tlog {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns the code point and its
// length, or nullopt if the bytes there are not a valid, shortest-form
// encoding of a Unicode scalar value.
struct CodePoint {
  char32_t value;
  std::size_t length;
};

std::optional<CodePoint> decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80)
    return CodePoint{b0, 1};
  // The lead byte gives the length, its payload bits, and the smallest
  // value that needs that many bytes (anything below is an overlong form).
  struct Form {
    unsigned char mask, lead;
    std::size_t length;
    char32_t minimum;
  };
  static constexpr std::array<Form, 3> kForms = {{
      {0xE0, 0xC0, 2, 0x80},
      {0xF0, 0xE0, 3, 0x800},
      {0xF8, 0xF0, 4, 0x10000},
  }};
  const Form* form = nullptr;
  for (const Form& f : kForms) {
    if ((b0 & f.mask) == f.lead)
      form = &f;
  }
  if (form == nullptr)
    return std::nullopt;  // a continuation byte, or 0xF8..0xFF
  const std::size_t length = form->length;
  char32_t value = b0 & static_cast<unsigned char>(~form->mask);
  const char32_t minimum = form->minimum;
  if (text.size() - i < length)
    return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80)
      return std::nullopt;
    value = (value << 6) | (byte(k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return std::nullopt;
  return CodePoint{value, length};
}

// Unicode's White_Space property (the code points Go's unicode.IsSpace
// accepts, which is what golang.org/x/mod/sumdb/note rejects in key names).
bool is_unicode_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

}  // namespace

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0'))
    return std::nullopt;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

Status check_note_characters(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::optional<CodePoint> c = decode_utf8(text, i);
    if (!c) {
      return make_error(Errc::invalid_encoding,
                        "invalid UTF-8 at byte " + std::to_string(i) + " of a note");
    }
    if (c->value < 0x20 && c->value != '\n') {
      return make_error(Errc::invalid_encoding, "control character " + quote(text.substr(i, 1)) +
                                                    " at byte " + std::to_string(i) + " of a note");
    }
    i += c->length;
  }
  return Status::success();
}

bool is_valid_key_name(std::string_view name) {
  if (name.empty())
    return false;
  for (std::size_t i = 0; i < name.size();) {
    const std::optional<CodePoint> c = decode_utf8(name, i);
    if (!c || c->value == '+' || is_unicode_space(c->value))
      return false;
    i += c->length;
  }
  return true;
}

std::string quote(std::string_view text) {
  constexpr std::size_t kShown = 64;
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out = "\"";
  for (char ch : text.substr(0, kShown)) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0F]);
    }
  }
  out += text.size() > kShown ? "\"…" : "\"";
  return out;
}

std::optional<std::string_view> LineReader::next() {
  const std::size_t newline = rest_.find('\n');
  if (newline == std::string_view::npos)
    return std::nullopt;
  const std::string_view line = rest_.substr(0, newline);
  rest_.remove_prefix(newline + 1);
  ++lines_;
  return line;
}

}  // namespace senim::tlog
