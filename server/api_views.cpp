// GET endpoints for people (docs/api.md, "Readable answers"): the election,
// turnout, result, opened challenges and the decoded log, JSON by default.
#include "protocol/tracking_code.hpp"
#include "server/api.hpp"
#include "server/api_call.hpp"
#include "server/limits.hpp"

namespace senim::server::api {
namespace {

constexpr std::string_view kChallenges = "/v1/challenges/";

template <class T>
Response answer(const Expected<T>& value, Format format) {
  if (!value)
    return error_response(value.error(), format);
  return encode(*value, format);
}

Response challenge(Board& board, const Call& call) {
  auto code = code_in_path(board, call.target.path.substr(kChallenges.size()));
  if (!code)
    return error_response(code.error(), call.format);
  return answer(board.challenge_view(*code), call.format);
}

Response log(Board& board, const Call& call) {
  auto start = uint_param(call.target, "start", 0);
  if (!start)
    return error_response(start.error(), call.format);
  auto count = uint_param(call.target, "count", limits::kMaxReadableEntriesPerPage);
  if (!count)
    return error_response(count.error(), call.format);
  if (*count > limits::kMaxReadableEntriesPerPage) {
    return error_response(make_error(Errc::invalid_argument,
                                     "count " + std::to_string(*count) + " exceeds the limit of " +
                                         std::to_string(limits::kMaxReadableEntriesPerPage)),
                          call.format);
  }
  return answer(board.readable_entries(*start, *count), call.format);
}

}  // namespace

Expected<Hash32> code_in_path(Board& board, std::string_view text) {
  auto query = protocol::parse_tracking_code(text);
  if (!query)
    return query.error();
  return board.resolve_tracking_code(*query);
}

std::optional<Response> view(Board& board, const Call& call) {
  const std::string& path = call.target.path;
  if (path == "/v1/manifest")
    return answer(board.election_view(), call.format);
  if (path == "/v1/turnout")
    return encode(board.turnout(), call.format);
  if (path == "/v1/result")
    return answer(board.result_view(), call.format);
  if (path == "/v1/log")
    return log(board, call);
  if (path.starts_with(kChallenges))
    return challenge(board, call);
  return std::nullopt;
}

}  // namespace senim::server::api
