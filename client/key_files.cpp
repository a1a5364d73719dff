#include "client/key_files.hpp"

#include <fcntl.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "client/language.hpp"
#include "crypto/secret_memory.hpp"
#include "protocol/readable_json.hpp"

namespace senim::client {
namespace {

// A key or state file is a few kilobytes; anything far larger is not one.
constexpr std::size_t kMaxMessageFileBytes = std::size_t{1} << 20;

// `pattern` (marked for translation) with the path, and why the system
// said no; errno is read first, before anything else can change it.
Error io(const char* pattern, const std::string& path) {
  const int why = errno;
  return make_error(Errc::io_error, fill(tr(pattern), {path}) + ": " + std::strerror(why));
}

// Protobuf writes into this as into any output stream, and every byte it
// writes stays in guarded memory that is wiped when freed, growth included.
class SecretOutput : public google::protobuf::io::ZeroCopyOutputStream {
 public:
  explicit SecretOutput(crypto::SecretBuffer& buffer) : buffer_(buffer) {}
  bool Next(void** data, int* size) override {
    if (buffer_.size() == buffer_.capacity())
      buffer_.reserve(std::max<std::size_t>(1024, 2 * buffer_.capacity()));
    const std::size_t start = buffer_.size();
    buffer_.resize(buffer_.capacity());
    *data = buffer_.data() + start;
    *size = static_cast<int>(buffer_.size() - start);
    return true;
  }
  void BackUp(int count) override {
    buffer_.resize(buffer_.size() - static_cast<std::size_t>(count));
  }
  int64_t ByteCount() const override { return static_cast<int64_t>(buffer_.size()); }

 private:
  crypto::SecretBuffer& buffer_;
};

// The JSON mapping's type information for every message senim has. This is
// what MessageToJsonString and JsonStringToMessage use inside; calling the
// stream forms of the same functions lets every buffer be one that is wiped.
google::protobuf::util::TypeResolver* type_resolver() {
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool()));
  return resolver.get();
}

std::string type_url(const google::protobuf::Message& message) {
  return "type.googleapis.com/" + message.GetDescriptor()->full_name();
}

// The whole file, read straight into guarded memory (no stream buffers).
Expected<crypto::SecretBuffer> read_secret_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return io(mark("cannot read {1}"), path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const Error e = io(mark("cannot read {1}"), path);
    ::close(fd);
    return e;
  }
  crypto::SecretBuffer buffer(
      std::min(static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)), kMaxMessageFileBytes) + 1);
  while (true) {
    if (buffer.size() == buffer.capacity()) {
      if (buffer.capacity() > kMaxMessageFileBytes) {
        ::close(fd);
        return make_error(Errc::invalid_length,
                          fill(tr("{1} is too large to be a senim key file"), {path}));
      }
      buffer.reserve(2 * buffer.capacity());
    }
    const std::size_t done = buffer.size();
    buffer.resize(buffer.capacity());
    const ssize_t n = ::read(fd, buffer.data() + done, buffer.size() - done);
    if (n < 0) {
      const Error e = io(mark("cannot read {1}"), path);
      ::close(fd);
      return e;
    }
    buffer.resize(done + static_cast<std::size_t>(n));
    if (n == 0)
      break;
  }
  ::close(fd);
  return buffer;
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
    return tr("a voter credential file");
  return "a " + name + " file";
}

}  // namespace

Expected<ReservedFile> reserve_output(const std::string& path, Secrecy secrecy, bool overwrite) {
  return ReservedFile::reserve(path, secrecy == Secrecy::secret_file ? 0600 : 0644,
                               overwrite || secrecy == Secrecy::public_file);
}

Status write_message_file(const std::string& path, const google::protobuf::Message& message,
                          Secrecy secrecy, bool overwrite) {
  auto file = reserve_output(path, secrecy, overwrite);
  if (!file)
    return file.error();
  if (secrecy == Secrecy::secret_file)
    return write_message_file(*file, message);
  // Public: nothing to guard, and its keys in hex, as people compare them.
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok())
    return make_error(Errc::invalid_argument, "cannot encode " + path);
  return file->commit(protocol::hex_bytes_in_json(message, std::move(json), ": "));
}

namespace {

// message → protobuf bytes (in `binary`) → JSON appended to `out`, each in
// guarded memory. `binary` is wiped afterwards and may be reused.
Status encode_json(const google::protobuf::Message& message, bool compact,
                   crypto::SecretBuffer& binary, crypto::SecretBuffer& out) {
  const std::size_t size = message.ByteSizeLong();
  if (binary.capacity() < size)
    binary.reserve(size);
  binary.resize(size);
  if (!message.SerializeToArray(binary.data(), static_cast<int>(binary.size())))
    return make_error(Errc::invalid_argument, "cannot encode " + kind_of(message));
  if (out.capacity() - out.size() < 4 * binary.size() + 1024)
    out.reserve(std::max(2 * out.capacity(), out.size() + 4 * binary.size() + 1024));
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !compact;
  options.preserve_proto_field_names = true;
  google::protobuf::io::ArrayInputStream in(binary.data(), static_cast<int>(binary.size()));
  SecretOutput json(out);
  const bool encoded = google::protobuf::util::BinaryToJsonStream(
                           type_resolver(), type_url(message), &in, &json, options)
                           .ok();
  sodium_memzero(binary.data(), binary.size());
  if (!encoded)
    return make_error(Errc::invalid_argument, "cannot encode " + kind_of(message));
  return Status::success();
}

// JSON → protobuf bytes → message, each in guarded memory until the message.
Status decode_json(const crypto::SecretBuffer& text, const std::string& where,
                   google::protobuf::Message& message) {
  crypto::SecretBuffer binary(text.size() + 64);
  google::protobuf::util::JsonParseOptions options;
  google::protobuf::io::ArrayInputStream in(text.data(), static_cast<int>(text.size()));
  SecretOutput out(binary);
  const auto status = google::protobuf::util::JsonToBinaryStream(type_resolver(), type_url(message),
                                                                 &in, &out, options);
  if (!status.ok()) {
    return make_error(
        Errc::invalid_encoding,
        fill(tr("{1} is not {2} ({3})"), {where, kind_of(message), std::string(status.message())}));
  }
  if (!message.ParseFromArray(binary.data(), static_cast<int>(binary.size()))) {
    return make_error(Errc::invalid_encoding, fill(tr("{1} is not {2} (its fields do not decode)"),
                                                   {where, kind_of(message)}));
  }
  return Status::success();
}

}  // namespace

