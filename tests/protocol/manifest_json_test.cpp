// A manifest's JSON is read strictly (protocol/strict_json.hpp): each value
// of its field's type, and each error naming the field by its path, in
// words, not protobuf's wire types.
#include <catch2/catch.hpp>
#include <string>

#include "protocol/manifest_rules.hpp"

using senim::Errc;
using senim::protocol::manifest_from_json;

namespace {

std::string manifest(const std::string& max_ballots, const std::string& min_selections,
                     const std::string& extra = "") {
  return R"({"election_id": "x", "languages": ["en"], "max_ballots_per_credential": )" +
         max_ballots + R"(, "title": {"text": {"en": "A"}}, "contests": [{"id": "q", )" +
         R"("title": {"text": {"en": "Q"}}, "min_selections": )" + min_selections +
         R"(, "max_selections": 1, "options": [{"id": "yes", "label": {"text": {"en": "Y"}}}]}])" +
         extra + "}";
}

std::string error_of(const std::string& json) {
  const auto m = manifest_from_json(json);
  REQUIRE_FALSE(m);
  CHECK(m.error().code == Errc::invalid_argument);
  return m.error().message;
}

}  // namespace

TEST_CASE("a well-formed manifest reads, with JSON or proto field names", "[manifest][json]") {
  const auto m = manifest_from_json(manifest("2", "1"));
  REQUIRE(m);
  CHECK(m->max_ballots_per_credential() == 2);
  const auto camel = manifest_from_json(manifest("2", "1", R"(, "electionId": "y")"));
  REQUIRE(camel);
}

TEST_CASE("a manifest's JSON errors name the field and what was expected", "[manifest][json]") {
  CHECK(error_of(manifest("\"1\"", "1")) ==
        "manifest JSON: max_ballots_per_credential: a whole number from 0 to 4294967295 is "
        "expected, written without quotes; not the text \"1\"");
  CHECK(error_of(manifest("1", "-1")) ==
        "manifest JSON: contests[0].min_selections: a whole number from 0 to 4294967295 is "
        "expected, not -1");
  CHECK(error_of(manifest("1", "1.5")) ==
        "manifest JSON: contests[0].min_selections: a whole number from 0 to 4294967295 is "
        "expected, not 1.5");
  CHECK(error_of(manifest("4294967296", "1")) ==
        "manifest JSON: max_ballots_per_credential: a whole number from 0 to 4294967295 is "
        "expected, not 4294967296");
  CHECK(error_of(manifest("1", "1", R"(, "titel": {})")) ==
        "manifest JSON: titel: there is no such field in Manifest");
  CHECK(error_of(R"({"languages": "en"})") ==
        "manifest JSON: languages: a list […] is expected, not the text \"en\"");
  // A key given twice is refused, not read as its last value.
  CHECK(error_of(manifest("1", "1", R"(, "languages": ["kk"])")).find("is already set") !=
        std::string::npos);
  CHECK(error_of(R"({"election_id": 7})") ==
        "manifest JSON: election_id: a text in quotes is expected, not a number");
  CHECK(error_of(R"({"title": {"text": {"en": 1}}})") ==
        "manifest JSON: title.text.en: a text in quotes is expected, not a number");
  CHECK(error_of("[1]") == "manifest JSON: the file: an object {…} is expected, not a list");
  CHECK(error_of("{").rfind("manifest JSON: not JSON: ", 0) == 0);
}
