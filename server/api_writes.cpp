// POST endpoints (docs/api.md, "Writes"): the body is one Entry's exact
// bytes; each path takes one statement kind. Cheap checks come first, in the
// order of docs/protocol.md §12 ("Admission order"): size, canonical
// decoding, the state's cheap rules, the signature, the proofs; nothing
// reaches the board unless the committer admits it.
#include <array>
#include <utility>

#include "protocol/entry.hpp"
#include "server/api.hpp"
#include "server/api_call.hpp"
#include "server/limits.hpp"

namespace senim::server::api {
namespace {

struct WriteRoute {
  std::string_view path;
  v1::Statement::BodyCase kind;
};

constexpr std::array<WriteRoute, 12> kWriteRoutes{{
    {"/v1/setup", v1::Statement::kSetup},
    {"/v1/deals", v1::Statement::kDeal},
    {"/v1/ready", v1::Statement::kReady},
    {"/v1/complaints", v1::Statement::kComplaint},
    {"/v1/credentials", v1::Statement::kCredentials},
    {"/v1/open", v1::Statement::kOpen},
    {"/v1/ballots", v1::Statement::kBallot},
    {"/v1/challenges", v1::Statement::kChallenge},
    {"/v1/close", v1::Statement::kClose},
    {"/v1/tally", v1::Statement::kTally},
    {"/v1/partials", v1::Statement::kPartial},
    {"/v1/result", v1::Statement::kResult},
}};

const WriteRoute* route_for(std::string_view path) {
  for (const WriteRoute& r : kWriteRoutes) {
    if (r.path == path)
      return &r;
  }
  return nullptr;
}

const WriteRoute* route_for(v1::Statement::BodyCase kind) {
  for (const WriteRoute& r : kWriteRoutes) {
    if (r.kind == kind)
      return &r;
  }
  return nullptr;
}

std::string kind_name(v1::Statement::BodyCase kind) {
  v1::Statement st;
  switch (kind) {
    case v1::Statement::kSetup:
      st.mutable_setup();
      break;
    case v1::Statement::kDeal:
      st.mutable_deal();
      break;
    case v1::Statement::kReady:
      st.mutable_ready();
      break;
    case v1::Statement::kComplaint:
      st.mutable_complaint();
      break;
    case v1::Statement::kCredentials:
      st.mutable_credentials();
      break;
    case v1::Statement::kOpen:
      st.mutable_open();
      break;
    case v1::Statement::kBallot:
      st.mutable_ballot();
      break;
    case v1::Statement::kChallenge:
      st.mutable_challenge();
      break;
    case v1::Statement::kClose:
      st.mutable_close();
      break;
    case v1::Statement::kTally:
      st.mutable_tally();
      break;
    case v1::Statement::kPartial:
      st.mutable_partial();
      break;
    case v1::Statement::kResult:
      st.mutable_result();
      break;
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  return protocol::body_name(st);
}

std::string hex_of(const std::string& bytes) {
  return to_hex(as_bytes(bytes));
}

// §8.2 leaves the board key to the authority; this board only hosts an
// election whose set-up names its own key, or its signed heads would not
// verify under the key every receipt is checked against.
std::optional<Error> check_board_key(const Board& board, const v1::Statement& st) {
  const std::string& named = st.setup().board_key();
  if (same_bytes(named, board.board_key()))
    return std::nullopt;
  return make_error(Errc::invalid_argument, "set-up names board key " + hex_of(named) +
                                                "; this board's key is " +
                                                to_hex(board.board_key()));
}

// Turns the committer's outcome into the HTTP answer.
Committer::Done answer_when_committed(Format format, Respond respond) {
  return [format, respond = std::move(respond)](Expected<v1::Receipt> outcome) {
    try {
      respond(outcome ? encode(*outcome, format) : error_response(outcome.error(), format));
    } catch (const std::exception& e) {
      // On the committer thread: nothing may escape.
      respond(error_response(500, "internal", std::string("internal error: ") + e.what(), format));
    }
  };
}

}  // namespace

bool is_write_path(std::string_view path) {
  return route_for(path) != nullptr;
}

std::optional<Response> write(Board& board, Committer& committer, const Call& call,
                              const Respond& respond) {
  const WriteRoute* route = route_for(call.target.path);
  if (route == nullptr) {
    return error_response(405, "method_not_allowed",
                          "POST " + call.target.path + " is not an endpoint; see docs/api.md",
                          call.format);
  }
  const std::string& body = call.request.body;
  if (!is_entry_media_type(call.request.content_type)) {
    return error_response(415, "unsupported_media_type",
                          "content type " + call.request.content_type +
                              " is not accepted: send the entry's bytes as " +
                              std::string(kProtobufType),
                          call.format);
  }
  if (body.size() > limits::kMaxBodyBytes) {
    return error_response(413, "too_large",
                          "entry of " + std::to_string(body.size()) +
                              " bytes exceeds the limit of " +
                              std::to_string(limits::kMaxBodyBytes),
                          call.format);
  }
  // Steps 1–2: the size (above) and the canonical decoding, and the kind.
  auto parsed = protocol::parse_entry(as_bytes(body));
  if (!parsed)
    return error_response(parsed.error(), call.format);
  const auto kind = parsed->statement.body_case();
  if (kind != route->kind) {
    const WriteRoute* right = route_for(kind);
    return error_response(
        make_error(Errc::invalid_argument,
                   std::string(route->path) + " takes " +
                       protocol::with_article(kind_name(route->kind)) + "; this entry holds " +
                       protocol::with_article(kind_name(kind)) +
                       (right ? ", post it to " + std::string(right->path) : std::string())),
        call.format);
  }
  if (kind == v1::Statement::kSetup) {
    if (auto e = check_board_key(board, parsed->statement))
      return error_response(*e, call.format);
  }
  // Step 3: an entry already on the board (a retry after a lost answer) gets
  // its receipt again, before anything expensive (docs/api.md, "Writes").
  auto existing = board.existing_receipt(as_bytes(body));
  if (!existing)
    return error_response(existing.error(), call.format);
  if (*existing)
    return encode(**existing, call.format);
  // Step 4: the state's cheap rules, then signature and proofs, on this
  // thread, in parallel with others.
  auto pre = board.precheck(std::move(*parsed), as_bytes(body));
  if (!pre) {
    // A retry racing its original: the rules saw the first copy admitted
    // (a sequence number or a trustee's message used), and its commit makes
    // the receipt both copies get. Only for `duplicate`: it waits for that
    // commit.
    if (pre.error().code == Errc::duplicate) {
      if (auto again = board.existing_receipt(as_bytes(body), true); again && *again)
        return encode(**again, call.format);
    }
    return error_response(pre.error(), call.format);
  }
  // Step 5: the committer admits, stores and answers.
  if (!committer.submit(std::move(*pre), answer_when_committed(call.format, respond))) {
    return error_response(503, "overloaded",
                          "the intake queue is full (" + std::to_string(committer.max_queued()) +
                              " entries waiting) or the server is stopping; retry shortly",
                          call.format);
  }
  return std::nullopt;
}

}  // namespace senim::server::api
