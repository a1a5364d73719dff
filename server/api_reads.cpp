// GET endpoints (docs/api.md, "Reads"). Public: anyone may read anything.
#include <memory>

#include "server/api.hpp"
#include "server/api_call.hpp"
#include "server/entry_page_stream.hpp"
#include "server/limits.hpp"
#include "server/record_stream.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/note.hpp"

namespace senim::server::api {
namespace {

constexpr std::string_view kBallots = "/v1/ballots/";
constexpr std::string_view kCredentials = "/v1/credentials/";
constexpr std::string_view kVoterView = "/v1/voter-view/";

template <class T>
Response answer(const Expected<T>& value, Format format) {
  if (!value)
    return error_response(value.error(), format);
  return encode(*value, format);
}

Response entries(Board& board, const Call& call) {
  auto start = uint_param(call.target, "start", 0);
  if (!start)
    return error_response(start.error(), call.format);
  auto count = uint_param(call.target, "count", limits::kMaxEntriesPerPage);
  if (!count)
    return error_response(count.error(), call.format);
  if (*count > limits::kMaxEntriesPerPage) {
    return error_response(make_error(Errc::invalid_argument,
                                     "count " + std::to_string(*count) + " exceeds the limit of " +
                                         std::to_string(limits::kMaxEntriesPerPage)),
                          call.format);
  }
  // Streamed: an unread page holds one piece of it (entry_page_stream.hpp).
  // The first piece is read here, on the worker, so that a storage error
  // still gets an error answer.
  auto stream = std::make_shared<EntryPageStream>(board, *start, *count, call.format);
  auto first = stream->next();
  if (!first)
    return error_response(first.error(), call.format);
  Response r;
  r.content_type = call.format == Format::json ? kJsonType : kProtobufType;
  r.body = std::move(first->value());
  r.stream = [stream] { return stream->next(); };
  return r;
}

Response inclusion(Board& board, const Call& call) {
  auto index = uint_param(call.target, "index");
  if (!index)
    return error_response(index.error(), call.format);
  auto size = uint_param(call.target, "size");
  if (!size)
    return error_response(size.error(), call.format);
  return answer(board.inclusion_proof(*index, *size), call.format);
}

Response consistency(Board& board, const Call& call) {
  auto old_size = uint_param(call.target, "old");
  if (!old_size)
    return error_response(old_size.error(), call.format);
  auto new_size = uint_param(call.target, "new");
  if (!new_size)
    return error_response(new_size.error(), call.format);
  return answer(board.consistency_proof(*old_size, *new_size), call.format);
}

Response ballot(Board& board, const Call& call) {
  auto code = code_in_path(board, std::string_view(call.target.path).substr(kBallots.size()));
  if (!code)
    return error_response(code.error(), call.format);
  return answer(board.ballot_status(*code), call.format);
}

// docs/api.md, "GET /v1/voter-view/{key-hex}".
Response voter_view(Board& board, const Call& call) {
  auto key = hex32(std::string_view(call.target.path).substr(kVoterView.size()), "credential key");
  if (!key)
    return error_response(key.error(), call.format);
  return answer(board.voter_view(*key), call.format);
}

Response credential(Board& board, const Call& call) {
  auto key =
      hex32(std::string_view(call.target.path).substr(kCredentials.size()), "credential key");
  if (!key)
    return error_response(key.error(), call.format);
  return encode(board.credential_status(*key), call.format);
}

Response record(Board& board, const Call& call) {
  auto last = board.cosigned_checkpoint();
  if (!last) {
    return error_response(make_error(Errc::not_found, "the board is empty: no record yet"),
                          call.format);
  }
  // A snapshot at the latest checkpoint: later entries are not part of it.
  std::optional<RecordCheckpoint> witnessed;
  if (auto note = board.witnessed_checkpoint())
    witnessed = RecordCheckpoint{protocol::checkpoint_note_size(*note), std::move(*note)};
  RecordCheckpoint final_checkpoint{protocol::checkpoint_note_size(*last), std::move(*last)};
  auto stream = std::make_shared<RecordStream>(board.storage(), std::move(final_checkpoint),
                                               std::move(witnessed));
  Response r;
  r.content_type = "application/octet-stream";
  r.stream = [stream] { return stream->next(); };
  return r;
}

}  // namespace

Response read(Board& board, const Call& call) {
  const std::string& path = call.target.path;
  if (path == "/v1/election")
    return encode(board.info(), call.format);
  if (path == "/v1/entries")
    return entries(board, call);
  if (path == "/checkpoint")
    return checkpoint(board, call);
  if (path == "/v1/witnessed-checkpoint")
    return witnessed_checkpoint(board, call);
  if (path.starts_with("/tile/"))
    return tile(board, call);
  if (path == "/v1/proofs/inclusion")
    return inclusion(board, call);
  if (path == "/v1/proofs/consistency")
    return consistency(board, call);
  if (path == "/v1/record")
    return record(board, call);
  if (path.starts_with(kBallots))
    return ballot(board, call);
  if (auto readable = view(board, call))
    return std::move(*readable);
  if (path.starts_with(kCredentials))
    return credential(board, call);
  if (path.starts_with(kVoterView))
    return voter_view(board, call);
  if (is_write_path(path)) {
    return error_response(405, "method_not_allowed", path + " only takes POST", call.format);
  }
  return error_response(make_error(Errc::not_found, "no such resource: GET " + path), call.format);
}

}  // namespace senim::server::api
