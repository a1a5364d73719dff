// The language senim speaks to a voter in (docs/voter-guide.md §9): Kazakh,
// Russian or English, from --lang, else the environment as gettext reads it.
//
// Messages are GNU gettext messages (po/kk.po, po/ru.po; the English text is
// the message id). glibc translates only under a locale it has, and many
// machines have no kk_KZ or ru_RU locale; so the language is chosen here,
// from the flag or the environment, and handed to glibc as LANGUAGE with
// LC_MESSAGES set to the environment's locale or, failing that, to C.UTF-8,
// which every glibc since 2.35 has built in. The catalogue is found beside
// the binary (BIN/../share/locale: the build tree and an installed tree have
// the same shape), else in the install prefix's locale directory.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/error.hpp"

namespace senim::client {

// "kk", "ru" or "en" from what a person types after --lang: the language
// code, any case, with or without a region or charset ("ru_RU.UTF-8",
// "kk-KZ"). Anything else is Errc::invalid_argument, naming the three.
Expected<std::string> language_from_flag(std::string_view flag);

// The language the environment asks for, as gettext reads it: the first
// of LANGUAGE's colon-separated list that senim speaks, else the locale
// of LC_ALL, then LC_MESSAGES, then LANG (the first that is set); English
// when none names kk or ru.
std::string language_from_environment();

// --lang if given (refused when unknown), else the environment's.
Expected<std::string> choose_language(const std::string& flag);

// Makes `lang` the language of every tr() from now on. For kk and ru it
// binds the catalogue; when there is none (or glibc cannot use it) it says
// so on stderr, in English, and returns false: messages stay English, but
// never silently.
bool speak(const std::string& lang);

// The language speak() chose ("en" before it is called).
const std::string& spoken_language();

// A message in the spoken language (gettext). `english` is the message id:
// a literal, so that xgettext finds it (--keyword=tr). Placeholders {1},
// {2}, … are filled by fill(); translations may reorder them.
const char* tr(const char* english);

// Marks a message for the catalogue without translating it yet (gettext's
// gettext_noop; --keyword=mark): for a pattern translated where it is used.
constexpr const char* mark(const char* english) {
  return english;
}

// The plural form for `n` (ngettext; --keyword=trn:1,2).
const char* trn(const char* one, const char* many, unsigned long n);

// `pattern` with {1}, {2}, … replaced by `values` in order.
std::string fill(std::string_view pattern, std::initializer_list<std::string> values);

}  // namespace senim::client
