// The readable JSON the board serves and a mirror stores (docs/api.md,
// "Formats"): the same message gives the same bytes, whatever order its
// text maps were built or parsed in, so two exports of one board are equal.
#include "protocol/readable_json.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "proto/manifest.pb.h"

namespace {

const std::vector<std::string> kLanguages = {"ru", "kk", "en", "de", "fr", "tr", "zh", "uz",
                                             "ky", "tg", "tk", "ar", "es", "it", "ja", "ko"};

senim::v1::Text text_in(const std::vector<std::string>& languages) {
  senim::v1::Text t;
  for (const auto& l : languages)
    (*t.mutable_text())[l] = "word in " + l;
  return t;
}

}  // namespace

TEST_CASE("a text map is written in key order, the same bytes however it was built",
          "[protocol][readable-json]") {
  const auto first = senim::protocol::readable_json(text_in(kLanguages));
  REQUIRE(first.ok());
  // Keys in byte order: ar, de, en, es, fr, it, ja, kk, ko, ky, ru, tg, tk, tr, uz, zh.
  std::string want = R"({"text":{)";
  const std::vector<std::string> sorted = {"ar", "de", "en", "es", "fr", "it", "ja", "kk",
                                           "ko", "ky", "ru", "tg", "tk", "tr", "uz", "zh"};
  for (std::size_t i = 0; i < sorted.size(); ++i)
    want += (i ? "," : "") + ("\"" + sorted[i] + "\":\"word in " + sorted[i] + "\"");
  want += "}}\n";
  CHECK(*first == want);
  // Built in other orders, and parsed back from its wire bytes (a map's
  // iteration order is its hash table's, not its insertion order).
  std::vector<std::string> reversed(kLanguages.rbegin(), kLanguages.rend());
  CHECK(*senim::protocol::readable_json(text_in(reversed)) == want);
  for (int i = 0; i < 20; ++i) {
    senim::v1::Text parsed;
    REQUIRE(parsed.ParseFromString(text_in(i % 2 ? kLanguages : reversed).SerializeAsString()));
    CHECK(*senim::protocol::readable_json(parsed) == want);
  }
}
