// Base URLs of a senim board, "http://host:port[/prefix]". Only plain HTTP:
// everything a board serves is public and signed, so transport secrecy is a
// deployment choice (a TLS proxy in front), not a protocol need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/error.hpp"

namespace senim::net {

struct Url {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without brackets
  std::uint16_t port = 80;
  std::string base_path;  // "" or "/prefix", never ending in '/'
};

// Errors: invalid_argument naming what is wrong (scheme, host, port).
Expected<Url> parse_url(std::string_view url);

}  // namespace senim::net
