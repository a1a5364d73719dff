#include "client/key_files.hpp"

#include <fcntl.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace senim::client {
namespace {

Error io(const std::string& what) {
  return make_error(Errc::io_error, what + ": " + std::strerror(errno));
}

Status write_atomically(const std::string& path, const std::string& text, mode_t mode,
                        bool overwrite) {
  if (!overwrite && ::access(path.c_str(), F_OK) == 0) {
    return make_error(Errc::io_error, path + " already exists; not overwriting it");
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0)
    return io("cannot create " + tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      ::close(fd);
      return io("cannot write " + tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return io("cannot save " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return io("cannot rename " + tmp);
  return Status::success();
}

// What a person calls the file a message lives in.
std::string kind_of(const google::protobuf::Message& message) {
  const std::string& name = message.GetDescriptor()->name();
  if (name == "AuthorityKeyFile")
    return "an authority key file";
  if (name == "TrusteeKeyFile")
    return "a trustee key file";
  if (name == "TrusteePublicFile")
    return "a trustee's public file";
  if (name == "TrusteeStateFile")
    return "a trustee state file";
  if (name == "VoterCredentialFile")
    return "a voter credential file";
  return "a " + name + " file";
}

}  // namespace

Status write_message_file(const std::string& path, const google::protobuf::Message& message,
                          Secrecy secrecy, bool overwrite) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) {
    return make_error(Errc::invalid_argument, "cannot encode " + path);
  }
  const mode_t mode = secrecy == Secrecy::secret_file ? 0600 : 0644;
  Status s = write_atomically(path, json, mode, overwrite || secrecy == Secrecy::public_file);
  sodium_memzero(json.data(), json.size());
  return s;
}

Status read_message_file(const std::string& path, google::protobuf::Message& message) {
  std::ifstream in(path);
  if (!in)
    return io("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  google::protobuf::util::JsonParseOptions options;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &message, options);
  sodium_memzero(text.data(), text.size());
  if (!status.ok()) {
    return make_error(Errc::invalid_encoding, path + " is not " + kind_of(message) + " (" +
                                                  std::string(status.message()) + ")");
  }
  return Status::success();
}

void wipe_string(std::string& secret) {
  if (!secret.empty())
    sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

Status write_bytes_file(const std::string& path, const std::string& bytes) {
  return write_atomically(path, bytes, 0644, true);
}

Expected<std::string> read_bytes_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return io("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace senim::client
