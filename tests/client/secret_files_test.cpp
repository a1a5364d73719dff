// Secrets on their way to and from disk (docs/threat-model.md, "Secrets in
// memory"). This test binary links wipe_on_free.cpp like `senim`, and
// watches every block operator delete frees, before and after the wipe:
//  - senim's own read path leaves no copy of a key file's text on the heap
//    (it reads into guarded memory), and the seed's string in the message
//    is already zero when it is freed (wipe_string);
//  - the copies protobuf makes inside its JSON converter do pass through
//    operator delete, and are zero when they reach free().
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <string>
#include <type_traits>

#include "client/key_files.hpp"
#include "client/wipe_on_free.hpp"
#include "crypto/scalar.hpp"
#include "crypto/secret_memory.hpp"
#include "proto/files.pb.h"
#include "protocol/ballot.hpp"

using senim::client::read_message_file;
using senim::client::Secrecy;
using senim::client::wipe_string;
using senim::client::write_message_file;

namespace {

// What the observer saw. Plain data: the observer runs inside operator
// delete and must not allocate.
struct Watch {
  const unsigned char* needle = nullptr;
  std::size_t needle_size = 0;
  int held_before_wipe = 0;       // freed blocks that held the needle
  int held_after_wipe = 0;        // … and still held it when handed to free()
  const void* tracked = nullptr;  // one block to follow
  bool tracked_freed = false;
  bool tracked_zero_before_wipe = false;
};
Watch watch;

bool holds(const void* block, std::size_t bytes, const unsigned char* needle, std::size_t n) {
  return n != 0 && bytes >= n && ::memmem(block, bytes, needle, n) != nullptr;
}

bool all_zero(const void* block, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(block);
  for (std::size_t i = 0; i < bytes; ++i) {
    if (p[i] != 0)
      return false;
  }
  return true;
}

void observe(const void* block, std::size_t bytes, bool wiped) {
  if (holds(block, bytes, watch.needle, watch.needle_size))
    ++(wiped ? watch.held_after_wipe : watch.held_before_wipe);
  if (block == watch.tracked && !wiped) {
    watch.tracked_freed = true;
    watch.tracked_zero_before_wipe = all_zero(block, bytes);
  }
}

// Watches the frees of the enclosing scope for `needle`.
class Watching {
 public:
  explicit Watching(const std::string& needle) {
    watch = Watch{};
    watch.needle = reinterpret_cast<const unsigned char*>(needle.data());
    watch.needle_size = needle.size();
    senim::client::set_free_observer(observe);
  }
  ~Watching() { senim::client::set_free_observer(nullptr); }
  Watching(const Watching&) = delete;
  Watching& operator=(const Watching&) = delete;
};

std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("senim-secret-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

// A seed no other memory of the process holds by chance.
std::string random_seed() {
  std::string seed(32, '\0');
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

}  // namespace

TEST_CASE("operator delete zeroes every block before handing it to free()", "[client][secret]") {
  const std::string marker = "a block that held a secret";
  Watching w(marker);
  char* block = new char[marker.size()];
  std::copy(marker.begin(), marker.end(), block);
  watch.tracked = block;
  delete[] block;
  CHECK(watch.tracked_freed);
  CHECK_FALSE(watch.tracked_zero_before_wipe);  // the observer did see the secret …
  CHECK(watch.held_before_wipe == 1);
  CHECK(watch.held_after_wipe == 0);  // … and free() did not
}

TEST_CASE("reading a key file leaves no copy of its text or seed in the memory senim owns",
          "[client][secret]") {
  const std::string path = temp_path("authority.key");
  const std::string seed = random_seed();
  {
    senim::v1::AuthorityKeyFile file;
    file.set_seed(seed);
    REQUIRE(write_message_file(path, file, Secrecy::secret_file).ok());
    wipe_string(*file.mutable_seed());
  }
  SECTION("the file's text, with the seed in base64, never reaches the heap") {
    const std::string text = base64(seed);
    Watching w(text);
    senim::v1::AuthorityKeyFile file;
    REQUIRE(read_message_file(path, file).ok());
    CHECK(file.seed() == seed);
    wipe_string(*file.mutable_seed());
    CHECK(watch.held_before_wipe == 0);
  }
  SECTION("the seed's string in the message is zero before it is freed") {
    Watching w(seed);
    {
      senim::v1::AuthorityKeyFile file;
      REQUIRE(read_message_file(path, file).ok());
      REQUIRE(file.seed() == seed);
      watch.tracked = file.seed().data();
      wipe_string(*file.mutable_seed());
    }
    CHECK(watch.tracked_freed);
    CHECK(watch.tracked_zero_before_wipe);
    // protobuf's JSON converter made its own copies of the raw seed (a
    // decoded base64 string, its message buffer): they came through
    // operator delete and were wiped there.
    CHECK(watch.held_before_wipe >= 1);
    CHECK(watch.held_after_wipe == 0);
  }
  std::filesystem::remove(path);
}

TEST_CASE("writing and reading a trustee state file frees no copy of the share unwiped",
          "[client][secret]") {
  const std::string path = temp_path("trustee.state");
  const senim::crypto::Scalar x = senim::crypto::Scalar::random();
  const std::string share = senim::client::secret_scalar_bytes(x);
  CHECK(share.size() == 32);
  CHECK(senim::same_bytes(share, x.encode()));
  for (const std::string& needle : {share, base64(share)}) {
    Watching w(needle);
    {
      senim::v1::TrusteeStateFile state;
      state.set_election_id("e1");
      state.set_trustee(2);
      state.set_share(share);
      REQUIRE(write_message_file(path, state, Secrecy::secret_file, true).ok());
      wipe_string(*state.mutable_share());
      senim::v1::TrusteeStateFile read;
      REQUIRE(read_message_file(path, read).ok());
      CHECK(read.share() == share);
      wipe_string(*read.mutable_share());
    }
    INFO(needle.size());
    CHECK(watch.held_before_wipe >= 1);  // protobuf's copies, base64 or raw
    CHECK(watch.held_after_wipe == 0);
  }
  std::filesystem::remove(path);
}

TEST_CASE("a voter's choices and a ballot's secrets are held in wiping memory",
          "[client][secret]") {
  using Row = decltype(senim::protocol::BallotChoices::contests)::value_type;
  STATIC_REQUIRE(std::is_same_v<Row, senim::crypto::SecretVector<std::uint32_t>>);
  STATIC_REQUIRE(std::is_same_v<decltype(senim::protocol::ContestSecrets::choices),
                                senim::crypto::SecretVector<std::uint32_t>>);
  STATIC_REQUIRE(std::is_same_v<decltype(senim::protocol::ContestSecrets::nonces),
                                std::vector<senim::crypto::Scalar>>);  // Scalars wipe themselves
}
