#include "protocol/text_rules.hpp"

#include <cstdint>
#include <cstdio>

namespace senim::protocol {
namespace {

bool is_continuation(unsigned char b) {
  return (b & 0xC0) == 0x80;
}

// "U+001B": how a code point is named in a fault.
std::string code_point_name(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

const char* kind_of(char32_t c) {
  if (c == 0x2028 || c == 0x2029)
    return "line separator";
  if (c >= 0x202A)
    return "bidirectional control";
  return "control character";
}

std::string escape(char32_t value, bool as_byte) {
  char buf[16];
  if (as_byte) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(value));
  } else {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(value));
  }
  return buf;
}

std::string make_printable(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const Utf8Step step = decode_utf8(text, at);
    if (!step.valid) {
      out += escape(static_cast<unsigned char>(text[at]), true);
    } else if (step.code_point == U'\n' && keep_newlines) {
      out += '\n';
    } else if (is_unsafe_code_point(step.code_point)) {
      out += escape(step.code_point, step.code_point < 0x80);
    } else {
      out.append(text.substr(at, step.length));
    }
    at += step.length;
  }
  return out;
}

}  // namespace

Utf8Step decode_utf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80)
    return {true, lead, 1};
  // The sequence length and the smallest code point it may encode (anything
  // smaller is an overlong form).
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1FU;
    minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0FU;
    minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return {};  // a continuation byte, C0/C1 (always overlong) or F5–FF
  }
  if (text.size() - at < length)
    return {};
  for (std::size_t i = 1; i < length; ++i) {
    if (!is_continuation(byte(i)))
      return {};
    value = (value << 6) | (byte(i) & 0x3FU);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return {};
  return {true, value, length};
}

bool is_unsafe_code_point(char32_t c) {
  return c <= 0x1F || (c >= 0x7F && c <= 0x9F) || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

std::optional<std::string> text_fault(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const Utf8Step step = decode_utf8(text, at);
    if (!step.valid)
      return "invalid UTF-8 at byte " + std::to_string(at);
    if (is_unsafe_code_point(step.code_point)) {
      return std::string(kind_of(step.code_point)) + " " + code_point_name(step.code_point) +
             " at byte " + std::to_string(at);
    }
    at += step.length;
  }
  return std::nullopt;
}

std::string printable(std::string_view text) {
  return make_printable(text, false);
}

std::string printable_lines(std::string_view text) {
  return make_printable(text, true);
}

std::string quoted(std::string_view text) {
  return "\"" + printable(text) + "\"";
}

}  // namespace senim::protocol
