// What a witness keeps of what it refused (docs/protocol.md §14.5): a line
// per refusal in DIR/refusals.log, and in DIR/evidence/ the requests that
// show the board inconsistent, fork evidence anyone can check
// (protocol/fork_evidence.hpp), and the entries that fail a check.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "protocol/durable_file.hpp"
#include "protocol/fork_evidence.hpp"
#include "tlog/base64.hpp"
#include "witness/witness.hpp"

namespace senim::witness {
namespace {

// One line, whatever the message held.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r')
      c = ' ';
  }
  return text;
}

}  // namespace

void Witness::log_refusal(unsigned status, std::uint64_t size, const std::string& why) {
  const std::string line = std::to_string(config_.clock()) + "\t" + std::to_string(status) + "\t" +
                           std::to_string(size) + "\t" + one_line(why) + "\n";
  const protocol::UniqueFd fd(
      ::open(path("refusals.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid() || ::write(fd.get(), line.data(), line.size()) < 0)
    config_.log("cannot append to " + path("refusals.log"));
  config_.log("refused (" + std::to_string(status) + ") a checkpoint of size " +
              std::to_string(size) + ": " + one_line(why));
}

// Writes evidence/NAME durably (a new name if NAME exists); returns its path.
std::string Witness::keep_evidence(const std::string& name, const std::string& contents) {
  std::string file = (std::filesystem::path(path("evidence")) / name).string();
  auto kept = protocol::keep_file_durably(file, as_bytes(contents));
  if (!kept) {
    config_.log("cannot keep evidence: " + kept.error().message);
    return file;
  }
  return *kept;
}

Answer Witness::on_inconsistent(const tlog::AddCheckpointRequest& request,
                                const tlog::AddCheckpointOutcome& outcome) {
  const std::string why = outcome.error ? outcome.error->message : "inconsistent";
  // tlog-witness: a witness MAY log such a request, as it might be proof of
  // log misbehaviour. It is kept whole.
  std::string body = "old " + std::to_string(request.old_size) + "\n";
  for (const Hash32& h : request.proof)
    body += tlog::base64_encode(h) + "\n";
  body += "\n" + request.note;
  keep_evidence("request-" + std::to_string(config_.clock()) + "-" +
                    std::to_string(request.checkpoint.size) + ".txt",
                body);
  if (latest_ && latest_->size > 0 && request.old_size == latest_->size)
    keep_fork_evidence(state_.cosigned(), request.note, request);
  log_refusal(422, request.checkpoint.size, why);
  return {422, "text/plain; charset=utf-8", why + "\n", 0};
}

// The checkpoint this witness cosigned and the one submitted, both signed by
// the board, cannot both be true: write evidence that proves it offline, from
// the request's proof if it is one, else from the board's own tiles of the
// larger tree (protocol::build_fork_evidence, the builder every tool uses).
// Nothing is written unless it proves a fork.
void Witness::keep_fork_evidence(const std::string& ours, const std::string& theirs,
                                 const tlog::AddCheckpointRequest& request) {
  const std::uint64_t m = latest_->size;
  const std::uint64_t n = request.checkpoint.size;
  auto evidence = protocol::build_fork_evidence(config_.log_vkey, ours, theirs, config_.board.get(),
                                                request.proof);
  if (!evidence) {
    config_.log(
        "the board's checkpoints of sizes " + std::to_string(m) + " and " + std::to_string(n) +
        " are inconsistent, but no offline evidence could be made: " + evidence.error().message);
    return;
  }
  auto kept = protocol::keep_fork_evidence(*evidence, path("evidence"));
  if (!kept) {
    config_.log("cannot keep evidence: " + kept.error().message);
    return;
  }
  config_.log("FORK: the board signed inconsistent checkpoints; evidence in " + *kept);
}

}  // namespace senim::witness
