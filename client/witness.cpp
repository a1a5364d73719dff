// `senim witness keygen | serve | status`: an observer's witness
// (docs/observer-guide.md, docs/protocol.md §14).
#include "witness/witness.hpp"

#include <iostream>
#include <memory>

#include "client/commands.hpp"
#include "client/common.hpp"
#include "client/key_files.hpp"
#include "crypto/secret_memory.hpp"
#include "net/log_sources.hpp"
#include "net/url.hpp"
#include "proto/witness.pb.h"
#include "protocol/signing.hpp"
#include "protocol/text_rules.hpp"
#include "tlog/text.hpp"
#include "tlog/vkey.hpp"
#include "witness/http_server.hpp"
#include "witness/status.hpp"

namespace senim::client {
namespace {

struct LoadedKey {
  std::shared_ptr<protocol::SigningKey> key;
  tlog::VerifierKey vkey;
};

Expected<LoadedKey> load_witness_key(const std::string& path) {
  v1::WitnessKeyFile file;
  if (auto s = read_message_file(path, file); !s)
    return s.error();
  auto key = protocol::SigningKey::from_seed(as_bytes(file.seed()));
  wipe_string(*file.mutable_seed());
  if (!key)
    return make_error(key.error().code, path + ": " + key.error().message);
  auto vkey =
      tlog::make_verifier_key(file.name(), tlog::kSignatureTypeCosignatureV1, key->public_key());
  if (!vkey)
    return make_error(vkey.error().code, path + ": " + vkey.error().message);
  return LoadedKey{std::make_shared<protocol::SigningKey>(std::move(*key)), *vkey};
}

// "HOST:PORT" (HOST an IP address).
Expected<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& listen) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(Errc::invalid_argument, "--listen wants HOST:PORT, not " + listen);
  const auto port = tlog::parse_decimal(std::string_view(listen).substr(colon + 1));
  if (!port || *port > 65535)
    return make_error(Errc::invalid_argument, "--listen: not a port: " + listen.substr(colon + 1));
  return std::pair{listen.substr(0, colon), static_cast<std::uint16_t>(*port)};
}

}  // namespace

int witness_keygen(const WitnessOptions& o) {
  if (!tlog::is_valid_key_name(o.name))
    return fail("--name must be a key name: no spaces, no '+', e.g. witness1.example.kz");
  const auto key = protocol::SigningKey::generate();
  auto vkey = tlog::make_verifier_key(o.name, tlog::kSignatureTypeCosignatureV1, key.public_key());
  if (!vkey)
    return fail(vkey.error());
  v1::WitnessKeyFile file;
  file.set_name(o.name);
  Bytes seed = key.seed();
  file.set_seed(to_string(seed));
  wipe(seed);
  const Status written = write_message_file(o.key, file, Secrecy::secret_file);
  wipe_string(*file.mutable_seed());
  if (!written)
    return fail(written.error());
  std::cout << "witness key written to " << protocol::printable(o.key) << " (keep it secret)\n"
            << "vkey " << tlog::format_vkey(*vkey) << "\n";
  return 0;
}

int witness_serve(const WitnessOptions& o) {
  auto key = load_witness_key(o.key);
  if (!key)
    return fail(key.error());
  auto listen = parse_listen(o.listen);
  if (!listen)
    return fail(listen.error());
  auto board = net::open_log_source(o.board);
  if (!board)
    return fail(board.error());
  witness::WitnessConfig config;
  config.data_dir = o.data;
  config.log_vkey = o.log;
  config.witness = key->vkey;
  config.sign = [signer = key->key](ByteView message) { return signer->sign(message); };
  config.board = std::move(*board);
  config.threads = o.threads;
  config.snapshot_entries = o.snapshot_entries;
  config.background_after = o.background_after;
  config.log = [](const std::string& line) {
    std::cerr << "senim witness: " << protocol::printable(line) << "\n";
  };
  witness::OpenReport opened;
  auto w = witness::Witness::open(std::move(config), &opened);
  if (!w)
    return fail(w.error());
  auto server = witness::HttpServer::bind(listen->first, listen->second);
  if (!server)
    return fail(server.error());
  std::cerr << "senim witness: " << tlog::format_vkey(key->vkey) << "\n"
            << "senim witness: log " << protocol::printable((*w)->origin()) << ", cosigned size "
            << opened.cosigned_size << "; resumed from a snapshot of " << opened.snapshot_size
            << " entries, re-checked " << opened.rechecked << " in " << opened.seconds << " s\n";
  if (!opened.snapshot_note.empty() && opened.snapshot_size == 0 && opened.cosigned_size > 0)
    std::cerr << "senim witness: no snapshot used: " << protocol::printable(opened.snapshot_note)
              << "\n";
  // The line scripts wait for: the address it answers on.
  std::cout << "listening on http://" << listen->first << ":" << (*server)->port() << std::endl;
  witness::Witness& self = **w;
  (*server)->run({[&self](std::string_view body) { return self.add_checkpoint(body); },
                  [&self](std::string_view hash) { return self.monitoring_checkpoint(hash); }});
  std::cerr << "senim witness: stopped\n";
  return 0;
}

int witness_status(const WitnessOptions& o) {
  auto text = witness::status_text(o.data);
  if (!text)
    return fail(text.error());
  std::cout << *text;
  return 0;
}

}  // namespace senim::client
