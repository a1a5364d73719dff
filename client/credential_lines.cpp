#include "client/credential_lines.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>

#include "client/key_files.hpp"
#include "crypto/secret_memory.hpp"
#include "protocol/credential_signature.hpp"
#include "protocol/election_config.hpp"

namespace senim::client {
namespace {

Error io(const std::string& what) {
  return make_error(Errc::io_error, what + ": " + std::strerror(errno));
}

// One list's credentials: their lines per district of the plan, and their
// public keys as the list posted.
struct ListPart {
  std::vector<crypto::SecretBuffer> lines;
  v1::CredentialList keys;
  bool posted = false;
};

struct Round {
  std::uint64_t count = 0;
  std::vector<ListPart> parts;
  Status made = Status::success();
};

// Credentials first … first + count − 1 of the plan.
Status make_part(const CredentialLinesPlan& plan, std::uint64_t first, std::uint64_t count,
                 ListPart& part) {
  part.lines.clear();
  for (std::size_t d = 0; d < plan.districts.size(); ++d)
    part.lines.emplace_back(std::size_t{160} * (count / plan.districts.size() + 1));
  // Every seed of the part from one call (one system call, not one per
  // credential), in guarded memory.
  constexpr std::size_t kSeed = protocol::CredentialKey::kSeedBytes;
  crypto::SecretBuffer seeds(kSeed * count);
  seeds.resize(seeds.capacity());
  randombytes_buf(seeds.data(), seeds.size());
  crypto::SecretBuffer scratch(protocol::kCredentialScratchBytes);
  scratch.resize(protocol::kCredentialScratchBytes);
  JsonLines json;
  v1::VoterCredentialFile file;
  file.set_election_id(plan.election_id);
  file.set_server(plan.server);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t d = (first + i) % plan.districts.size();
    const std::uint8_t* seed = seeds.data() + kSeed * i;
    // §11.1.2: the credential of the seed.
    auto key = protocol::credential_public_key(
        ByteView(seed, kSeed),
        std::span<std::uint8_t, protocol::kCredentialScratchBytes>(scratch.data(), scratch.size()));
    if (!key)
      return key.error();
    file.set_district(plan.districts[d]);
    file.mutable_seed()->assign(reinterpret_cast<const char*>(seed), kSeed);
    Status appended = json.append(file, part.lines[d]);
    wipe_string(*file.mutable_seed());
    if (!appended)
      return appended;
    auto* c = part.keys.add_credentials();
    c->set_key(to_string(*key));
    c->set_district(plan.districts[d]);
  }
  return Status::success();
}

// Up to kListsPerRound lists from `first` on, made on two threads (one
// takes the even lists, the other the odd ones).
Round make_round(const CredentialLinesPlan& plan, std::uint64_t first) {
  Round r;
  const std::uint64_t per_list = credentials_per_list(plan.districts);
  r.count = std::min(kCredentialListsPerRound * per_list, plan.count - first);
  r.parts.resize((r.count + per_list - 1) / per_list);
  auto make_every_other = [&](std::size_t start) {
    for (std::size_t j = start; j < r.parts.size(); j += 2) {
      const std::uint64_t from = first + j * per_list;
      if (auto s = make_part(plan, from, std::min(per_list, first + r.count - from), r.parts[j]);
          !s)
        return s;
    }
    return Status::success();
  };
  Status odd = Status::success();
  std::thread helper([&] { odd = make_every_other(1); });
  r.made = make_every_other(0);
  helper.join();
  if (r.made && !odd)
    r.made = odd;
  return r;
}

// The district files, created empty (never over an existing one).
class DistrictFiles {
 public:
  ~DistrictFiles() {
    for (const int fd : fds_) {
      if (fd >= 0)
        ::close(fd);
    }
  }

  Status create(const CredentialLinesPlan& plan) {
    for (const std::string& district : plan.districts) {
      const std::string path = credential_lines_path(plan.out_dir, district);
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) {
        const Error e = errno == EEXIST ? make_error(Errc::invalid_argument,
                                                     path + " already exists; not overwriting it")
                                        : io("cannot create " + path);
        remove_all();
        return e;
      }
      paths_.push_back(path);
      fds_.push_back(fd);
      written_.push_back(0);
      kept_.push_back(0);
    }
    return Status::success();
  }

  // Appends the lines of the round's lists (all of them, or only those
  // posted) to every file and flushes each once.
  Status append(const Round& r, bool only_posted) {
    for (const ListPart& part : r.parts) {
      if (only_posted && !part.posted)
        continue;
      for (std::size_t d = 0; d < fds_.size(); ++d) {
        if (auto s = write_all(d, part.lines[d]); !s)
          return s;
      }
    }
    for (std::size_t d = 0; d < fds_.size(); ++d) {
      if (::fdatasync(fds_[d]) != 0)
        return io("cannot flush " + paths_[d]);
    }
    return Status::success();
  }

  // Everything written so far is of posted keys: it stays.
  void keep() { kept_ = written_; }

  // Cuts what `keep` did not keep (the lines of keys that are not on the
  // board), and flushes the cut.
  Status cut_back() {
    for (std::size_t d = 0; d < fds_.size(); ++d) {
      if (::ftruncate(fds_[d], kept_[d]) != 0 || ::lseek(fds_[d], 0, SEEK_END) != kept_[d] ||
          ::fdatasync(fds_[d]) != 0) {
        return io("cannot cut " + paths_[d] + " back to its lines of posted credentials");
      }
      written_[d] = kept_[d];
    }
    return Status::success();
  }

