#include "client/terminal_text.hpp"

#include <string_view>

#include "protocol/text_rules.hpp"

namespace senim::client {
namespace {

// How many bytes at the end of `s` begin a UTF-8 sequence that the next write
// may finish (0 if none): at most 3.
std::size_t unfinished_tail(std::string_view s) {
  for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const auto b = static_cast<unsigned char>(s[s.size() - back]);
    if ((b & 0xC0) == 0x80)
      continue;  // a continuation byte: its lead is further back
    const std::size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace

TerminalGuard::TerminalGuard(std::ostream& stream) : stream_(stream), target_(stream.rdbuf(this)) {}

TerminalGuard::~TerminalGuard() {
  forward(true);
  target_->pubsync();
  stream_.rdbuf(target_);
}

TerminalGuard::int_type TerminalGuard::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof()))
    return traits_type::not_eof(c);
  pending_.push_back(traits_type::to_char_type(c));
  forward(false);
  return c;
}

std::streamsize TerminalGuard::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<std::size_t>(n));
  forward(false);
  return n;
}

int TerminalGuard::sync() {
  return target_->pubsync();
}

void TerminalGuard::forward(bool all) {
  const std::size_t keep = all ? 0 : unfinished_tail(pending_);
  const std::string out =
      protocol::printable_lines(std::string_view(pending_).substr(0, pending_.size() - keep));
  target_->sputn(out.data(), static_cast<std::streamsize>(out.size()));
  pending_.erase(0, pending_.size() - keep);
}

}  // namespace senim::client
