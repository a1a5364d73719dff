#include "client/language.hpp"

#include <libintl.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

namespace senim::client {
namespace {

constexpr const char* kDomain = "senim";
constexpr std::array<std::string_view, 3> kLanguages = {"kk", "ru", "en"};

std::string& spoken() {
  static std::string lang = "en";
  return lang;
}

// "ru_RU.UTF-8" → "ru"; "kk-KZ" → "kk"; "C", "POSIX" and unknown ones → "".
std::string language_part(std::string_view locale) {
  std::string code;
  for (char c : locale) {
    if (c == '_' || c == '-' || c == '.' || c == '@')
      break;
    code.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (std::string_view known : kLanguages) {
    if (code == known)
      return code;
  }
  return {};
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Where the compiled catalogues are: beside the binary first (the build
// tree, a relocated install), then the install prefix's.
std::vector<std::filesystem::path> catalogue_dirs() {
  std::vector<std::filesystem::path> dirs;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec)
    dirs.push_back(exe.parent_path().parent_path() / "share" / "locale");
#ifdef SENIM_INSTALL_LOCALEDIR
  dirs.emplace_back(SENIM_INSTALL_LOCALEDIR);
#endif
  return dirs;
}

std::optional<std::filesystem::path> find_catalogue(const std::string& lang) {
  for (const auto& dir : catalogue_dirs()) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir / lang / "LC_MESSAGES" / "senim.mo", ec))
      return dir;
  }
  return std::nullopt;
}

// glibc translates only when LC_MESSAGES names a locale it has, other than
// C; C.UTF-8 is built into every glibc since 2.35.
bool messages_locale() {
  const char* set = std::setlocale(LC_MESSAGES, "");
  if (set != nullptr && std::strcmp(set, "C") != 0 && std::strcmp(set, "POSIX") != 0)
    return true;
  return std::setlocale(LC_MESSAGES, "C.UTF-8") != nullptr ||
         std::setlocale(LC_MESSAGES, "C.utf8") != nullptr;
}

const char* name_of(const std::string& lang) {
  return lang == "kk" ? "Kazakh" : "Russian";
}

}  // namespace

Expected<std::string> language_from_flag(std::string_view flag) {
  std::string lang = language_part(flag);
  if (lang.empty()) {
    return make_error(Errc::invalid_argument,
                      "unknown language \"" + std::string(flag) +
                          "\" for --lang: say kk (қазақша), ru (русский) or en (English)");
  }
  return lang;
}

std::string language_from_environment() {
  // GNU gettext's order: LANGUAGE, a list by preference, then the locale.
  std::string list = env("LANGUAGE");
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t colon = std::min(list.find(':', start), list.size());
    if (std::string lang = language_part(list.substr(start, colon - start)); !lang.empty())
      return lang;
    start = colon + 1;
  }
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const std::string locale = env(name);
    if (!locale.empty()) {
      const std::string lang = language_part(locale);
      return lang.empty() ? "en" : lang;
    }
  }
  return "en";
}

Expected<std::string> choose_language(const std::string& flag) {
  if (!flag.empty())
    return language_from_flag(flag);
  return language_from_environment();
}

bool speak(const std::string& lang) {
  spoken() = "en";
  if (lang == "en")
    return true;
  const auto dir = find_catalogue(lang);
  if (!dir) {
    std::cerr << "senim: the " << name_of(lang) << " messages are not installed (no " << lang
              << "/LC_MESSAGES/senim.mo beside the binary or in the install prefix); "
              << "speaking English\n";
    return false;
  }
  if (!messages_locale() || ::setenv("LANGUAGE", lang.c_str(), 1) != 0 ||
      ::bindtextdomain(kDomain, dir->c_str()) == nullptr ||
      ::bind_textdomain_codeset(kDomain, "UTF-8") == nullptr) {
    std::cerr << "senim: cannot load the " << name_of(lang) << " messages; speaking English\n";
    return false;
  }
  // A loaded catalogue translates "" to its header; an unusable one does not.
  if (*::dgettext(kDomain, "") == '\0') {
    std::cerr << "senim: glibc does not use the " << name_of(lang) << " messages in "
              << dir->string() << " (no C.UTF-8 locale?); speaking English\n";
    return false;
  }
  spoken() = lang;
  return true;
}

const std::string& spoken_language() {
  return spoken();
}

const char* tr(const char* english) {
  return spoken() == "en" ? english : ::dgettext(kDomain, english);
}

const char* trn(const char* one, const char* many, unsigned long n) {
  if (spoken() == "en")
    return n == 1 ? one : many;
  return ::dngettext(kDomain, one, many, n);
}

std::string fill(std::string_view pattern, std::initializer_list<std::string> values) {
  std::string out;
  out.reserve(pattern.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const bool placeholder = pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 1] >= '1' &&
                             pattern[i + 1] <= '9' && pattern[i + 2] == '}';
    const auto n = placeholder ? static_cast<std::size_t>(pattern[i + 1] - '1') : 0;
    if (placeholder && n < values.size()) {
      out += *(values.begin() + n);
      i += 2;
    } else {
      out.push_back(pattern[i]);
    }
  }
  return out;
}

}  // namespace senim::client
