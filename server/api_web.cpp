// GET / and /web/…: the board's web page (docs/api.md, "The web page"),
// served from the files compiled into the server (server/web_files.hpp).
#include <algorithm>

#include "server/api.hpp"
#include "server/web_files.hpp"

namespace senim::server::api {
namespace {

constexpr std::string_view kPrefix = "/web/";

std::string_view type_of(std::string_view name) {
  if (name.ends_with(".html"))
    return "text/html; charset=utf-8";
  if (name.ends_with(".css"))
    return "text/css; charset=utf-8";
  if (name.ends_with(".js"))
    return "text/javascript; charset=utf-8";
  if (name.ends_with(".json"))
    return "application/json";
  if (name.ends_with(".svg"))
    return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<Response> web_page(std::string_view path) {
  std::string_view name;
  if (path == "/" || path == "/index.html")
    name = "index.html";
  else if (path.starts_with(kPrefix))
    name = path.substr(kPrefix.size());
  else
    return std::nullopt;
  const auto files = web_files();
  const auto file =
      std::find_if(files.begin(), files.end(), [&](const WebFile& f) { return f.name == name; });
  if (file == files.end())
    return std::nullopt;
  Response r;
  r.content_type = std::string(type_of(name));
  r.body = std::string(file->bytes);
  // Revalidated each time: a new server version brings a new page.
  r.cache_control = "no-cache";
  // Nothing from elsewhere: the page runs only its own files, and talks only
  // to the board that served it.
  r.content_security_policy =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return r;
}

}  // namespace senim::server::api