Status write_message_file(ReservedFile& file, const google::protobuf::Message& message) {
  crypto::SecretBuffer binary;
  crypto::SecretBuffer json(1024);
  if (auto s = encode_json(message, false, binary, json); !s)
    return make_error(s.error().code, s.error().message + " for " + file.path());
  return file.commit(json.view());
}

Status JsonLines::append(const google::protobuf::Message& message, crypto::SecretBuffer& out) {
  if (auto s = encode_json(message, true, scratch_, out); !s)
    return s;
  if (out.size() == out.capacity())
    out.reserve(2 * out.capacity());
  out.resize(out.size() + 1);
  out.data()[out.size() - 1] = '\n';
  return Status::success();
}

Status read_message_file(const std::string& path, google::protobuf::Message& message) {
  auto text = read_secret_file(path);
  if (!text)
    return text.error();
  return decode_json(*text, path, message);
}

Status read_message_line(const std::string& path, std::uint64_t line,
                         google::protobuf::Message& message) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return io(mark("cannot read {1}"), path);
  // The file is read in pieces through guarded memory: a district's file of
  // a million lines is never held whole, and no piece of it outlives this.
  crypto::SecretBuffer piece(std::size_t{64} << 10);
  crypto::SecretBuffer wanted(1024);
  std::uint64_t at = 1;  // the line the next byte belongs to
  while (line != 0 && at <= line) {
    piece.resize(piece.capacity());
    const ssize_t n = ::read(fd, piece.data(), piece.size());
    if (n < 0) {
      const Error e = io(mark("cannot read {1}"), path);
      ::close(fd);
      return e;
    }
    if (n == 0)
      break;
    for (ssize_t i = 0; i < n && at <= line; ++i) {
      const std::uint8_t c = piece.data()[i];
      if (c == '\n') {
        ++at;
      } else if (at == line) {
        if (wanted.size() > kMaxMessageFileBytes) {
          ::close(fd);
          return make_error(Errc::invalid_length,
                            fill(tr("line {2} of {1} is too long to be a senim file's line"),
                                 {path, std::to_string(line)}));
        }
        if (wanted.size() == wanted.capacity())
          wanted.reserve(2 * wanted.capacity());
        wanted.resize(wanted.size() + 1);
        wanted.data()[wanted.size() - 1] = c;
      }
    }
  }
  ::close(fd);
  if (line == 0)
    return make_error(Errc::invalid_argument,
                      fill(tr("the lines of {1} are numbered from 1"), {path}));
  if (wanted.size() == 0) {
    // Line K exists once its newline is read (at > K) or it has bytes.
    return make_error(Errc::invalid_argument, fill(at <= line ? tr("{1} has fewer than {2} lines")
                                                              : tr("line {2} of {1} is empty"),
                                                   {path, std::to_string(line)}));
  }
  return decode_json(wanted, fill(tr("line {2} of {1}"), {path, std::to_string(line)}), message);
}

Status read_public_file(const std::string& path, google::protobuf::Message& message) {
  auto text = read_bytes_file(path);
  if (!text)
    return text.error();
  auto json = protocol::base64_bytes_in_json(*message.GetDescriptor(), *text);
  if (!json) {
    return make_error(Errc::invalid_encoding, fill(tr("{1} is not {2} ({3})"),
                                                   {path, kind_of(message), json.error().message}));
  }
  if (auto s = google::protobuf::util::JsonStringToMessage(*json, &message); !s.ok()) {
    return make_error(
        Errc::invalid_encoding,
        fill(tr("{1} is not {2} ({3})"), {path, kind_of(message), std::string(s.message())}));
  }
  return Status::success();
}

void wipe_string(std::string& secret) {
  if (!secret.empty())
    sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

std::string secret_scalar_bytes(const crypto::Scalar& s) {
  crypto::Scalar::Encoding encoding = s.encode();
  std::string out(encoding.begin(), encoding.end());
  wipe(encoding);
  return out;
}

Status write_bytes_file(const std::string& path, const std::string& bytes) {
  auto file = ReservedFile::reserve(path, 0644, true);
  if (!file)
    return file.error();
  return file->commit(bytes);
}

Expected<std::string> read_bytes_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return io(mark("cannot read {1}"), path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace senim::client
