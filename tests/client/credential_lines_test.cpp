// Credentials in bulk (client/credential_lines.hpp, docs/operator-guide.md
// §7.1), in this process with a board played by the test: the lines left in
// the files are exactly the credentials posted, whichever list fails.
#include "client/credential_lines.hpp"

#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "client/key_files.hpp"
#include "protocol/election_config.hpp"
#include "protocol/signing.hpp"

using senim::client::CredentialLinesPlan;
using senim::client::credentials_per_list;
using senim::client::issue_credential_lines;

namespace {

// A fresh directory, removed with what it holds.
class TempDir {
 public:
  TempDir() {
    std::string name = (std::filesystem::temp_directory_path() / "senim-lines.XXXXXX").string();
    REQUIRE(::mkdtemp(name.data()) != nullptr);
    path_ = name;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

CredentialLinesPlan plan_in(const std::string& dir, std::uint64_t count) {
  CredentialLinesPlan plan;
  plan.election_id = "lines-2026";
  plan.server = "http://127.0.0.1:9";
  plan.districts = {"north", "south", "west"};
  plan.count = count;
  plan.out_dir = dir;
  return plan;
}

// The public key of every line of the plan's files.
std::multiset<std::string> keys_in_files(const CredentialLinesPlan& plan) {
  std::multiset<std::string> keys;
  for (const std::string& d : plan.districts) {
    const std::string path = senim::client::credential_lines_path(plan.out_dir, d);
    if (!std::filesystem::exists(path))
      continue;
    std::ifstream in(path);
    std::string line;
    for (std::uint64_t k = 1; std::getline(in, line); ++k) {
      senim::v1::VoterCredentialFile file;
      REQUIRE(senim::client::read_message_line(path, k, file));
      CHECK(file.district() == d);
      CHECK(file.election_id() == "lines-2026");
      auto key = senim::protocol::CredentialKey::from_seed(senim::as_bytes(file.seed()));
      REQUIRE(key);
      keys.insert(senim::to_string(key->public_key()));
    }
  }
  return keys;
}

}  // namespace

TEST_CASE("a list holds fewer credentials when district ids are long, so a vote stays small") {
  CHECK(credentials_per_list({"region-1", "r2"}) == senim::protocol::kCredentialsPerList);
  const std::string longest(64, 'd');
  CHECK(credentials_per_list({"a", longest}) == 225);
  // The bound is a real size: a full list of the longest ids encodes within it.
  senim::v1::CredentialList list;
  for (std::size_t i = 0; i < credentials_per_list({longest}); ++i) {
    auto* c = list.add_credentials();
    c->set_key(std::string(32, '\xff'));
    c->set_district(longest);
  }
  CHECK(list.ByteSizeLong() <= senim::client::kCredentialListBudgetBytes);
  auto* c = list.add_credentials();
  c->set_key(std::string(32, '\xff'));
  c->set_district(longest);
  CHECK(list.ByteSizeLong() > senim::client::kCredentialListBudgetBytes);
}

TEST_CASE("credentials in bulk: every line posted, files 0600, lines read back one by one") {
  TempDir dir;
  const CredentialLinesPlan plan = plan_in(dir.path(), 10'001);
  std::mutex m;
  std::multiset<std::string> posted;
  std::ostringstream progress;
  auto issued = issue_credential_lines(
      plan,
      [&](const std::vector<const senim::v1::CredentialList*>& lists) {
        const std::lock_guard lock(m);
        for (const auto* list : lists) {
          CHECK(list->credentials_size() <= 500);
          for (const auto& c : list->credentials())
            posted.insert(c.key());
        }
        return std::vector<senim::Status>(lists.size());
      },
      progress);
  REQUIRE(issued);
  CHECK(issued->posted == 10'001);
  CHECK(issued->files.size() == 3);
  CHECK(posted.size() == 10'001);
  CHECK(keys_in_files(plan) == posted);
  struct stat st {};
  REQUIRE(::stat(issued->files[0].c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(progress.str().find("10001 of 10001 credentials issued") != std::string::npos);
  senim::v1::VoterCredentialFile file;
  auto past = senim::client::read_message_line(issued->files[0], 3335, file);
  REQUIRE(!past);
  CHECK(past.error().message == issued->files[0] + " has fewer than 3335 lines");
  // A second run over the same files is refused before anything is made.
  auto again = issue_credential_lines(
      plan, [](const auto& lists) { return std::vector<senim::Status>(lists.size()); }, progress);
  REQUIRE(!again);
  CHECK(again.error().message == issued->files[0] +
                                     " already exists; not overwriting it; nothing "
                                     "was posted");
}

TEST_CASE("credentials in bulk: a list refused in the middle of a round leaves the others' lines") {
  TempDir dir;
  // Rounds of 8 lists of 500, 8 again, then 2: the second round's first
  // list is refused, its 7 others are posted, the third round never made.
  const CredentialLinesPlan plan = plan_in(dir.path(), 9'000);
  std::multiset<std::string> posted;
  int calls = 0;
  auto issued = issue_credential_lines(
      plan,
      [&](const std::vector<const senim::v1::CredentialList*>& lists) {
        std::vector<senim::Status> answers(lists.size());
        ++calls;
        for (std::size_t j = 0; j < lists.size(); ++j) {
          if (calls == 2 && j == 0) {  // the second round's first list: refused
            answers[j] = senim::make_error(senim::Errc::wrong_phase, "voting has opened");
            continue;
          }
          for (const auto& c : lists[j]->credentials())
            posted.insert(c.key());
        }
        return answers;
      },
      std::cerr);
  REQUIRE(!issued);
  CHECK(issued.error().code == senim::Errc::wrong_phase);
  CHECK(issued.error().message ==
        "voting has opened; 7500 of the 9000 credentials were issued and posted, their lines kept; "
        "the lines of credentials not posted were removed");
  CHECK(posted.size() == 7'500);
  CHECK(keys_in_files(plan) == posted);
}

TEST_CASE("credentials in bulk: refused at once, no file is left") {
  TempDir dir;
  const CredentialLinesPlan plan = plan_in(dir.path(), 700);
  auto issued = issue_credential_lines(
      plan,
      [](const std::vector<const senim::v1::CredentialList*>& lists) {
        return std::vector<senim::Status>(
            lists.size(), senim::make_error(senim::Errc::io_error, "cannot connect"));
      },
      std::cerr);
  REQUIRE(!issued);
  CHECK(issued.error().message.rfind("cannot connect; 0 of the 700", 0) == 0);
  CHECK(std::filesystem::is_empty(dir.path()));
}
