// What `senim` writes on the terminal (docs/threat-model.md, "Terminal
// injection"). Two layers:
//
//  1. Every text that came from the board or a file (manifest texts, ids,
//     the board's answers and error messages) is passed through
//     protocol::printable() where it is printed: controls, bidi characters
//     and line breaks in it are shown as visible escapes, so it can neither
//     rewrite the terminal nor forge a line of output.
//  2. TerminalGuard, installed on std::cout and std::cerr for the whole run,
//     passes only LF and printable text through (protocol::printable_lines),
//     so a path that layer 1 missed still cannot put an ESC byte on the
//     terminal.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>

namespace senim::client {

// Filters everything written to `stream` through protocol::printable_lines
// until destroyed, then restores the stream's own buffer. Writes go through
// at once (nothing waits for a newline), except the first bytes of a UTF-8
// sequence cut by a write boundary, which wait for the rest.
class TerminalGuard : public std::streambuf {
 public:
  explicit TerminalGuard(std::ostream& stream);
  ~TerminalGuard() override;
  TerminalGuard(const TerminalGuard&) = delete;
  TerminalGuard& operator=(const TerminalGuard&) = delete;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  // Escapes and forwards `pending_` except an unfinished UTF-8 sequence at
  // its end (all of it when `all`).
  void forward(bool all);

  std::ostream& stream_;
  std::streambuf* target_;
  std::string pending_;
};

}  // namespace senim::client
