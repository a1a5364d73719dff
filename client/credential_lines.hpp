// Credentials in bulk (docs/operator-guide.md "Credentials in bulk"): one
// file per district, one line per voter, each line a whole voter credential
// file in compact JSON. A national election issues millions; a file each,
// flushed each, made 253 a second (issue 8), these make tens of thousands.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "crypto/error.hpp"
#include "proto/election.pb.h"
#include "proto/files.pb.h"

namespace senim::client {

// A round: the credentials made, written and flushed together, then their
// lists posted together. Eight lists make one flush of each file serve 4,000
// credentials instead of 500, and one group commit of the board (about
// 25 ms: its fsyncs) serve eight lists.
inline constexpr std::size_t kCredentialListsPerRound = 8;

// The tools' lists hold at most this many bytes of credentials, so that the
// one list a voter downloads keeps a vote under 64 KB (docs/protocol.md
// §11.6) whatever the district ids: 500 credentials (the most, §8.5) with
// ids of up to 8 bytes, 225 with ids of 64.
inline constexpr std::size_t kCredentialListBudgetBytes = 23'000;
std::size_t credentials_per_list(const std::vector<std::string>& districts);

struct CredentialLinesPlan {
  std::string election_id;
  std::string server;                  // the board URL written for voters
  std::vector<std::string> districts;  // spread over in turn; "" for an election without any
  std::uint64_t count = 0;
  std::string out_dir;
};

// A voter's credential: the whole file (line 0), or line `line` of a
// district's file of lines.
Status read_voter_credential(const std::string& path, std::uint64_t line,
                             v1::VoterCredentialFile& file);

// The file of one district's credentials in `out_dir`.
std::string credential_lines_path(const std::string& out_dir, const std::string& district);

struct IssuedLines {
  std::uint64_t posted = 0;
  std::vector<std::string> files;
};

// Posts credential lists (each at most protocol::kCredentialsPerList keys),
// all at once, and answers for each once the board holds it durably (or
// refused it).
using PostCredentialLists =
    std::function<std::vector<Status>(const std::vector<const v1::CredentialList*>&)>;

// Makes the credentials on both cores, writes their lines, flushes every
// file, and only then posts their public keys, eight lists at a time (one
// group commit of the board serves them all): a key on the board always has
// its secret on disk. If a write or a post fails, the lines of keys not
// posted are cut off the files again and the error says how many were
// posted. Progress goes to `progress` about once a second.
Expected<IssuedLines> issue_credential_lines(const CredentialLinesPlan& plan,
                                             const PostCredentialLists& post,
                                             std::ostream& progress);

}  // namespace senim::client
