// The language senim speaks to a voter (client/language.hpp,
// docs/voter-guide.md §9): chosen from --lang or the environment, refused
// when unknown, and spoken on a machine with no locale but C.UTF-8 (this
// one, as tests run it: `env -i` leaves nothing of the caller's locale).
#include "client/language.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/run_command.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using senim::client::choose_language;
using senim::client::fill;
using senim::client::language_from_environment;
using senim::client::language_from_flag;
using senim::test::run_command;
namespace fs = std::filesystem;

namespace {

// Sets the locale variables for one test, restoring them after.
class Environment {
 public:
  explicit Environment(std::initializer_list<std::pair<const char*, const char*>> values) {
    for (const char* name : kNames) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
      ::unsetenv(name);
    }
    for (const auto& [name, value] : values)
      ::setenv(name, value, 1);
  }
  ~Environment() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

 private:
  static constexpr const char* kNames[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The real binary with nothing of this process's environment but `env`.
senim::test::CommandRun run_senim(const std::string& env, const std::string& args,
                                  const std::string& binary = SENIM_BINARY) {
  return run_command("env -i " + env + " " + binary + " " + args + " 2>&1");
}

struct NotAReceipt {
  fs::path path = fs::temp_directory_path() / ("senim-lang-" + std::to_string(getpid()));
  NotAReceipt() { std::ofstream(path) << "hello\n"; }
  ~NotAReceipt() { fs::remove(path); }
  NotAReceipt(const NotAReceipt&) = delete;
  NotAReceipt& operator=(const NotAReceipt&) = delete;
};

}  // namespace

TEST_CASE("the flag --lang takes kk, ru and en, with a region or charset, in any case",
          "[language]") {
  CHECK(*language_from_flag("kk") == "kk");
  CHECK(*language_from_flag("RU") == "ru");
  CHECK(*language_from_flag("ru_RU.UTF-8") == "ru");
  CHECK(*language_from_flag("kk-KZ") == "kk");
  CHECK(*language_from_flag("en") == "en");
  for (const char* bad : {"de", "", "kz", "russian", "C", "-kk"}) {
    INFO(bad);
    auto lang = language_from_flag(bad);
    REQUIRE_FALSE(lang.ok());
    CHECK(lang.error().code == senim::Errc::invalid_argument);
    CHECK_THAT(lang.error().message,
               Contains("for --lang: say kk (қазақша), ru (русский) or en (English)"));
  }
}

TEST_CASE("without --lang the language is the environment's, as gettext reads it", "[language]") {
  {
    const Environment env({});
    CHECK(language_from_environment() == "en");
  }
  {
    const Environment env({{"LANG", "kk_KZ.UTF-8"}});
    CHECK(language_from_environment() == "kk");
  }
  {
    // LC_ALL before LC_MESSAGES before LANG: the first set one decides.
    const Environment env({{"LANG", "kk_KZ.UTF-8"}, {"LC_MESSAGES", "ru_RU.UTF-8"}});
    CHECK(language_from_environment() == "ru");
  }
  {
    const Environment env({{"LANG", "ru_RU.UTF-8"}, {"LC_ALL", "C.UTF-8"}});
    CHECK(language_from_environment() == "en");
  }
  {
    // LANGUAGE is a list by preference; the first language senim speaks wins.
    const Environment env({{"LANGUAGE", "de:kk:ru"}, {"LANG", "ru_RU.UTF-8"}});
    CHECK(language_from_environment() == "kk");
  }
  {
    const Environment env({{"LANG", "de_DE.UTF-8"}});
    CHECK(language_from_environment() == "en");
  }
  {
    // --lang wins over everything.
    const Environment env({{"LANGUAGE", "kk"}, {"LANG", "kk_KZ.UTF-8"}});
    CHECK(*choose_language("ru") == "ru");
    CHECK(*choose_language("") == "kk");
  }
}

TEST_CASE("fill puts values in the translation's order", "[language]") {
  CHECK(fill("{2} және {1}", {"a", "b"}) == "b және a");
  CHECK(fill("{1} {1} {3}", {"x", "y"}) == "x x {3}");
  CHECK(fill("no {placeholder}", {"x"}) == "no {placeholder}");
}

TEST_CASE("senim check speaks Kazakh and Russian with only the C.UTF-8 locale", "[language]") {
  const NotAReceipt file;
  const std::string args = "check " + file.path.string();
  const std::string english = "senim: " + file.path.string() + " is not a senim receipt: ";
  const std::string kazakh = "senim: " + file.path.string() + " — senim түбіртегі емес: ";
  const std::string russian = "senim: " + file.path.string() + " — не квитанция senim: ";
  struct Case {
    const char* env;
    const char* lang;
    const std::string& expected;
  };
  for (const Case& c : {Case{"", "", english}, Case{"LANG=kk_KZ.UTF-8", "", kazakh},
                        Case{"LANG=ru_RU.UTF-8", "", russian}, Case{"LC_ALL=C", "kk", kazakh},
                        Case{"LANGUAGE=ru LANG=C.UTF-8", "", russian},
                        Case{"LANG=kk_KZ.UTF-8", "en", english}, Case{"", "RU", russian}}) {
    INFO(c.env << " --lang " << c.lang);
    auto run = run_senim(c.env, args + (*c.lang != '\0' ? std::string(" --lang ") + c.lang : ""));
    INFO(run.out);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, StartsWith(c.expected));
    // The shared code's detail (English) follows, in kk and ru after what
    // kind of error it is (client/common.hpp, explain()).
    const std::string detail = run.out.substr(std::min(run.out.size(), c.expected.size()));
    if (&c.expected == &kazakh)
      CHECK_THAT(detail, StartsWith("деректер пішімі бұзылған (ағылшынша: "));
    else if (&c.expected == &russian)
      CHECK_THAT(detail, StartsWith("данные повреждены или неверного формата (по-английски: "));
    else
      CHECK_THAT(detail, !Contains("in English"));
  }
}

TEST_CASE("an unknown --lang is refused (exit 2), before anything is done", "[language]") {
  const NotAReceipt file;
  for (const std::string& cmd : std::vector<std::string>{
           "check " + file.path.string(), "vote --credential " + file.path.string() + " --yes",
           "keygen --out /nonexistent/x --election e --server http://127.0.0.1:1",
           "admin result --key " + file.path.string()}) {
    INFO(cmd);
    auto run = run_senim("LANG=kk_KZ.UTF-8", cmd + " --lang de");
    INFO(run.out);
    CHECK(run.status == 2);
    CHECK(run.out ==
          "senim: unknown language \"de\" for --lang: say kk (қазақша), ru (русский) "
          "or en (English)\n");
  }
}

TEST_CASE("without its catalogues senim says so, and speaks English", "[language]") {
  // A copy of the binary where no share/locale is beside it.
  const fs::path dir = fs::temp_directory_path() / ("senim-nocat-" + std::to_string(getpid()));
  fs::create_directories(dir / "bin");
  fs::copy_file(SENIM_BINARY, dir / "bin" / "senim", fs::copy_options::overwrite_existing);
  const NotAReceipt file;
  auto run = run_senim("LANG=ru_RU.UTF-8", "check " + file.path.string(),
                       (dir / "bin" / "senim").string());
  fs::remove_all(dir);
  INFO(run.out);
  CHECK(run.status == 1);
  CHECK_THAT(run.out, StartsWith("senim: the Russian messages are not installed (no "
                                 "ru/LC_MESSAGES/senim.mo beside the binary or in the install "
                                 "prefix); speaking English\n"));
  CHECK_THAT(run.out, Contains(" is not a senim receipt: "));
}