  // Removes files that hold nothing (a district no credential went to, or
  // a run that posted nothing).
  void remove_empty() {
    for (std::size_t d = 0; d < fds_.size(); ++d) {
      if (kept_[d] == 0)
        std::filesystem::remove(paths_[d]);
    }
  }

  const std::vector<std::string>& paths() const { return paths_; }

 private:
  Status write_all(std::size_t d, const crypto::SecretBuffer& lines) {
    std::size_t done = 0;
    while (done < lines.size()) {
      const ssize_t n = ::write(fds_[d], lines.data() + done, lines.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return io("cannot write " + paths_[d]);
      done += static_cast<std::size_t>(n);
    }
    written_[d] += static_cast<off_t>(lines.size());
    return Status::success();
  }

  void remove_all() {
    for (std::size_t d = 0; d < fds_.size(); ++d) {
      ::close(fds_[d]);
      fds_[d] = -1;
      std::filesystem::remove(paths_[d]);
    }
  }

  std::vector<std::string> paths_;
  std::vector<int> fds_;
  std::vector<off_t> written_;  // what this run wrote to each file
  std::vector<off_t> kept_;     // of which the lines of posted keys
};

}  // namespace

std::size_t credentials_per_list(const std::vector<std::string>& districts) {
  std::size_t longest = 0;
  for (const std::string& d : districts)
    longest = std::max(longest, d.size());
  // A listed Credential: key (1 + 1 + 32 bytes), district (1 + 1 + its
  // length), and its own tag and length in the list (2).
  const std::size_t each = 38 + longest;
  return std::clamp<std::size_t>(kCredentialListBudgetBytes / each, 1,
                                 protocol::kCredentialsPerList);
}

Status read_voter_credential(const std::string& path, std::uint64_t line,
                             v1::VoterCredentialFile& file) {
  return line == 0 ? read_message_file(path, file) : read_message_line(path, line, file);
}

std::string credential_lines_path(const std::string& out_dir, const std::string& district) {
  const std::string name =
      district.empty() ? "credentials.jsonl" : "credentials-" + district + ".jsonl";
  return (std::filesystem::path(out_dir) / name).string();
}

Expected<IssuedLines> issue_credential_lines(const CredentialLinesPlan& plan,
                                             const PostCredentialLists& post,
                                             std::ostream& progress) {
  DistrictFiles files;
  if (auto s = files.create(plan); !s)
    return make_error(s.error().code, s.error().message + "; nothing was posted");
  IssuedLines issued;
  const auto started = std::chrono::steady_clock::now();
  auto said = started;
  auto failed = [&](const Error& why) -> Error {
    std::string what = why.message + "; " + std::to_string(issued.posted) + " of the " +
                       std::to_string(plan.count) + " credentials were issued and posted";
    if (auto cut = files.cut_back(); !cut) {
      return make_error(why.code, what + ", but " + cut.error().message +
                                      ": the files end with lines of credentials not on the board");
    }
    files.remove_empty();
    return make_error(why.code, what +
                                    ", their lines kept; the lines of credentials not "
                                    "posted were removed");
  };
  auto next_round = [&](std::uint64_t first) {
    return std::async(std::launch::async, make_round, std::cref(plan), first);
  };
  std::future<Round> next = next_round(0);
  for (std::uint64_t first = 0; first < plan.count;) {
    Round round = next.get();
    first += round.count;
    if (first < plan.count)
      next = next_round(first);  // made while this round is written and posted
    if (!round.made)
      return failed(round.made.error());
    // Every line is on disk before its key is posted.
    if (auto s = files.append(round, false); !s)
      return failed(s.error());
    std::vector<const v1::CredentialList*> lists;
    for (const ListPart& part : round.parts)
      lists.push_back(&part.keys);
    const std::vector<Status> answers = post(lists);
    std::optional<Error> refused;
    for (std::size_t j = 0; j < round.parts.size(); ++j) {
      round.parts[j].posted = answers[j].ok();
      if (round.parts[j].posted)
        issued.posted += static_cast<std::uint64_t>(round.parts[j].keys.credentials_size());
      else if (!refused)
        refused = answers[j].error();
    }
    if (refused) {
      // The lists were posted at once, so any of them may have failed: the
      // round's lines are written again, those of posted lists only.
      if (auto s = files.cut_back(); !s)
        return failed(s.error());
      if (auto s = files.append(round, true); !s)
        return failed(s.error());
      files.keep();
      return failed(*refused);
    }
    files.keep();
    const auto now = std::chrono::steady_clock::now();
    if (now - said >= std::chrono::seconds(1) || first == plan.count) {
      const double seconds = std::chrono::duration<double>(now - started).count();
      progress << "senim: " << issued.posted << " of " << plan.count << " credentials issued ("
               << static_cast<std::uint64_t>(static_cast<double>(issued.posted) /
                                             std::max(seconds, 1e-3))
               << "/s)\n";
      said = now;
    }
  }
  files.remove_empty();
  issued.files = files.paths();
  return issued;
}

}  // namespace senim::client
