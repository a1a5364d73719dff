#include "client/board_client.hpp"

#include <cstdio>
#include <fstream>

#include "client/language.hpp"
#include "protocol/text_rules.hpp"

namespace senim::client {
namespace {

// What the common refusals mean, in the voter's language; the board's own
// words (in English) follow.
std::string meaning(const std::string& code, unsigned status) {
  if (status == 503 || code == "overloaded")
    return tr("the board is busy; try again in a minute");
  if (code == "wrong_phase")
    return tr("the election does not accept this now");
  if (code == "duplicate")
    return tr("the board already has this");
  if (code == "not_authorized")
    return tr("this credential may not do this");
  if (code == "signature_invalid")
    return tr("a signature does not check");
  return {};
}

Error refused(const net::HttpResponse& response) {
  v1::ApiError error;
  if (error.ParseFromString(response.body) && !error.message().empty()) {
    // The board's words, escaped here: they may be made to forge output.
    const std::string code = protocol::printable(error.code());
    const std::string why = meaning(code, response.status);
    return make_error(
        Errc::invalid_argument,
        fill(why.empty() ? tr("the board refused: {2} ({3}, HTTP {4})")
                         : tr("the board refused: {1} — {2} ({3}, HTTP {4})"),
             {why, protocol::printable(error.message()), code, std::to_string(response.status)}));
  }
  return make_error(Errc::io_error,
                    fill(tr("the board answered HTTP {1}"), {std::to_string(response.status)}));
}

}  // namespace

Expected<BoardClient> BoardClient::connect(const std::string& url) {
  auto http = net::HttpClient::create(url);
  if (!http)
    return make_error(http.error().code,
                      fill(tr("board URL {1}: {2}"), {url, http.error().message}));
  return BoardClient(url, std::move(*http));
}

template <class Message>
Expected<Message> BoardClient::get_message(const std::string& target) {
  auto response = http_.get(target, net::kProtobuf);
  if (!response) {
    return make_error(Errc::io_error, fill(tr("cannot reach the board at {1}: {2}"),
                                           {url_, response.error().message}));
  }
  if (response->status != 200)
    return refused(*response);
  Message m;
  if (!m.ParseFromString(response->body)) {
    return make_error(Errc::invalid_encoding,
                      "the board's answer to " + target + " does not parse");
  }
  return m;
}

Expected<v1::BoardInfo> BoardClient::info() {
  return get_message<v1::BoardInfo>("/v1/election");
}

Expected<BoardClient::Identity> BoardClient::identity() {
  auto board_info = info();
  if (!board_info)
    return board_info.error();
  Identity id{std::move(*board_info), {}};
  if (!copy_exact(id.info.board_key(), id.key))
    return make_error(Errc::invalid_length, "the board at " + url_ + " names no board key");
  return id;
}

Expected<std::vector<Bytes>> BoardClient::entries(std::uint64_t start, std::uint64_t count) {
  auto list = get_message<v1::EntryList>("/v1/entries?start=" + std::to_string(start) +
                                         "&count=" + std::to_string(count));
  if (!list)
    return list.error();
  if (list->start() != start) {
    return make_error(Errc::invalid_argument, "the board answered entries from another position");
  }
  std::vector<Bytes> out;
  for (const auto& e : list->entries())
    out.emplace_back(e.begin(), e.end());
  return out;
}

Expected<v1::InclusionProof> BoardClient::inclusion(std::uint64_t index, std::uint64_t size) {
  return get_message<v1::InclusionProof>("/v1/proofs/inclusion?index=" + std::to_string(index) +
                                         "&size=" + std::to_string(size));
}

Expected<v1::ConsistencyProof> BoardClient::consistency(std::uint64_t old_size,
                                                        std::uint64_t new_size) {
  return get_message<v1::ConsistencyProof>(
      "/v1/proofs/consistency?old=" + std::to_string(old_size) +
      "&new=" + std::to_string(new_size));
}

Expected<v1::BallotStatus> BoardClient::ballot_status(const Hash32& tracking_code) {
  return get_message<v1::BallotStatus>("/v1/ballots/" + to_hex(tracking_code));
}

Expected<v1::CredentialStatus> BoardClient::credential_status(ByteView key) {
  return get_message<v1::CredentialStatus>("/v1/credentials/" + to_hex(key));
}

Expected<v1::VoterView> BoardClient::voter_view(ByteView key) {
  return get_message<v1::VoterView>("/v1/voter-view/" + to_hex(key));
}

Expected<v1::Receipt> BoardClient::post(const std::string& kind, const Bytes& entry) {
  auto response = http_.post(
      "/v1/" + kind, std::string_view(reinterpret_cast<const char*>(entry.data()), entry.size()),
      net::kProtobuf, net::kProtobuf);
  if (!response) {
    return make_error(Errc::io_error, fill(tr("cannot reach the board at {1}: {2}"),
                                           {url_, response.error().message}));
  }
  if (response->status != 200)
    return refused(*response);
  v1::Receipt receipt;
  if (!receipt.ParseFromString(response->body)) {
    return make_error(Errc::invalid_encoding, "the board's receipt does not parse");
  }
  return receipt;
}

Status BoardClient::download_record(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return make_error(Errc::io_error, "cannot write " + path);
  auto response = http_.download("/v1/record", [&](ByteView piece) -> Status {
    out.write(reinterpret_cast<const char*>(piece.data()),
              static_cast<std::streamsize>(piece.size()));
    if (!out)
      return make_error(Errc::io_error, "cannot write " + path);
    return Status::success();
  });
  if (!response) {
    return make_error(Errc::io_error,
                      "cannot download the record from " + url_ + ": " + response.error().message);
  }
  if (response->status != 200)
    return refused(*response);
  out.close();
  if (!out)
    return make_error(Errc::io_error, "cannot write " + path);
  return Status::success();
}

std::string post_path(const v1::Statement& statement) {
  switch (statement.body_case()) {
    case v1::Statement::kSetup:
      return "setup";
    case v1::Statement::kDeal:
      return "deals";
    case v1::Statement::kReady:
      return "ready";
    case v1::Statement::kComplaint:
      return "complaints";
    case v1::Statement::kCredentials:
      return "credentials";
    case v1::Statement::kOpen:
      return "open";
    case v1::Statement::kBallot:
      return "ballots";
    case v1::Statement::kChallenge:
      return "challenges";
    case v1::Statement::kClose:
      return "close";
    case v1::Statement::kTally:
      return "tally";
    case v1::Statement::kPartial:
      return "partials";
    case v1::Statement::kResult:
      return "result";
    case v1::Statement::BODY_NOT_SET:
      break;
  }
  return "entries";
}

}  // namespace senim::client
