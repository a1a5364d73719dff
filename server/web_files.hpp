// The board's web page (web/ in the repository; docs/api.md, "The web
// page"): its files, compiled into the server by cmake/embed_files.cmake.
#pragma once

#include <span>
#include <string_view>

namespace senim::server {

struct WebFile {
  std::string_view name;  // relative to web/, e.g. "index.html", "app.js"
  std::string_view bytes;
};

std::span<const WebFile> web_files();

}  // namespace senim::server
