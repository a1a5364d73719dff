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

// §11.1.1 rule 1: a varint is as short as its value allows (its last byte is
// not 0x00, unless it is the one byte 0x00) and its value fits `bits` bits.
Expected<std::uint64_t> read_varint(Cursor& c, unsigned bits, const std::string& what) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (c.done())
      return make_error(Errc::invalid_encoding, what + ": the bytes end inside a varint");
    const std::uint8_t byte = c.in[c.pos++];
    if (i == 9 && byte > 1) {
      return make_error(Errc::noncanonical_varint, what + ": a varint wider than 64 bits");
    }
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) != 0)
      continue;
    if (i > 0 && byte == 0) {
      return make_error(Errc::noncanonical_varint,
                        what + ": a varint of " + std::to_string(i + 1) +
                            " bytes whose last byte is 0x00 (not the shortest encoding)");
    }
    if (bits < 64 && value >> bits != 0) {
      return make_error(Errc::noncanonical_varint, what + ": value " + std::to_string(value) +
                                                       " does not fit " + std::to_string(bits) +
                                                       " bits");
    }
    return value;
  }
  return make_error(Errc::noncanonical_varint, what + ": a varint longer than 10 bytes");
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

std::string name_of(const std::string& path, const FieldDescriptor& f) {
  return path + "." + f.name();
}

Status scan_message(ByteView in, const Descriptor& type, const std::string& path);

// Reads a length-delimited value (rule 1 for its length).
Expected<ByteView> read_delimited(Cursor& c, const std::string& what) {
  auto length = read_varint(c, 32, what + " (its length)");
  if (!length)
    return length.error();
  if (*length > c.in.size() - c.pos) {
    return make_error(Errc::invalid_encoding, what + ": a length of " + std::to_string(*length) +
                                                  " bytes, but only " +
                                                  std::to_string(c.in.size() - c.pos) + " remain");
  }
  const ByteView value = c.in.subspan(c.pos, *length);
  c.pos += *length;
  return value;
}

Status check_string(ByteView value, const std::string& what) {
  if (!valid_utf8(value))
    return make_error(Errc::invalid_encoding, what + " is not valid UTF-8");
  return Status::success();
}

// Rule 6: a map entry is its key (field 1), then its value (field 2), both
// always written, even when empty. senim's only map is string → string.
Expected<std::string> scan_map_entry(ByteView in, const Descriptor& entry,
                                     const std::string& what) {
  const Error misshapen =
      make_error(Errc::invalid_encoding, what +
                                             ": a map entry is its key (0x0a), then its value "
                                             "(0x12), both always written, and nothing else");
  Cursor c{in};
  std::string key;
  for (std::uint64_t number = 1; number <= 2; ++number) {
    const FieldDescriptor& f = *entry.FindFieldByNumber(static_cast<int>(number));
    if (c.done())
      return misshapen;
    auto tag = read_varint(c, 32, name_of(what, f) + " (its key)");
    if (!tag)
      return tag.error();
    if (*tag != (number << 3 | kDelimited))
      return misshapen;
    auto value = read_delimited(c, name_of(what, f));
    if (!value)
      return value.error();
    if (auto s = check_string(*value, name_of(what, f)); !s)
      return s.error();
    if (number == 1)
      key.assign(value->begin(), value->end());
  }
  if (!c.done())
    return misshapen;
  return key;
}

// Rule 5: a packed field is one record of minimal varints, never empty.
Status scan_packed(ByteView in, const FieldDescriptor& f, const std::string& what) {
  if (in.empty())
    return make_error(Errc::default_value, what + " is written empty: an empty list is left out");
  Cursor c{in};
  while (!c.done()) {
    if (auto v = read_varint(c, varint_bits(f), what); !v)
      return v.error();
  }
  return Status::success();
}

