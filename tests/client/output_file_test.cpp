// A command's output file is claimed before the command posts anything
// (client/output_file.hpp): the claim fails for a path that cannot be
// written, and a claim given up leaves the file system as it was.
#include "client/output_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace fs = std::filesystem;
using senim::Errc;
using senim::client::ReservedFile;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("senim-output-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a reserved file is written only on commit, with its mode", "[client][output]") {
  const TempDir dir;
  const std::string path = dir.file("receipt");
  auto file = ReservedFile::reserve(path, 0600, false);
  REQUIRE(file);
  CHECK(fs::exists(path + ".tmp"));
  CHECK_FALSE(fs::exists(path));
  REQUIRE(file->commit("bytes"));
  CHECK(contents(path) == "bytes");
  CHECK_FALSE(fs::exists(path + ".tmp"));
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  const auto again = file->commit("more");
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("was already written") != std::string::npos);
}

TEST_CASE("a reservation given up leaves nothing behind", "[client][output]") {
  const TempDir dir;
  const std::string path = dir.file("counts.tsv");
  {
    std::ofstream(path) << "old";
    auto file = ReservedFile::reserve(path, 0644, true);
    REQUIRE(file);
  }
  CHECK_FALSE(fs::exists(path + ".tmp"));
  CHECK(contents(path) == "old");
}

TEST_CASE("a path that cannot be written is refused when reserved", "[client][output]") {
  const TempDir dir;
  SECTION("a missing directory") {
    const auto file = ReservedFile::reserve("/nonexistent/dir/r.tsv", 0644, true);
    REQUIRE_FALSE(file);
    CHECK(file.error().code == Errc::io_error);
    CHECK(file.error().message.find("cannot create /nonexistent/dir/r.tsv.tmp") !=
          std::string::npos);
  }
  SECTION("a directory in place of the file") {
    const auto file = ReservedFile::reserve(dir.path.string(), 0644, true);
    REQUIRE_FALSE(file);
    CHECK(file.error().message.find("is a directory, not a file") != std::string::npos);
  }
  SECTION("an existing secret file is never overwritten") {
    const std::string path = dir.file("voter.cred");
    std::ofstream(path) << "secret";
    const auto file = ReservedFile::reserve(path, 0600, false);
    REQUIRE_FALSE(file);
    CHECK(file.error().message.find("already exists; not overwriting it") != std::string::npos);
    CHECK(contents(path) == "secret");
    CHECK_FALSE(fs::exists(path + ".tmp"));
  }
}
