// docs/protocol.md §11.1.1: the canonical encoding, checked by scanning the
// wire format against the schema (the descriptors of proto/*.proto).
#include "protocol/canonical.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>
#include <vector>

namespace senim::protocol {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::OneofDescriptor;

constexpr unsigned kVarint = 0;     // wire type of uint32, uint64
constexpr unsigned kDelimited = 2;  // wire type of string, bytes, messages, packed numbers

// The bytes of one message, read front to back.
struct Cursor {
  ByteView in;
  std::size_t pos = 0;
  bool done() const { return pos >= in.size(); }
};

// Where in the message tree a rule is checked: "Statement.ballot.contests".
// Spelled out only when a rule breaks, so that a scan allocates nothing.
struct Path {
  const Path* parent = nullptr;
  const Descriptor* root = nullptr;        // the top message's type (no parent)
  const FieldDescriptor* field = nullptr;  // the field that holds this message
  std::string str() const { return parent ? parent->str() + "." + field->name() : root->name(); }
  std::string of(const FieldDescriptor& f) const { return str() + "." + f.name(); }
};

Error at(const std::string& where, const Error& e) {
  return Error{e.code, where + ": " + e.message};
}

// §11.1.1 rule 1: a varint is as short as its value allows (its last byte is
// not 0x00, unless it is the one byte 0x00) and its value fits `bits` bits.
Expected<std::uint64_t> read_varint(Cursor& c, unsigned bits) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (c.done())
      return make_error(Errc::invalid_encoding, "the bytes end inside a varint");
    const std::uint8_t byte = c.in[c.pos++];
    if (i == 9 && byte > 1)
      return make_error(Errc::noncanonical_varint, "a varint wider than 64 bits");
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) != 0)
      continue;
    if (i > 0 && byte == 0) {
      return make_error(Errc::noncanonical_varint,
                        "a varint of " + std::to_string(i + 1) +
                            " bytes whose last byte is 0x00 (not the shortest encoding)");
    }
    if (bits < 64 && value >> bits != 0) {
      return make_error(
          Errc::noncanonical_varint,
          "value " + std::to_string(value) + " does not fit " + std::to_string(bits) + " bits");
    }
    return value;
  }
  return make_error(Errc::noncanonical_varint, "a varint longer than 10 bytes");
}

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(ByteView s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::uint8_t b = s[i];
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      cp = b & 0x1fU;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      cp = b & 0x0fU;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      cp = b & 0x07U;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (s[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3fU);
    }
    const std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

unsigned varint_bits(const FieldDescriptor& f) {
  return f.type() == FieldDescriptor::TYPE_UINT32 ? 32 : 64;
}

bool is_number(const FieldDescriptor& f) {
  return f.type() == FieldDescriptor::TYPE_UINT32 || f.type() == FieldDescriptor::TYPE_UINT64;
}

// The wire type the canonical form uses for `f` (§11.1.1 rule 2).
unsigned wire_type_of(const FieldDescriptor& f) {
  return is_number(f) && !f.is_repeated() ? kVarint : kDelimited;
}

Status scan_message(ByteView in, const Descriptor& type, const Path& path);

// Reads a length-delimited value (rule 1 for its length). `where()` names
// the field, and is only called when the value is broken.
template <class Where>
Expected<ByteView> read_delimited(Cursor& c, const Where& where) {
  auto length = read_varint(c, 32);
  if (!length)
    return at(where() + " (its length)", length.error());
  if (*length > c.in.size() - c.pos) {
    return make_error(Errc::invalid_encoding, where() + ": a length of " + std::to_string(*length) +
                                                  " bytes, but only " +
                                                  std::to_string(c.in.size() - c.pos) + " remain");
  }
  const ByteView value = c.in.subspan(c.pos, *length);
  c.pos += *length;
  return value;
}

// Rule 7: a map entry is its key (field 1), then its value (field 2), both
// always written, even when empty. senim's only map is string → string.
Expected<std::string> scan_map_entry(ByteView in, const std::string& what) {
  const Error misshapen =
      make_error(Errc::invalid_encoding, what +
                                             ": a map entry is its key (0x0a), then its value "
                                             "(0x12), both always written, and nothing else");
  Cursor c{in};
  std::string key;
  for (std::uint64_t number = 1; number <= 2; ++number) {
    if (c.done())
      return misshapen;
    auto tag = read_varint(c, 32);
    if (!tag)
      return at(what, tag.error());
    if (*tag != (number << 3 | kDelimited))
      return misshapen;
    auto value = read_delimited(c, [&] { return what + (number == 1 ? ".key" : ".value"); });
    if (!value)
      return value.error();
    if (!valid_utf8(*value))
      return make_error(Errc::invalid_encoding, what + " holds a string that is not valid UTF-8");
    if (number == 1)
      key.assign(value->begin(), value->end());
  }
  if (!c.done())
    return misshapen;
  return key;
}

// Rule 5: a packed field is one record of minimal varints, never empty.
Status scan_packed(ByteView in, const FieldDescriptor& f, const Path& path) {
  if (in.empty()) {
    return make_error(Errc::default_value,
                      path.of(f) + " is written empty: an empty list is left out");
  }
  Cursor c{in};
  while (!c.done()) {
    if (auto v = read_varint(c, varint_bits(f)); !v)
      return at(path.of(f), v.error());
  }
  return Status::success();
}

// The value of one record of field `f` (rules 1, 5, 6, 7). A map entry's
// key goes to `map_key`.
Status scan_value(Cursor& c, const FieldDescriptor& f, const Path& path, std::string* map_key) {
  if (wire_type_of(f) == kVarint) {
    auto v = read_varint(c, varint_bits(f));
    if (!v)
      return at(path.of(f), v.error());
    if (*v == 0 && !f.has_presence())
      return make_error(Errc::default_value,
                        path.of(f) + " is written as 0: a default is left out");
    return Status::success();
  }
  auto value = read_delimited(c, [&] { return path.of(f); });
  if (!value)
    return value.error();
  if (f.is_packed())
    return scan_packed(*value, f, path);
  if (f.is_map()) {
    auto key = scan_map_entry(*value, path.of(f));
    if (!key)
      return key.error();
    *map_key = std::move(*key);
    return Status::success();
  }
  if (f.type() == FieldDescriptor::TYPE_MESSAGE) {
    const Path inner{&path, nullptr, &f};
    return scan_message(*value, *f.message_type(), inner);
  }
  if (value->empty() && !f.is_repeated() && !f.has_presence()) {
    return make_error(Errc::default_value, path.of(f) + " is written empty: a default is left out");
  }
  if (f.type() == FieldDescriptor::TYPE_STRING && !valid_utf8(*value))
    return make_error(Errc::invalid_encoding, path.of(f) + " is not valid UTF-8");
  return Status::success();
}

// What the records before the current one have used.
struct Seen {
  int number = 0;                                  // the previous record's field
  std::vector<const FieldDescriptor*> oneof_used;  // per oneof, the member given
  std::string map_key;                             // the previous map entry's key
};

// Rules 2–4 for a record of field number `number` with wire type `wire`.
Expected<const FieldDescriptor*> check_key(const Descriptor& type, std::uint64_t number,
                                           unsigned wire, Seen& seen, const Path& path) {
  const FieldDescriptor* f =
      number <= 536'870'911 ? type.FindFieldByNumber(static_cast<int>(number)) : nullptr;
  if (f == nullptr) {
    return make_error(Errc::unknown_field, path.str() + " field " + std::to_string(number) +
                                               " (wire type " + std::to_string(wire) +
                                               ") is not a field of " + type.name());
  }
  if (wire != wire_type_of(*f)) {
    if (f->is_packed() && wire == kVarint) {
      return make_error(Errc::invalid_encoding,
                        path.of(*f) + " is a repeated number and must be packed");
    }
    return make_error(Errc::unknown_field, path.of(*f) + " has wire type " + std::to_string(wire) +
                                               ", the schema's is " +
                                               std::to_string(wire_type_of(*f)) +
                                               " (libprotobuf would keep it as an unknown field)");
  }
  if (f->number() < seen.number) {
    return make_error(Errc::field_order, path.of(*f) + " (field " + std::to_string(f->number()) +
                                             ") comes after field " + std::to_string(seen.number) +
                                             ": fields are in ascending order");
  }
  if (f->number() == seen.number && (!f->is_repeated() || f->is_packed())) {
    return make_error(Errc::repeated_field,
                      path.of(*f) + " is given twice (libprotobuf would keep the last)");
  }
  if (const OneofDescriptor* o = f->real_containing_oneof()) {
    const FieldDescriptor*& used = seen.oneof_used[static_cast<std::size_t>(o->index())];
    if (used != nullptr && used != f) {
      return make_error(Errc::repeated_field, path.str() + "." + o->name() + " holds both " +
                                                  used->name() + " and " + f->name() +
                                                  " (libprotobuf would keep the last)");
    }
    used = f;
  }
  return f;
}

// Map keys: strictly ascending as bytes (rule 7). `first`: the map's first entry.
Status check_map_order(bool first, const std::string& previous, const std::string& key,
                       const std::string& what) {
  if (first || previous < key)
    return Status::success();
  if (previous == key)
    return make_error(Errc::repeated_field, what + " has the key \"" + key +
                                                "\" twice (libprotobuf would keep the last)");
  return make_error(Errc::field_order, what + " key \"" + key + "\" comes after \"" + previous +
                                           "\": map entries are in ascending key order");
}

Status scan_message(ByteView in, const Descriptor& type, const Path& path) {
  Cursor c{in};
  Seen seen;
  seen.oneof_used.assign(static_cast<std::size_t>(type.oneof_decl_count()), nullptr);
  std::string map_key;
  while (!c.done()) {
    auto key = read_varint(c, 32);
    if (!key)
      return at(path.str() + " (a field's key)", key.error());
    auto f = check_key(type, *key >> 3, static_cast<unsigned>(*key & 7), seen, path);
    if (!f)
      return f.error();
    if (auto s = scan_value(c, **f, path, &map_key); !s)
      return s;
    if ((*f)->is_map()) {
      const bool first = (*f)->number() != seen.number;
      if (auto s = check_map_order(first, seen.map_key, map_key, path.of(**f)); !s)
        return s;
      seen.map_key.swap(map_key);
    }
    seen.number = (*f)->number();
  }
  return Status::success();
}

}  // namespace

std::string serialize(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

Status check_canonical(ByteView bytes, const Descriptor& type) {
  const Path top{nullptr, &type, nullptr};
  return scan_message(bytes, type, top);
}

Status parse_canonical(ByteView bytes, google::protobuf::Message& message) {
  const Descriptor& type = *message.GetDescriptor();
  if (auto s = check_canonical(bytes, type); !s)
    return s;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return make_error(Errc::invalid_encoding, "not a valid protobuf " + type.name());
  }
  const std::string again = serialize(message);
  if (!same_bytes(again, bytes)) {
    return make_error(Errc::invalid_encoding,
                      type.name() + " is not its deterministic serialisation (" +
                          std::to_string(bytes.size()) + " bytes, re-serialised " +
                          std::to_string(again.size()) + ")");
  }
  return Status::success();
}

}  // namespace senim::protocol