// The value of one record of field `f` (rules 1, 4, 5, 6).
Status scan_value(Cursor& c, const FieldDescriptor& f, const std::string& what,
                  std::string* map_key) {
  if (wire_type_of(f) == kVarint) {
    auto v = read_varint(c, varint_bits(f), what);
    if (!v)
      return v.error();
    if (*v == 0 && !f.has_presence())
      return make_error(Errc::default_value, what + " is written as 0: a default is left out");
    return Status::success();
  }
  auto value = read_delimited(c, what);
  if (!value)
    return value.error();
  if (f.is_packed())
    return scan_packed(*value, f, what);
  if (f.is_map()) {
    auto key = scan_map_entry(*value, *f.message_type(), what);
    if (!key)
      return key.error();
    *map_key = std::move(*key);
    return Status::success();
  }
  if (f.type() == FieldDescriptor::TYPE_MESSAGE)
    return scan_message(*value, *f.message_type(), what);
  if (value->empty() && !f.is_repeated() && !f.has_presence())
    return make_error(Errc::default_value, what + " is written empty: a default is left out");
  if (f.type() == FieldDescriptor::TYPE_STRING)
    return check_string(*value, what);
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
                                           unsigned wire, Seen& seen, const std::string& path) {
  const FieldDescriptor* f =
      number <= 536'870'911 ? type.FindFieldByNumber(static_cast<int>(number)) : nullptr;
  const std::string where = path + " field " + std::to_string(number);
  if (f == nullptr) {
    return make_error(Errc::unknown_field, where + " (wire type " + std::to_string(wire) +
                                               ") is not a field of " + type.name());
  }
  const std::string what = name_of(path, *f);
  if (wire != wire_type_of(*f)) {
    if (f->is_packed() && wire == kVarint)
      return make_error(Errc::invalid_encoding, what + " is a repeated number and must be packed");
    return make_error(Errc::unknown_field, what + " has wire type " + std::to_string(wire) +
                                               ", the schema's is " +
                                               std::to_string(wire_type_of(*f)) +
                                               " (libprotobuf would keep it as an unknown field)");
  }
  if (f->number() < seen.number) {
    return make_error(Errc::field_order, what + " (field " + std::to_string(f->number()) +
                                             ") comes after field " + std::to_string(seen.number) +
                                             ": fields are in ascending order");
  }
  if (f->number() == seen.number && (!f->is_repeated() || f->is_packed())) {
    return make_error(Errc::repeated_field,
                      what + " is given twice (libprotobuf would keep the last)");
  }
  if (const OneofDescriptor* o = f->real_containing_oneof()) {
    const FieldDescriptor*& used = seen.oneof_used[static_cast<std::size_t>(o->index())];
    if (used != nullptr && used != f) {
      return make_error(Errc::repeated_field, path + "." + o->name() + " holds both " +
                                                  used->name() + " and " + f->name() +
                                                  " (libprotobuf would keep the last)");
    }
    used = f;
  }
  return f;
}

// Map keys: strictly ascending as bytes (rule 6). `first`: the map's first entry.
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

Status scan_message(ByteView in, const Descriptor& type, const std::string& path) {
  Cursor c{in};
  Seen seen;
  seen.oneof_used.assign(static_cast<std::size_t>(type.oneof_decl_count()), nullptr);
  while (!c.done()) {
    auto key = read_varint(c, 32, path + " (a field's key)");
    if (!key)
      return key.error();
    auto f = check_key(type, *key >> 3, static_cast<unsigned>(*key & 7), seen, path);
    if (!f)
      return f.error();
    const std::string what = name_of(path, **f);
    std::string map_key;
    if (auto s = scan_value(c, **f, what, &map_key); !s)
      return s;
    if ((*f)->is_map()) {
      const bool first = (*f)->number() != seen.number;
      if (auto s = check_map_order(first, seen.map_key, map_key, what); !s)
        return s;
      seen.map_key = std::move(map_key);
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
  return scan_message(bytes, type, type.name());
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
