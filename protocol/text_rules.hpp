// Text that people read: what a set-up may carry (docs/protocol.md §8.1
// rule 3, §8.2), and how anything that came from a board or a file is made
// safe to print (docs/threat-model.md, "Terminal injection").
//
// Both sides share one decoder and one list of refused code points, so that
// what the set-up rule lets through is exactly what printable() shows as it is.
//
// Why these code points: a terminal acts on C0 and C1 controls (ESC[2K\r
// erases a line and rewrites it; ESC] sets the window title; U+009B is a
// one-character CSI on some terminals), and the bidirectional embeddings,
// overrides and isolates reorder what is displayed without changing the bytes
// ("Trojan Source"). A label that carries one can make a ballot or a Benaloh
// report show something other than what it says. Line breaks (LF, CR, U+2028,
// U+2029) are refused too: every set-up text is shown on one line (a ballot
// line, a table cell, a verifier result), and a line break in one lets it
// forge the lines after it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace senim::protocol {

// One step of strict UTF-8 decoding (RFC 3629): no overlong forms, no
// surrogates (U+D800–U+DFFF), nothing above U+10FFFF.
struct Utf8Step {
  bool valid = false;
  char32_t code_point = 0;  // when valid
  std::size_t length = 1;   // bytes consumed: the sequence, or 1 invalid byte
};
// Decodes the code point starting at byte `at` (< text.size()).
Utf8Step decode_utf8(std::string_view text, std::size_t at);

// Refused in set-up texts and escaped by printable(): C0 controls
// U+0000–U+001F (TAB, LF and CR included), DEL U+007F, C1 controls
// U+0080–U+009F, the line and paragraph separators U+2028–U+2029, the
// bidirectional embeddings and overrides U+202A–U+202E and isolates
// U+2066–U+2069.
bool is_unsafe_code_point(char32_t c);

// §8.1 rule 3: nullopt when `text` is valid UTF-8 without an unsafe code
// point; otherwise what is wrong and where, e.g. "control character U+001B
// at byte 5" or "invalid UTF-8 at byte 3". The message never quotes the text.
std::optional<std::string> text_fault(std::string_view text);

// `text` made safe to print on a terminal: an unsafe code point below U+0080
// becomes \xNN (ESC is \x1b, LF \x0a), one above becomes \uNNNN (\u202e); a
// byte that is not part of valid UTF-8 becomes \xNN as well. Everything else
// is kept as it is, backslashes included, so printable(printable(t)) ==
// printable(t) and escaping twice is harmless.
std::string printable(std::string_view text);

// printable(), but LF is kept: for text the program composed line by line,
// whose untrusted pieces were already escaped with printable().
std::string printable_lines(std::string_view text);

// "\"" + printable(text) + "\"": a value quoted in an error message.
std::string quoted(std::string_view text);

}  // namespace senim::protocol
